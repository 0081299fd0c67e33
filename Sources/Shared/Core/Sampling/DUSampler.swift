import Foundation

/// Diversity–uncertainty sampling (Eq. 1, DESIGN §3): which users to send to the LLM next.
///
/// Iteration 1 draws users uniformly (there is no Ψ yet). Later iterations score every unlabeled user u with
/// s(u) = KL(Q̂ ‖ Q_u) + H(Q_u) and take the highest scores (ties to the lower user index). Q̂ is the prototypes'
/// persona distribution (not floored: personas with Q̂(r) = 0 contribute 0 to the KL term).
///
/// Q_u is the de-biased share of u's affinities, *weighed by how much the walk knows about u*:
/// Q_u(r) = (m_u · Ψ[u, r] / Σ_n Ψ[u, n] + α / |R|) / (m_u + α), where Ψ[u, r] = c_r · Ψ_raw[u, r] and
/// m_u = Σ_n Ψ_raw[u, n] ∈ [0, 1] is the probability that u's walk ends on a labeled prototype. Without the prior
/// (α = 0, the paper's Eq. 1 exactly) the KL term is ruled by the floor δ — every persona a row misses adds
/// Q̂(r)·ln(Q̂(r)/δ) — so the emptiest rows (users with a few purchases, barely reached) win; with it, a missing
/// persona costs in proportion to the evidence (docs/decisions.md, "DU sampling"). Q_u is then floored at δ and
/// renormalised so every log is finite.
///
/// With a candidate pool (``poolFactor`` m > 0), each iteration scores only m × `count` unlabeled users drawn in
/// proportion to their purchases (``CandidatePool``), not every user: at small budgets the most uncertain users
/// are mostly those with a handful of purchases, whose labels reach few others (docs/decisions.md, "DU candidate
/// pool"). When the pool would cover every unlabeled user, every user is scored.
public struct DUSampler: Sendable {
    /// δ: the floor applied to Q_u before renormalising (> 0).
    public var floor: Double
    /// α ≥ 0: the walk mass at which a user's own affinities weigh as much as the uniform prior.
    public var prior: Double
    /// β of Eq. (3): the de-bias coefficients c_r are derived from the prototypes with it.
    public var beta: Double
    /// m ≥ 0: the candidate pool holds m × the sample size users; 0 scores every user (the paper's).
    public var poolFactor: Int
    /// Threads used to score user blocks (≥ 1).
    public var threadCount: Int

