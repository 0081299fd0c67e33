import Benchmark
import BenchmarkFixtures

/// `gplr bench queue`'s work as benchmarks: 20,000 no-op jobs enqueued, consumed and completed through the real
/// `JobQueue` against a `redis-server` this process starts (loopback, free port, temp dir; stopped in the
/// teardown), with 1 and 2 consumers taking 64 jobs per `XREADGROUP` and completing each batch in one round trip.
/// Wall clock is the whole round (enqueue + consume + complete); `jobs/s` counts consume + complete only, the figure
/// `gplr bench queue` prints. Run: `swift package benchmark --target QueueBenchmarks`; thresholds in
/// `Benchmarks/Thresholds/` (docs/benchmarks.md, "Benchmarks as code: queue, snapshot, ingest").
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, QueueRound.jobsPerSecond], warmupIterations: 1, maxDuration: .seconds(10),
        maxIterations: 10,
        thresholds: [
            .wallClock: BenchmarkTolerance.time, QueueRound.jobsPerSecond: BenchmarkTolerance.rate,
        ])
    let server = BenchmarkRedisServer()
    Benchmark.setup = { try await server.start() }
    Benchmark.teardown = { await server.stop() }

    for consumers in [1, 2] {
        Benchmark("EnqueueConsumeComplete.\(consumers)consumer\(consumers == 1 ? "" : "s")") { benchmark in
            let round = QueueRound(url: try server.url, jobs: 20_000, consumers: consumers)
            let rate = try await round.run()
            benchmark.measurement(QueueRound.jobsPerSecond, Int(rate.rounded()))
            benchmark.stopMeasurement()
            try await server.flush()  // the next round starts from an empty server
        }
    }
}
