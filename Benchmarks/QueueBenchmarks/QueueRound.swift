import Benchmark
import BenchmarkFixtures
import Foundation
import GPLRRedis
import GPLRRuntime

/// One measured round of `gplr bench queue`: `jobs` no-op jobs of one run enqueued in batches of 1,000, then
/// `consumers` consumers (each with its own connection) take up to `batch` jobs per `XREADGROUP` and complete them
/// with `JobQueue.complete([...])` (one pipelined round trip per batch) until the stream has nothing new.
struct QueueRound: Sendable {
    /// Jobs completed per second of consuming and completing (the enqueueing excluded), as `gplr bench queue`.
    static let jobsPerSecond = BenchmarkMetric.custom("jobs/s", polarity: .prefersLarger, useScalingFactor: false)

    static let kind = JobKind(rawValue: "bench-noop")

    let url: String
    let jobs: Int
    let consumers: Int
    var batch = 64
    /// The server is the benchmark's own, so the queue's keys need no prefix of their own beyond this one.
    let keys = RedisKeys(prefix: "gplr-benchmark")

    /// Runs the round.
    /// - Returns: jobs per second of consume + complete.
    /// - Throws: a Redis or queue error, or ``BenchmarkFixtureError`` when not every job was completed once.
    func run() async throws -> Double {
        let runID = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        let producer = JobQueue(client: try RedisClient(url: url), keys: keys)
        for start in stride(from: 0, to: jobs, by: 1000) {
            let envelopes = (start..<min(jobs, start + 1000)).map {
                JobEnvelope(id: "j\($0)", runID: runID, kind: Self.kind, payload: Data())
            }
            try await producer.enqueue(envelopes)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<consumers {
                group.addTask { try await consume(as: "bench-\(index)") }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - started
        guard completed == jobs else {
            throw BenchmarkFixtureError("\(completed) of \(jobs) jobs completed with \(consumers) consumer(s)")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(jobs) / seconds
    }

    /// One consumer: takes and completes batches until a read finds nothing new. Every job was enqueued before the
    /// consumers started, so an empty non-blocking read means the stream is drained (no blocking read at the end
    /// to subtract, unlike `gplr bench queue`'s 200 ms one).
    private func consume(as consumer: String) async throws -> Int {
        let queue = JobQueue(client: try RedisClient(url: url), keys: keys)
        var completed = 0
        while true {
            let taken = try await queue.dequeue(consumer: consumer, kinds: [Self.kind], count: batch)
            if taken.isEmpty { return completed }
            let stored = try await queue.complete(taken.map { (job: $0, result: Data()) })
            completed += stored.filter { $0 }.count
        }
    }
}
