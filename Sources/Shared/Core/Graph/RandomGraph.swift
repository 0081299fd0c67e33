import Foundation

/// A seeded synthetic purchase graph for tests and benchmarks, built straight into CSR: log-normal user degrees
/// (scaled to hit `edgeCount` exactly), Zipf-like item popularity (item of rank k drawn ∝ 1/(k+1)^s, ranks
/// shuffled over item indices), optional isolated users. Ids are "u<index>" and "i<index>", names equal ids,
/// every purchase count is 1. The same parameters give the same graph whatever the thread count.
///
/// ``instacartFull`` has the size of Instacart Full (206,209 users, 49,677 items, 13,307,953 edges). The default
/// popularity exponent 0.65 puts the most popular item in about a third of the baskets, as bananas are there.
public struct RandomGraph: Sendable {
    public var userCount: Int
    public var itemCount: Int
    public var edgeCount: Int
    /// σ of the log-normal user degree distribution.
    public var degreeSigma: Double
    /// s of the item popularity law (0 = uniform).
    public var popularityExponent: Double
    /// Share of users with no purchase at all (degree 0), in [0, 1).
    public var isolatedUserShare: Double
    /// Largest degree as a share of `itemCount` (keeps distinct-item draws cheap).
    public var maxDegreeShare: Double
    public var seed: UInt64
    public var threadCount: Int

    public init(
        userCount: Int, itemCount: Int, edgeCount: Int, degreeSigma: Double = 1.0, popularityExponent: Double = 0.65,
        isolatedUserShare: Double = 0, maxDegreeShare: Double = 0.25, seed: UInt64, threadCount: Int? = nil
    ) {
        self.userCount = userCount
        self.itemCount = itemCount
        self.edgeCount = edgeCount
        self.degreeSigma = degreeSigma
        self.popularityExponent = popularityExponent
        self.isolatedUserShare = isolatedUserShare
        self.maxDegreeShare = maxDegreeShare
        self.seed = seed
        self.threadCount = threadCount ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// Instacart Full's size.
    public static func instacartFull(seed: UInt64 = 1) -> RandomGraph {
        RandomGraph(userCount: 206_209, itemCount: 49_677, edgeCount: 13_307_953, seed: seed)
    }

    /// Builds the graph.
    /// - Throws: ``AlgorithmError/Code/invalidParameter`` when the edge count cannot be reached with the
    ///   degree cap, or parameters are out of range.
    public func build() throws -> PurchaseGraph {
        let degrees = try userDegrees()
        var offsets = [Int](repeating: 0, count: userCount + 1)
        for u in 0..<userCount { offsets[u + 1] = offsets[u] + degrees[u] }
        let popularity = cumulativePopularity()
        var targets = [UInt32](repeating: 0, count: edgeCount)
        let blockSize = 1024, blocks = (userCount + blockSize - 1) / blockSize
        let itemCount = self.itemCount, seed = self.seed
        offsets.withUnsafeBufferPointer { offsetBuffer in
            popularity.withUnsafeBufferPointer { cdf in
                targets.withUnsafeMutableBufferPointer { targetBuffer in
                    let out = targetBuffer.baseAddress
                    ParallelLoop.run(
                        chunks: blocks, threads: threadCount,
                        setup: { [UInt32](repeating: 0, count: itemCount) }
                    ) { marks, block in
                        var random = SamplingRandom(seed: seed, stream: UInt64(block) + 1)
                        marks.withUnsafeMutableBufferPointer { mark in
                            for u in block * blockSize..<min(userCount, (block + 1) * blockSize) {
                                let lo = offsetBuffer[u], hi = offsetBuffer[u + 1]
                                guard hi > lo else { continue }
                                Self.drawItems(
                                    into: out! + lo, count: hi - lo, stamp: UInt32(truncatingIfNeeded: u + 1),
                                    marks: mark, cdf: cdf, random: &random)
                                var row = UnsafeMutableBufferPointer(start: out! + lo, count: hi - lo)
                                row.sort()
                            }
                        }
                    }
                }
            }
        }
        let userIDs = (0..<userCount).map { "u\($0)" }
        let itemIDs = (0..<itemCount).map { "i\($0)" }
        return PurchaseGraph(
            userIDs: userIDs, itemIDs: itemIDs, itemNames: itemIDs,
            userItems: CompressedSparseRows(offsets: offsets, targets: targets),
            purchaseCounts: [UInt32](repeating: 1, count: edgeCount))
    }

    /// `count` distinct items drawn by popularity (rejection of repeats, then a scan fallback for stubborn rows).
    private static func drawItems(
        into out: UnsafeMutablePointer<UInt32>, count: Int, stamp: UInt32, marks: UnsafeMutableBufferPointer<UInt32>,
        cdf: UnsafeBufferPointer<Double>, random: inout SamplingRandom
    ) {
        let itemCount = cdf.count, total = cdf[itemCount - 1]
        var filled = 0, attempts = 0
        let attemptLimit = 8 * count + 64
        while filled < count && attempts < attemptLimit {
            attempts += 1
            let x = random.nextUnit() * total
            var lo = 0, hi = itemCount - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cdf[mid] > x { hi = mid } else { lo = mid + 1 }
            }
            if marks[lo] != stamp {
                marks[lo] = stamp
                out[filled] = UInt32(lo)
                filled += 1
            }
        }
        var item = Int(random.next() % UInt64(itemCount))
        while filled < count {
            if marks[item] != stamp {
                marks[item] = stamp
                out[filled] = UInt32(item)
                filled += 1
            }
            item = (item + 1) % itemCount
        }
    }

