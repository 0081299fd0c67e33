@testable import GPLRCore
@testable import GPLRZstd

enum SnapshotTestGraphs {
    /// A random graph through ``GraphBuilder``, with occasional large counts and awkward names.
    static func random(seed: UInt64, maxUsers: Int = 60, maxItems: Int = 50, maxPurchases: Int = 400)
        -> PurchaseGraph
    {
        var rng = SeededGenerator(seed: seed)
        var builder = GraphBuilder()
        let users = Int.random(in: 1...maxUsers, using: &rng)
        let items = Int.random(in: 1...maxItems, using: &rng)
        let purchases = Int.random(in: 1...maxPurchases, using: &rng)
        for _ in 0..<purchases {
            let count: UInt32 =
                Int.random(in: 0..<20, using: &rng) == 0
                ? UInt32.random(in: 1...100_000, using: &rng) : UInt32.random(in: 1...3, using: &rng)
            builder.addPurchase(
                user: "user-\(Int.random(in: 0 ..< users, using: &rng))",
                item: "item-\(Int.random(in: 0 ..< items, using: &rng))", count: count)
        }
        for item in 0..<items where Bool.random(using: &rng) {
            builder.setName("Product \(item), \"quoted\"\nline two é", forItem: "item-\(item)")
        }
        return try! builder.build()  // at most 400 purchases of at most 100,000: no overflow
    }

    /// A graph straight from arrays (no external-id parsing), for shapes the builder makes awkward.
    static func fromRows(_ rows: [[UInt32]], itemCount: Int, counts: [UInt32]? = nil) -> PurchaseGraph {
        var offsets = [0]
        var targets: [UInt32] = []
        for row in rows {
            targets.append(contentsOf: row.sorted())
            offsets.append(targets.count)
        }
        return PurchaseGraph(
            userIDs: rows.indices.map { "u\($0)" }, itemIDs: (0..<itemCount).map { "i\($0)" },
            itemNames: (0..<itemCount).map { "name \($0)" },
            userItems: CompressedSparseRows(offsets: offsets, targets: targets),
            purchaseCounts: counts ?? Array(repeating: 1, count: targets.count))
    }

    /// Reassembles a snapshot from raw section payloads (recompressed, re-checksummed, with a fresh header),
    /// so tests can plant damage that every checksum agrees with and only the deeper checks can catch.
    static func assemble(
        graph: PurchaseGraph, replacing kind: SnapshotFormat.SectionKind, with payload: [UInt8]
    ) throws -> [UInt8] {
        let encoder = SnapshotEncoder(graph: graph, compressionLevel: 1)
        var stored: [[UInt8]] = []
        var entries: [(kind: SnapshotFormat.SectionKind, storedLength: Int, rawLength: Int, checksum: [UInt8])] = []
        for section in SnapshotFormat.SectionKind.allCases {
            let raw = section == kind ? payload : try encoder.payload(section)
            let compressed = try Zstd.compress(raw, level: 1)
            stored.append(compressed)
            entries.append((section, compressed.count, raw.count, SnapshotEncoder.checksum(compressed)))
        }
        let header = SnapshotHeader.serialize(
            userCount: graph.userCount, itemCount: graph.itemCount, edgeCount: graph.edgeCount, sections: entries)
        return header.bytes + stored.flatMap { $0 }
    }
}
