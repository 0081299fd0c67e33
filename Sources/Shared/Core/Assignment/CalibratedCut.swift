import Foundation

/// How many personas each inferred user gets, learned from the prototypes (`--assign calibrated`).
///
/// Fixed top-k gives every user k personas whatever the evidence. On real data the number of personas an LLM
/// gives a user grows with what the user bought (GPT-4's label count correlates 0.79 with ln d(u) on the
/// paper's OnlineRetail data: 1.6 personas for 1–4 items, 7 for 80–160), so the cut is
/// k(u) = clamp(round(a + b · ln d(u) + s), 1, k_max): a and b are the least-squares fit of the prototypes'
/// label counts on ln d(u), k_max the most personas a prototype has, and the shift s (−1.5 … 1.5 in steps of
/// 0.5) is the one whose top-k(u) of the prototypes' *leave-one-out* affinities (``SelfReturn``) has the best
/// micro-F1 against their labels. Only the labels the run paid for are used. Reasoning and figures:
/// docs/decisions.md, "Calibrated assignment".
public struct CalibratedCut: Sendable, Equatable, Codable {
    /// a
    public var intercept: Double
    /// b (per unit of ln d(u))
    public var slope: Double
    /// s, chosen on the leave-one-out affinities.
    public var shift: Double
    /// k_max ≥ 1.
    public var maximum: Int
    /// Prototypes whose leave-one-out affinities chose the shift.
    public var calibrationUsers: Int
    /// The micro-F1 of the chosen cut on them.
    public var calibrationMicroF1: Double

    public init(
        intercept: Double, slope: Double, shift: Double, maximum: Int, calibrationUsers: Int = 0,
        calibrationMicroF1: Double = 0
    ) {
        self.intercept = intercept
        self.slope = slope
        self.shift = shift
        self.maximum = max(1, maximum)
        self.calibrationUsers = calibrationUsers
        self.calibrationMicroF1 = calibrationMicroF1
    }

    /// k(u) for a user of degree `degree`.
    public func personaCount(degree: Int) -> Int {
        let raw = intercept + slope * log(Double(max(degree, 1))) + shift
        guard raw.isFinite else { return maximum }
        return min(maximum, max(1, Int(raw.rounded())))
    }

    /// The shifts tried, nearest to 0 first (a tie keeps the smaller correction).
    static let shifts: [Double] = [0, -0.5, 0.5, -1, 1, -1.5, 1.5]

    /// Fits the cut on a run's prototypes.
    /// - Parameters:
    ///   - rawAffinity: the complete Ψ_raw of the run (every prototype's label included).
    ///   - coefficients: c_r, applied to rank personas as the assignment does.
    ///   - sampleLimit: at most this many prototypes (a seeded sample) compute leave-one-out rows: each costs the
    ///     edges of its ℓ̂-step neighbourhood.
    /// - Returns: `nil` when no prototype has a persona (nothing to learn from).
    public static func fit(
        graph: PurchaseGraph, prototypes: PrototypeLabels, rawAffinity: AffinityMatrix, coefficients: [Double],
        walkLength: Int, sampleLimit: Int = 4096, seed: UInt64 = 0
    ) throws -> CalibratedCut? {
        guard rawAffinity.isComplete, rawAffinity.userCount == graph.userCount,
            coefficients.count == rawAffinity.personaCount
        else {
            throw AlgorithmError(
                .shardMismatch, "calibration needs the complete Ψ_raw of the graph and one coefficient per persona",
                context: "CalibratedCut")
        }
        let labeled = prototypes.users.filter { !(prototypes.personas(ofUser: $0) ?? []).isEmpty }
        guard !labeled.isEmpty else { return nil }
        // Least squares of the label count on ln d(u).
        let xs = labeled.map { log(Double(max(graph.degree(ofUser: $0), 1))) }
        let ys = labeled.map { Double(prototypes.personas(ofUser: $0)!.count) }
        let n = Double(labeled.count)
        let meanX = xs.reduce(0, +) / n, meanY = ys.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for (x, y) in zip(xs, ys) {
            sxx += (x - meanX) * (x - meanX)
            sxy += (x - meanX) * (y - meanY)
        }
        let slope = sxx > 1e-12 ? sxy / sxx : 0
        let maximum = Int(ys.max() ?? 1)
        var cut = CalibratedCut(intercept: meanY - slope * meanX, slope: slope, shift: 0, maximum: maximum)

        var sample = labeled
        if sample.count > sampleLimit {
            var random = SeededGenerator(seed: seed ^ 0xC0FF_EE00_5EED)
            sample.shuffle(using: &random)
            sample = Array(sample.prefix(sampleLimit)).sorted()
        }
        let selfReturn = SelfReturn.probabilities(graph: graph, users: sample, walkLength: walkLength)
        let width = rawAffinity.personaCount
        // Each sampled prototype's leave-one-out Ψ row (de-biased), ranked once.
        let ranked: [[Int]] = sample.enumerated().map { index, user in
            let personas = prototypes.personas(ofUser: user)!
            let share = 1 / Double(personas.count)
            var row = Array(rawAffinity.row(user))
            for persona in personas { row[persona] -= selfReturn[index] * share }
            var order: [(value: Double, persona: Int)] = []
            for r in 0..<width where row[r] * coefficients[r] > 1e-15 { order.append((row[r] * coefficients[r], r)) }
            order.sort { $0.value != $1.value ? $0.value > $1.value : $0.persona < $1.persona }
            return order.map(\.persona)
        }
        var best: (f1: Double, shift: Double) = (-1, 0)
        for shift in shifts {
            cut.shift = shift
            var tp = 0, fp = 0, fn = 0
            for (index, user) in sample.enumerated() {
                let truth = Set(prototypes.personas(ofUser: user)!)
                let guess = ranked[index].prefix(cut.personaCount(degree: graph.degree(ofUser: user)))
                let hits = guess.filter(truth.contains).count
                tp += hits
                fp += guess.count - hits
                fn += truth.count - hits
            }
            let f1 = tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
            if f1 > best.f1 { best = (f1, shift) }
        }
        cut.shift = best.shift
        cut.calibrationUsers = sample.count
        cut.calibrationMicroF1 = max(best.f1, 0)
        return cut
    }
}
