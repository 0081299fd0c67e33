/// Π[u, u]: how much of a prototype's own label its walk brings back to it (Eq. 2's attention of u on itself).
///
/// Ψ_raw[u] = Σ_w Π[u, w] · L_raw[w], so a prototype's *leave-one-out* affinities — what Ψ would say about u had u
/// not been labeled — are Ψ_raw[u] − Π[u, u] · L_raw[u]. The calibrated assignment learns its cut from those.
///
/// The walk is reversible (PP' has the stationary weights d(w)): (PP')^a[u, w] = d(w)/d(u) · (PP')^a[w, u], so
/// (PP')^ℓ[u, u] = Σ_w d(w)/d(u) · c_a[w] · c_b[w] with a = ⌊ℓ/2⌋, b = ⌈ℓ/2⌉ and c_a = (PP')^a e_u, the walk's
/// column after a steps. Only ⌈ℓ̂/2⌉ steps are walked: for ℓ̂ = 1 just u's own edges
/// (Π[u, u] = (1/d(u)) Σ_{v ∈ N(u)} 1/d(v), computed directly), for ℓ̂ = 2 the edges of u's items. Callers pass a
/// bounded sample.
enum SelfReturn {
    /// Π[u, u] for each of `users` (a user of degree 0 gets 0).
    static func probabilities(graph: PurchaseGraph, users: [Int], walkLength: Int) -> [Double] {
        let userOffsets = graph.userItems.offsets, userTargets = graph.userItems.targets
        let itemOffsets = graph.itemUsers.offsets, itemTargets = graph.itemUsers.targets
        func degree(_ offsets: [Int], _ node: Int) -> Int { offsets[node + 1] - offsets[node] }
        if walkLength == 1 {
            // Π[u, u] = (1/d(u)) Σ_{v ∈ N(u)} 1/d(v): u's own edges, not the 2-hop column the general path builds
            // (at 1M users that column runs through every buyer of u's items, and took most of a run's time).
            return users.map { user in
                let userDegree = degree(userOffsets, user)
                guard userDegree > 0 else { return 0 }
                var total = 0.0
                for e in userOffsets[user]..<userOffsets[user + 1] {
                    total += 1 / Double(degree(itemOffsets, Int(userTargets[e])))
                }
                return total / Double(userDegree)
            }
        }
        let steps = (walkLength + 1) / 2
        // c_0 … c_steps on users (dense, with the users each one touches), and one scratch column on items.
        var columns = [[Double]](repeating: [Double](repeating: 0, count: graph.userCount), count: steps + 1)
        var touched = [[Int]](repeating: [], count: steps + 1)
        var itemValue = [Double](repeating: 0, count: graph.itemCount)
        var touchedItems: [Int] = []
        return users.map { start in
            let startDegree = degree(userOffsets, start)
            guard startDegree > 0 else { return 0 }
            columns[0][start] = 1
            touched[0] = [start]
            for step in 1...steps {
                // Items: (P'·c)[v] = (1/d(v)) Σ_{w ∈ N(v)} c[w], spread from the users holding mass.
                for user in touched[step - 1] {
                    let mass = columns[step - 1][user]
                    for e in userOffsets[user]..<userOffsets[user + 1] {
                        let item = Int(userTargets[e])
                        if itemValue[item] == 0 { touchedItems.append(item) }
                        itemValue[item] += mass / Double(degree(itemOffsets, item))
                    }
                }
                // Users: (P·y)[w] = (1/d(w)) Σ_{v ∈ N(w)} y[v], spread from the items holding mass.
                for item in touchedItems {
                    let mass = itemValue[item]
                    itemValue[item] = 0
                    for e in itemOffsets[item]..<itemOffsets[item + 1] {
                        let user = Int(itemTargets[e])
                        if columns[step][user] == 0 { touched[step].append(user) }
                        columns[step][user] += mass / Double(degree(userOffsets, user))
                    }
                }
                touchedItems.removeAll(keepingCapacity: true)
            }
            var total = 0.0
            for length in 1...walkLength {
                let a = length / 2, b = length - a
                let (small, other) = touched[a].count <= touched[b].count ? (a, b) : (b, a)
                var diagonal = 0.0
                for user in touched[small] {
                    diagonal += Double(degree(userOffsets, user)) * columns[small][user] * columns[other][user]
                }
                total += diagonal / Double(startDegree)
            }
            for step in 0...steps {
                for user in touched[step] { columns[step][user] = 0 }
                touched[step].removeAll(keepingCapacity: true)
            }
            return total / Double(walkLength)
        }
    }
}
