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
        let userCount = excluded.count
        let blocks = (userCount + blockSize - 1) / blockSize
        // Every pass below is block by block on all threads (they were one thread's passes over all users; a 10M
        // run's sampling did not change measurably, docs/benchmarks.md); the keys are kept for eligible users only,
        // block after block in user order (they were an array over all users beside the selection's copy).
        var start = [Int](repeating: 0, count: blocks + 1)
        excluded.withUnsafeBufferPointer { excludedUsers in
            start.withUnsafeMutableBufferPointer { start in
                let counts = start.baseAddress! + 1
                ParallelLoop.run(chunks: blocks, threads: threads) { block in
                    var eligible = 0
                    for user in users(of: block, userCount) where !excludedUsers[user] { eligible += 1 }
                    counts[block] = eligible
                }
            }
        }
        for block in 0..<blocks { start[block + 1] += start[block] }
        let eligible = start[blocks]
        guard size < eligible else { return nil }
        guard size > 0 else { return [Bool](repeating: true, count: userCount) }
        let seed = generator.next()
        let keys = [Double](unsafeUninitializedCapacity: eligible) { buffer, initialized in
            let out = buffer.baseAddress!
            excluded.withUnsafeBufferPointer { excludedUsers in
                ParallelLoop.run(chunks: blocks, threads: threads) { block in
                    var random = SamplingRandom(seed: seed, stream: UInt64(block))
                    var index = start[block]
                    for user in users(of: block, userCount) where !excludedUsers[user] {
                        let uniform = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &random)
                        let w = weight(user)
                        (out + index).initialize(to: w > 0 ? log(uniform) / w : -Double.greatestFiniteMagnitude)
                        index += 1
                    }
                }
            }
            initialized = eligible
        }
        // The size-th largest key; every key above it wins, and of the keys equal to it the lowest user indices,
        // until `size` are drawn: each block is allowed what the equal keys of the blocks before it left.
        var reordered = keys
        let threshold = Self.largest(size, of: &reordered)
        reordered = []
        var above = [Int](repeating: 0, count: blocks), equal = [Int](repeating: 0, count: blocks)
        keys.withUnsafeBufferPointer { keys in
            above.withUnsafeMutableBufferPointer { above in
                equal.withUnsafeMutableBufferPointer { equal in
                    let aboveCounts = above.baseAddress!, equalCounts = equal.baseAddress!
                    ParallelLoop.run(chunks: blocks, threads: threads) { block in
                        var higher = 0, same = 0
                        for key in keys[start[block]..<start[block + 1]] {
                            if key > threshold { higher += 1 } else if key == threshold { same += 1 }
                        }
                        aboveCounts[block] = higher
                        equalCounts[block] = same
                    }
                }
            }
        }
        var equalLeft = size - above.reduce(0, +)
        var equalAllowed = [Int](repeating: 0, count: blocks)
        for block in 0..<blocks {
            equalAllowed[block] = min(equal[block], equalLeft)
            equalLeft -= equalAllowed[block]
        }
        var mask = [Bool](repeating: true, count: userCount)
        excluded.withUnsafeBufferPointer { excludedUsers in
            keys.withUnsafeBufferPointer { keys in
                mask.withUnsafeMutableBufferPointer { mask in
                    let out = mask.baseAddress!
                    ParallelLoop.run(chunks: blocks, threads: threads) { block in
                        var index = start[block], allowed = equalAllowed[block]
                        for user in users(of: block, userCount) where !excludedUsers[user] {
                            let key = keys[index]
                            index += 1
                            if key > threshold {
                                out[user] = false
                            } else if key == threshold && allowed > 0 {
                                out[user] = false
                                allowed -= 1
                            }
                        }
                    }
                }
            }
        }
        return mask
    }

    /// The users of block `block`.
    private static func users(of block: Int, _ userCount: Int) -> Range<Int> {
        block * blockSize..<min(userCount, (block + 1) * blockSize)
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
