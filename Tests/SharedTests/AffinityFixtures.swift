import Testing

@testable import GPLRCore

/// Small random graphs with the awkward cases built in, and the dense brute force of Eq. (2)–(4).
enum AffinityFixtures {
    /// `labels` split into `count` batches of users, in user order (as iterations would label them).
    static func batches(_ labels: PrototypeLabels, count: Int) throws -> [PrototypeLabels] {
        let users = labels.users
        return try (0..<count).map { batch in
            var part = PrototypeLabels(personaCount: labels.personaCount)
            for user in users[users.count * batch / count..<users.count * (batch + 1) / count] {
                try part.setPersonas(labels.personas(ofUser: user)!, forUser: user)
            }
            return part
        }
    }

    /// ~`userCount` users, `itemCount` items: a few isolated users, a few items with exactly one buyer, a few
    /// items nobody bought, the rest random.
    static func graph(seed: UInt64, userCount: Int = 90, itemCount: Int = 60) -> PurchaseGraph {
        var random = SamplingRandom(seed: seed)
        var rows = [[UInt32]](repeating: [], count: userCount)
        let isolated = Set((0..<4).map { _ in Int.random(in: 0..<userCount, using: &random) })
        let soloItems = 0..<5  // items 0..<5: exactly one buyer each
        let unsold = itemCount - 3..<itemCount  // last 3 items: nobody
        for u in 0..<userCount where !isolated.contains(u) {
            let degree = Int.random(in: 1...9, using: &random)
            var items = Set<UInt32>()
            while items.count < degree {
                items.insert(UInt32(Int.random(in: soloItems.upperBound..<unsold.lowerBound, using: &random)))
            }
            rows[u] = items.sorted()
        }
        let buyers = (0..<userCount).filter { !isolated.contains($0) }
        for item in soloItems {
            let u = buyers[Int.random(in: 0..<buyers.count, using: &random)]
            rows[u] = (rows[u] + [UInt32(item)]).sorted()
        }
        var offsets = [0]
        var targets: [UInt32] = []
        for row in rows {
            targets += row
            offsets.append(targets.count)
        }
        return PurchaseGraph(
            userIDs: (0..<userCount).map { "u\($0)" }, itemIDs: (0..<itemCount).map { "i\($0)" },
            itemNames: (0..<itemCount).map { "i\($0)" },
            userItems: CompressedSparseRows(offsets: offsets, targets: targets),
            purchaseCounts: [UInt32](repeating: 1, count: targets.count))
    }

    /// Random prototypes (about `share` of users) with 0–3 personas each (0 = "Unrepresentable"); persona
    /// `personaCount - 1` is never given, so its column must stay zero.
    static func labels(seed: UInt64, userCount: Int, personaCount: Int, share: Double = 0.25) throws -> PrototypeLabels
    {
        var random = SamplingRandom(seed: seed &+ 99)
        var labels = PrototypeLabels(personaCount: personaCount)
        for u in 0..<userCount where random.nextUnit() < share {
            let count = Int.random(in: 0...3, using: &random)
            let personas = (0..<count).map { _ in Int.random(in: 0..<personaCount - 1, using: &random) }
            try labels.setPersonas(personas, forUser: u)
        }
        return labels
    }

    /// Ψ = (1/ℓ̂) Σ_{ℓ=1..ℓ̂} (P·P')^ℓ · L with dense matrices, straight from Eq. (2)–(4).
    static func bruteForce(graph: PurchaseGraph, labels: LabelMatrix, walkLength: Int) -> [[Double]] {
        let nu = graph.userCount, nv = graph.itemCount, nr = labels.personaCount
        var p = [[Double]](repeating: [Double](repeating: 0, count: nv), count: nu)
        var pt = [[Double]](repeating: [Double](repeating: 0, count: nu), count: nv)
        for u in 0..<nu {
            for v in graph.userItems.row(u) {
                p[u][Int(v)] = 1.0 / Double(graph.degree(ofUser: u))
                pt[Int(v)][u] = 1.0 / Double(graph.degree(ofItem: Int(v)))
            }
        }
        func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            let n = a.count, m = b.first?.count ?? 0, inner = b.count
            var c = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
            for i in 0..<n {
                for k in 0..<inner where a[i][k] != 0 {
                    for j in 0..<m { c[i][j] += a[i][k] * b[k][j] }
                }
            }
            return c
        }
        let step = multiply(p, pt)
        var power = step
        var pi = step
        for _ in 1..<walkLength {
            power = multiply(power, step)
            for i in 0..<nu { for j in 0..<nu { pi[i][j] += power[i][j] } }
        }
        var l = [[Double]](repeating: [Double](repeating: 0, count: nr), count: nu)
        for r in 0..<nr {
            for (u, value) in labels.sparseColumn(r) { l[u][r] = value }
        }
        return multiply(pi, l).map { $0.map { $0 / Double(walkLength) } }
    }

    static func maxDifference(_ matrix: AffinityMatrix, _ dense: [[Double]]) -> Double {
        var worst = 0.0
        for u in 0..<matrix.userCount {
            for persona in matrix.personas { worst = max(worst, abs(matrix[u, persona] - dense[u][persona])) }
        }
        return worst
    }
}