    public init(
        floor: Double = 1e-12, prior: Double = 0, beta: Double = 0.5, poolFactor: Int = 0, threadCount: Int? = nil
    ) {
        self.floor = floor
        self.prior = prior
        self.beta = beta
        self.poolFactor = poolFactor
        self.threadCount = threadCount ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// U_t for iteration `iteration` (1-based): uniform when it is 1, the top DU scores otherwise. Ascending users.
    /// - Parameters:
    ///   - affinity: the current complete Ψ_raw (c_r not applied); only read when `iteration > 1`.
    ///   - purchases: each user's weight in the candidate pool (its number of distinct items); every user weighs
    ///     the same when `nil`. Unused without a pool.
    public func sample(
        iteration: Int, count: Int, userCount: Int, affinity: AffinityMatrix?, labels: PrototypeLabels,
        purchases: ((Int) -> Int)? = nil, using generator: inout some RandomNumberGenerator
    ) throws -> [Int] {
        guard iteration >= 1 else {
            throw AlgorithmError(.invalidParameter, "iteration must be ≥ 1, got \(iteration)", context: "DUSampler")
        }
        if iteration == 1 {
            return try UniformSampler().sample(
                count: count, userCount: userCount, excluding: labels, using: &generator)
        }
        guard let affinity else {
            throw AlgorithmError(
                .incompleteAffinity, "iteration \(iteration) needs the affinity matrix", context: "DUSampler")
        }
        guard affinity.userCount == userCount else {
            throw AlgorithmError(
                .shardMismatch, "affinity has \(affinity.userCount) users, expected \(userCount)", context: "DUSampler")
        }
        guard poolFactor >= 0 else {
            throw AlgorithmError(
                .invalidParameter, "the candidate pool factor must be ≥ 0, got \(poolFactor)", context: "DUSampler")
        }
        var excluded = labels.prototypeMask(userCount: userCount)
        if poolFactor > 0 {
            let size = count.multipliedReportingOverflow(by: poolFactor)
            if !size.overflow,
                let pool = CandidatePool.exclusionMask(
                    size: size.partialValue, excluded: excluded,
                    weight: { user in Double(purchases?(user) ?? 1) }, threads: threadCount, using: &generator)
            {
                excluded = pool
            }
        }
        return try mostInformative(count: count, affinity: affinity, labels: labels, excluding: excluded)
            .map(\.user).sorted()
    }

    /// The `count` unlabeled users with the highest DU scores, best first (ties: lower user index first).
    /// - Parameter excluding: users never to pick (`true`), one flag per user; the prototypes when `nil`.
    public func mostInformative(
        count: Int, affinity: AffinityMatrix, labels: PrototypeLabels, excluding: [Bool]? = nil
    ) throws -> [(user: Int, score: Double)] {
        try validate(count: count, affinity: affinity, labels: labels)
        if let excluding, excluding.count != affinity.userCount {
            throw AlgorithmError(
                .shardMismatch, "exclusion mask has \(excluding.count) users, affinity \(affinity.userCount)",
                context: "DUSampler")
        }
        let distribution = PersonaDistribution(labels: labels)
        let mask = excluding ?? labels.prototypeMask(userCount: affinity.userCount)
        // A few blocks per thread, each keeping its own best `count`: blocks of a fixed 8,192 users kept every user
        // they saw whenever `count` was larger (10M users: heaps of up to 160 MB per iteration, ~55 MB of it fresh
        // pages in a profile). The best `count` of the union are the same whatever the blocks, as the order (score,
        // then user) is total.
        let userCount = affinity.userCount, parts = 4 * max(threadCount, 1)
        let blockSize = max(8192, (userCount + parts - 1) / parts)
        let blocks = (userCount + blockSize - 1) / blockSize
        var partial = [TopScores](repeating: TopScores(capacity: count), count: blocks)
        let terms = ScoreTerms(distribution: distribution, beta: beta, floor: floor, prior: prior)
        affinity.values.withUnsafeBufferPointer { values in
            partial.withUnsafeMutableBufferPointer { tops in
                let base = tops.baseAddress!
                ParallelLoop.run(chunks: blocks, threads: threadCount) { block in
                    var top = TopScores(capacity: count)
                    for user in block * blockSize..<min(userCount, (block + 1) * blockSize) where !mask[user] {
                        let row = UnsafeBufferPointer(rebasing: values[user * terms.width..<(user + 1) * terms.width])
                        top.offer(score: terms.score(row), user: user)
                    }
                    base[block] = top
                }
            }
        }
        var total = TopScores(capacity: count)
        for top in partial { total.merge(top) }
        return total.ranked().map { ($0.user, $0.score) }
    }

    /// s(u) for every user, `nil` for prototypes (they are never sampled again).
    public func scores(affinity: AffinityMatrix, labels: PrototypeLabels) throws -> [Double?] {
        try validate(count: 0, affinity: affinity, labels: labels)
        let terms = ScoreTerms(
            distribution: PersonaDistribution(labels: labels), beta: beta, floor: floor, prior: prior)
        let mask = labels.prototypeMask(userCount: affinity.userCount)
        return affinity.values.withUnsafeBufferPointer { values in
            (0..<affinity.userCount).map { user in
                mask[user]
                    ? nil
                    : terms.score(UnsafeBufferPointer(rebasing: values[user * terms.width..<(user + 1) * terms.width]))
            }
        }
    }

    /// s(u) for one Ψ_raw row (persona order) against a given Q̂ (c_r derived from it with ``beta``).
    public func score(row: [Double], distribution: PersonaDistribution) -> Double {
        let terms = ScoreTerms(distribution: distribution, beta: beta, floor: floor, prior: prior)
        return row.withUnsafeBufferPointer { terms.score($0) }
    }

    private func validate(count: Int, affinity: AffinityMatrix, labels: PrototypeLabels) throws {
        guard count >= 0 else {
            throw AlgorithmError(.invalidParameter, "sample size must be ≥ 0, got \(count)", context: "DUSampler")
        }
        guard floor > 0 && floor < 1 else {
            throw AlgorithmError(.invalidParameter, "floor must be in (0, 1), got \(floor)", context: "DUSampler")
        }
        guard prior >= 0 && prior.isFinite else {
            throw AlgorithmError(
                .invalidParameter, "prior α must be finite and ≥ 0, got \(prior)", context: "DUSampler")
        }
        try AlgorithmError.checkBeta(beta, context: "DUSampler")
        try affinity.requireAllColumns(matching: labels, needs: "DU scores need", context: "DUSampler")
    }
}

/// The parts of s(u) that do not depend on u.
private struct ScoreTerms {
    let qHat: [Double]
    /// c_r of Eq. (3).
    let coefficients: [Double]
    /// Σ_{Q̂(r)>0} Q̂(r) log Q̂(r).
    let qHatNegEntropy: Double
    let floor: Double
    let prior: Double
    let width: Int

    init(distribution: PersonaDistribution, beta: Double, floor: Double, prior: Double) {
        qHat = distribution.probabilities
        coefficients = distribution.debiasCoefficients(beta: beta)
        qHatNegEntropy = qHat.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
        self.floor = floor
        self.prior = prior
        width = qHat.count
    }

    /// s = Σ Q̂ log Q̂ − Σ_r (Q̂(r) + Q_u(r)) log Q_u(r), with Q_u the evidence-weighted share (type doc), floored and
    /// renormalised.
    func score(_ row: UnsafeBufferPointer<Double>) -> Double {
        guard width > 0 else { return 0 }
        var mass = 0.0, debiased = 0.0
        for r in 0..<width {
            mass += row[r]
            debiased += row[r] * coefficients[r]
        }
        let uniformShare = 1.0 / Double(width)
        // Q_u(r) = own · c_r Ψ_raw[u, r] + base: the share weighed by m/(m + α), plus α/(m + α) of uniform.
        let evidence = mass + prior
        let own = debiased > 0 && evidence > 0 ? mass / (evidence * debiased) : 0
        let base = own == 0 ? uniformShare : prior / evidence * uniformShare
        var normaliser = 0.0
        for r in 0..<width { normaliser += max(row[r] * coefficients[r] * own + base, floor) }
        var total = 0.0
        for r in 0..<width {
            let q = max(row[r] * coefficients[r] * own + base, floor) / normaliser
            total += (qHat[r] + q) * log(q)
        }
        return qHatNegEntropy - total
    }
}
