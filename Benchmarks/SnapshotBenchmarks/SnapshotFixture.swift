import Benchmark
import BenchmarkFixtures
import GPLRCore

/// The graph of ``SyntheticDataset`` and its snapshot bytes, made once per benchmark process by the setup: the
/// dataset is generated into a scratch directory, ingested, and the directory removed again (only the graph is
/// measured). The round trip is checked once, so that a decode benchmark never times a decode of the wrong thing.
struct SnapshotFixture: Sendable {
    /// Snapshot size in thousandths of a byte per edge (custom metrics are integers).
    static let milliBytesPerEdge = BenchmarkMetric.custom(
        "snapshot bytes/edge ×1000", polarity: .prefersSmaller, useScalingFactor: false)
    /// zstd level: the default of `gplr ingest` and `gplr bench snapshot`.
    static let compressionLevel = 3

    let graph: PurchaseGraph
    let bytes: [UInt8]

    init(scratch: ScratchDirectory) throws {
        defer { scratch.remove() }
        graph = try SyntheticDataset.write(into: scratch).ingest().graph
        let (bytes, hash) = try Snapshot.encode(graph, compressionLevel: Self.compressionLevel)
        let decoded = try Snapshot.decode(bytes)
        guard decoded.hash == hash, decoded.graph.edgeCount == graph.edgeCount,
            decoded.graph.userCount == graph.userCount, decoded.graph.itemCount == graph.itemCount
        else {
            throw BenchmarkFixtureError(
                "snapshot round trip changed the graph: \(decoded.graph.edgeCount) edges for \(graph.edgeCount)")
        }
        self.bytes = bytes
    }
}
