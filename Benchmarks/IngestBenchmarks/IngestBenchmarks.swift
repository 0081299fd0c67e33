import Benchmark
import BenchmarkFixtures
import GPLRCore

/// `gplr ingest --format generic` of ``SyntheticDataset`` (100,000 users, ~3M purchase rows, fixed seed), written once
/// into a temp dir by the setup and read into a graph by every iteration: wall clock, rows per second (purchases and
/// item names, as `gplr bench ingest` counts them) and peak resident memory. Run:
/// `swift package benchmark --target IngestBenchmarks`; thresholds in `Benchmarks/Thresholds/` (docs/benchmarks.md,
/// "Benchmarks as code: queue, snapshot, ingest").
let benchmarks: @Sendable () -> Void = {
    let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, rowsPerSecond, .peakMemoryResident], warmupIterations: 1, maxDuration: .seconds(15),
        maxIterations: 10,
        thresholds: [
            .wallClock: BenchmarkTolerance.time, rowsPerSecond: BenchmarkTolerance.rate,
            .peakMemoryResident: BenchmarkTolerance.memory,
        ])
    let scratch = ScratchDirectory(label: "ingest")

    Benchmark("GenericCSV") { benchmark, dataset in
        let clock = ContinuousClock()
        let started = clock.now
        let (graph, rowsRead) = try dataset.ingest()
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(rowsPerSecond, Int((Double(rowsRead) / seconds).rounded()))
        blackHole(graph)
    } setup: {
        try SyntheticDataset.write(into: scratch)
    } teardown: {
        scratch.remove()
    }
}
