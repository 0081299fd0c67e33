import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

/// Size and load-time measurement on a graph shaped like the paper's Instacart-Full. Not a regular test (it
/// takes seconds and only means something in a release build); run it with
/// `GPLR_SNAPSHOT_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter SnapshotBenchmark`.
/// It prints figures and asserts only the round trip, never a timing.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["GPLR_SNAPSHOT_BENCH"] != nil), .timeLimit(.minutes(20)))
struct SnapshotBenchmark {
    @Test func instacartShapedGraph() throws {
        let levels = (ProcessInfo.processInfo.environment["GPLR_SNAPSHOT_BENCH_LEVELS"] ?? "3")
            .split(separator: ",").compactMap { Int($0) }
        let shuffleItems = ProcessInfo.processInfo.environment["GPLR_SNAPSHOT_BENCH_ORDERED"] == nil
        var clock = ContinuousClock.now
        let graph = InstacartShapedGraph.make(seed: 42, shuffleItemIndices: shuffleItems)
        let buildTime = ContinuousClock.now - clock
        print(
            "built graph: \(graph.userCount) users, \(graph.itemCount) items, \(graph.edgeCount) edges in \(buildTime)")
        if let dump = ProcessInfo.processInfo.environment["GPLR_SNAPSHOT_BENCH_DUMP"] {
            let encoder = SnapshotEncoder(graph: graph, compressionLevel: 3)
            for kind in SnapshotFormat.SectionKind.allCases {
                try Data(encoder.payload(kind)).write(to: URL(fileURLWithPath: "\(dump)/\(kind.name).raw"))
            }
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for level in levels {
            let path = directory.file("instacart-\(level).gplrsnap")
            clock = .now
            let info = try Snapshot.write(graph, to: path, compressionLevel: level)
            let writeTime = ContinuousClock.now - clock
            print(
                String(
                    format: "level %d: %d bytes, %.3f bytes/edge, write %@", level, info.fileBytes, info.bytesPerEdge,
                    "\(writeTime)"))
            for section in info.sections {
                print(
                    String(
                        format: "  %-16@ stored %10d raw %10d (%.3f bytes/edge)", section.name, section.storedBytes,
                        section.rawBytes, Double(section.storedBytes) / Double(graph.edgeCount)))
            }
            var loaded: PurchaseGraph?
            for run in 1...3 {
                clock = .now
                let (read, _) = try Snapshot.read(from: path)
                print("  read #\(run): \(ContinuousClock.now - clock)")
                loaded = read
            }
            clock = .now
            _ = try Snapshot.inspect(path: path)
            print("  inspect: \(ContinuousClock.now - clock)")
            #expect(loaded == graph)
        }
    }
}

/// 206,209 users, 49,677 items, 13,307,953 edges (Instacart-Full in the paper): log-normal user degrees,
/// Zipf-like item popularity, purchase counts mostly 1–3. Built as CSR arrays directly.
enum InstacartShapedGraph {
    static let users = 206_209
    static let items = 49_677
    static let edges = 13_307_953

    static func make(seed: UInt64, shuffleItemIndices: Bool) -> PurchaseGraph {
        var rng = SeededGenerator(seed: seed)
        // Log-normal degrees with mean edges/users, then nudged to the exact edge total.
        let sigma = 1.0
        let mu = log(Double(edges) / Double(users)) - sigma * sigma / 2
        var degrees = (0..<users).map { _ -> Int in
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng)
            let u2 = Double.random(in: 0..<1, using: &rng)
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return min(max(Int(exp(mu + sigma * normal).rounded()), 1), 5_000)
        }
        var total = degrees.reduce(0, +)
        while total != edges {
            let u = Int.random(in: 0..<users, using: &rng)
            if total < edges, degrees[u] < 5_000 {
                degrees[u] += 1
                total += 1
            } else if total > edges, degrees[u] > 1 {
                degrees[u] -= 1
                total -= 1
            }
        }
        // Zipf-like popularity over ranks; rank r maps to an item index (shuffled like real product ids).
        var cumulative = [Double](repeating: 0, count: items)
        var sum = 0.0
        for rank in 0..<items {
            sum += 1 / pow(Double(rank) + 10, 1.0)
            cumulative[rank] = sum
        }
        var itemOfRank = Array(0..<UInt32(items))
        if shuffleItemIndices { itemOfRank.shuffle(using: &rng) }
        var offsets = [Int](repeating: 0, count: users + 1)
        var targets = [UInt32]()
        targets.reserveCapacity(edges)
        var counts = [UInt32]()
        counts.reserveCapacity(edges)
        var seen = [Int](repeating: -1, count: items)
        var row: [UInt32] = []
        for u in 0..<users {
            row.removeAll(keepingCapacity: true)
            while row.count < degrees[u] {
                let x = Double.random(in: 0..<sum, using: &rng)
                var lo = 0
                var hi = items - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cumulative[mid] <= x { lo = mid + 1 } else { hi = mid }
                }
                let item = itemOfRank[lo]
                if seen[Int(item)] != u {
                    seen[Int(item)] = u
                    row.append(item)
                }
            }
            row.sort()
            targets.append(contentsOf: row)
            for _ in row {
                let r = Int.random(in: 0..<100, using: &rng)
                counts.append(r < 60 ? 1 : r < 80 ? 2 : r < 90 ? 3 : UInt32.random(in: 4...40, using: &rng))
            }
            offsets[u + 1] = targets.count
        }
        let words = [
            "organic", "banana", "whole", "milk", "large", "lemon", "baby", "spinach", "avocado", "fresh",
            "strawberries", "yogurt", "greek", "free", "range", "eggs", "sparkling", "water", "chips", "salsa",
        ]
        let names = (0..<items).map { i in
            (0..<2 + i % 4).map { k in words[(i &* 31 &+ k &* 17 &+ i / 7) % words.count] }.joined(separator: " ")
        }
        return PurchaseGraph(
            userIDs: (1...users).map(String.init), itemIDs: (1...items).map(String.init), itemNames: names,
            userItems: CompressedSparseRows(offsets: offsets, targets: targets), purchaseCounts: counts)
    }
}
