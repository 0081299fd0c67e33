/// Uniform random sampling of users not yet labeled: DU sampling's first iteration (t = 1) and the baseline
/// the paper compares DU sampling against.
public struct UniformSampler: Sendable {
    public init() {}

    /// `count` distinct users drawn uniformly from `0 ..< userCount` minus the prototypes in `labels`, ascending.
    /// Fewer when fewer users are left. Deterministic for a given generator state.
    public func sample(
        count: Int, userCount: Int, excluding labels: PrototypeLabels,
        using generator: inout some RandomNumberGenerator
    ) throws -> [Int] {
        guard count >= 0 else {
            throw AlgorithmError(.invalidParameter, "sample size must be ≥ 0, got \(count)", context: "UniformSampler")
        }
        let labeled = labels.prototypeMask(userCount: userCount)
        var candidates: [Int] = []
        candidates.reserveCapacity(userCount - labels.count)
        for user in 0..<userCount where !labeled[user] { candidates.append(user) }
        let take = min(count, candidates.count)
        // Partial Fisher–Yates: the first `take` slots end up a uniform sample without replacement.
        for slot in 0..<take {
            let pick = Int.random(in: slot..<candidates.count, using: &generator)
            candidates.swapAt(slot, pick)
        }
        return candidates[0..<take].sorted()
    }
}