    /// Cumulative popularity weights over item indices; rank k has weight 1/(k+1)^s, ranks shuffled over items.
    private func cumulativePopularity() -> [Double] {
        var random = SamplingRandom(seed: seed, stream: 0)
        var rankOfItem = Array(0..<itemCount)
        rankOfItem.shuffle(using: &random)
        var cdf = [Double](repeating: 0, count: itemCount)
        var running = 0.0
        for item in 0..<itemCount {
            running += pow(Double(rankOfItem[item] + 1), -popularityExponent)
            cdf[item] = running
        }
        return cdf
    }

    /// Log-normal degrees in [1, cap] (0 for isolated users) summing to exactly `edgeCount`.
    private func userDegrees() throws -> [Int] {
        guard userCount >= 0, itemCount >= 1 || edgeCount == 0, edgeCount >= 0,
            isolatedUserShare >= 0 && isolatedUserShare < 1, degreeSigma >= 0, maxDegreeShare > 0
        else {
            throw AlgorithmError(.invalidParameter, "invalid random graph parameters \(self)", context: "RandomGraph")
        }
        var random = SamplingRandom(seed: seed, stream: UInt64.max)
        let cap = max(1, min(itemCount, Int(Double(itemCount) * maxDegreeShare)))
        var weights = [Double](repeating: 0, count: userCount)
        for u in 0..<userCount where random.nextUnit() >= isolatedUserShare {
            // Box–Muller normal variate.
            let a = max(random.nextUnit(), 0x1.0p-53), b = random.nextUnit()
            weights[u] = exp(degreeSigma * sqrt(-2 * log(a)) * cos(2 * Double.pi * b))
        }
        let active = weights.indices.filter { weights[$0] > 0 }
        guard edgeCount == 0 || (edgeCount >= active.count && edgeCount <= active.count * cap) else {
            throw AlgorithmError(
                .invalidParameter,
                "\(edgeCount) edges cannot be spread over \(active.count) users with degrees 1 ... \(cap)",
                context: "RandomGraph")
        }
        var degrees = [Int](repeating: 0, count: userCount)
        guard edgeCount > 0 else { return degrees }
        let scale = Double(edgeCount) / weights.reduce(0, +)
        var sum = 0
        for u in active {
            degrees[u] = min(cap, max(1, Int(weights[u] * scale)))
            sum += degrees[u]
        }
        // Walk the active users from a random start, nudging degrees by one until the total is exact.
        var index = Int(random.next() % UInt64(active.count))
        while sum != edgeCount {
            let u = active[index]
            if sum < edgeCount && degrees[u] < cap {
                degrees[u] += 1
                sum += 1
            } else if sum > edgeCount && degrees[u] > 1 {
                degrees[u] -= 1
                sum -= 1
            }
            index = (index + 1) % active.count
        }
        return degrees
    }
}
