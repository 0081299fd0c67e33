import Foundation

/// DU's candidate pool: `size` users drawn without replacement, each with probability in proportion to its
/// weight (its purchases), among the users not excluded. DU then scores only the pool (docs/decisions.md,
/// "DU candidate pool").
///
/// The draw is Efraimidis–Spirakis: every eligible user u gets the key ln(U_u) / w_u with U_u uniform in (0, 1),
/// and the `size` largest keys win (ties to the lower user index). Users of weight 0 are never drawn while others
/// remain. The keys are drawn in parallel, block by block, each block from its own sub-stream of one seed taken
/// from `generator`, so the pool depends on the generator's state and never on the thread count.
struct CandidatePool {
    /// Users per block of keys (each block draws from its own sub-stream).
    static let blockSize = 1 << 16

    /// Marks the drawn users in a copy of `excluded` turned inside out: the result is `true` for users that are
    /// *not* candidates (excluded, or not drawn), so it can stand in for the exclusion mask.
    /// - Returns: `nil` when `size` covers every eligible user (the pool is everyone).
    static func exclusionMask(
        size: Int, excluded: [Bool], weight: (Int) -> Double, threads: Int = ParallelLoop.defaultThreadCount,
        using generator: inout some RandomNumberGenerator
    ) -> [Bool]? {
        let eligible = excluded.lazy.filter { !$0 }.count
        guard size < eligible else { return nil }
        guard size > 0 else { return [Bool](repeating: true, count: excluded.count) }
        let seed = generator.next()
        let userCount = excluded.count
        var keys = [Double](repeating: -.infinity, count: userCount)
        excluded.withUnsafeBufferPointer { excludedUsers in
            keys.withUnsafeMutableBufferPointer { buffer in
                let out = buffer.baseAddress!
                ParallelLoop.run(chunks: (userCount + blockSize - 1) / blockSize, threads: threads) { block in
                    var random = SamplingRandom(seed: seed, stream: UInt64(block))
                    for user in block * blockSize..<min(userCount, (block + 1) * blockSize) where !excludedUsers[user] {
                        let uniform = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &random)
                        let w = weight(user)
                        out[user] = w > 0 ? log(uniform) / w : -Double.greatestFiniteMagnitude
                    }
                }
            }
        }
        // The size-th largest key among eligible users; every key above it wins, and of the keys equal to it the
        // lowest user indices, until `size` are drawn.
        var eligibleKeys: [Double] = []
        eligibleKeys.reserveCapacity(eligible)
        for user in 0..<userCount where !excluded[user] { eligibleKeys.append(keys[user]) }
        let threshold = Self.largest(size, of: &eligibleKeys)
        var above = 0
        for user in 0..<userCount where !excluded[user] && keys[user] > threshold { above += 1 }
        var equalAllowed = size - above
        var mask = [Bool](repeating: true, count: userCount)
        for user in 0..<userCount where !excluded[user] {
            if keys[user] > threshold {
                mask[user] = false
            } else if keys[user] == threshold && equalAllowed > 0 {
                mask[user] = false
                equalAllowed -= 1
            }
        }
        return mask
    }

    /// The `rank`-th largest value of `values` (1-based), by quickselect (reorders `values`).
    static func largest(_ rank: Int, of values: inout [Double]) -> Double {
        precondition(rank >= 1 && rank <= values.count, "rank \(rank) of \(values.count) values")
        let target = rank - 1  // index in descending order
        var low = 0, high = values.count - 1
        while low < high {
            // Median of three as the pivot; the keys are random, so no adversary shapes the input.
            let middle = low + (high - low) / 2
            let pivot = max(min(values[low], values[middle]), min(max(values[low], values[middle]), values[high]))
            var i = low, j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                return values[target]
            }
        }
        return values[target]
    }
}
