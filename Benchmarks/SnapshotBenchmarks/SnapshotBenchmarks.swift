import Benchmark
import BenchmarkFixtures
import GPLRCore

/// Snapshot encode and decode (zstd level 3, every section: ids, names, both CSR directions, purchase counts; decode
/// verifies every checksum and rebuilds both directions) of the graph ingested from ``SyntheticDataset`` (100,000
/// users, ~3M edges, fixed seed), in memory: no file I/O, so these are `gplr bench snapshot`'s write and load
/// without the disk. The encode also reports the snapshot's size per edge. Run:
/// `swift package benchmark --target SnapshotBenchmarks`; thresholds in `Benchmarks/Thresholds/`
/// (docs/benchmarks.md, "Benchmarks as code: queue, snapshot, ingest").
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock], warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20,
        thresholds: [.wallClock: BenchmarkTolerance.time])
    let scratch = ScratchDirectory(label: "snapshot")

    Benchmark(
        "Encode.zstd3",
        configuration: .init(
            metrics: [.wallClock, SnapshotFixture.milliBytesPerEdge], warmupIterations: 1, maxDuration: .seconds(10),
            maxIterations: 20,
            thresholds: [
                .wallClock: BenchmarkTolerance.time, SnapshotFixture.milliBytesPerEdge: BenchmarkTolerance.size,
            ])
    ) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            let (bytes, _) = try Snapshot.encode(fixture.graph, compressionLevel: SnapshotFixture.compressionLevel)
            benchmark.measurement(SnapshotFixture.milliBytesPerEdge, bytes.count * 1000 / fixture.graph.edgeCount)
            blackHole(bytes)
        }
    } setup: {
        try SnapshotFixture(scratch: scratch)
    } teardown: {
        scratch.remove()
    }

    Benchmark("Decode.zstd3") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try Snapshot.decode(fixture.bytes))
        }
    } setup: {
        try SnapshotFixture(scratch: scratch)
    } teardown: {
        scratch.remove()
    }
}
