import Foundation

/// DU's candidate pool: `size` users drawn without replacement, each with probability in proportion to its
/// weight (its purchases), among the users not excluded. DU then scores only the pool (docs/decisions.md,
/// "DU candidate pool").
///
/// The draw is Efraimidis–Spirakis: every eligible user u gets the key ln(U_u) / w_u with U_u uniform in (0, 1),
/// and the `size` largest keys win. Users of weight 0 are never drawn while others remain. Deterministic for a
/// given generator state; one generator draw per eligible user, in user order.
struct CandidatePool {
    /// Marks the drawn users in a copy of `excluded` turned inside out: the result is `true` for users that are
    /// *not* candidates (excluded, or not drawn), so it can stand in for the exclusion mask.
    /// - Returns: `nil` when `size` covers every eligible user (the pool is everyone).
    static func exclusionMask(
        size: Int, excluded: [Bool], weight: (Int) -> Double, using generator: inout some RandomNumberGenerator
    ) -> [Bool]? {
        let eligible = excluded.lazy.filter { !$0 }.count
        guard size < eligible else { return nil }
        // Keep whichever side of the cut is smaller in the heap: the winners, or the losers (smallest keys).
        let keepWinners = size <= eligible - size
        var kept = TopScores(capacity: keepWinners ? size : eligible - size)
        for user in excluded.indices where !excluded[user] {
            let uniform = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
            let w = weight(user)
            let key = w > 0 ? log(uniform) / w : -Double.infinity
            kept.offer(score: keepWinners ? key : -key, user: user)
        }
        var mask = excluded
        if keepWinners {
            for user in excluded.indices { mask[user] = true }
            for entry in kept.heap { mask[entry.user] = false }
        } else {
            for entry in kept.heap { mask[entry.user] = true }
        }
        return mask
    }
}
