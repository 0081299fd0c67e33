import ArgumentParser
import Foundation
import GPLRRedis
import GPLRRuntime
import ProcessSupport

/// `gplr bench queue`: no-op jobs per second through the Redis job protocol (enqueue, XREADGROUP, store result,
/// XACK) for 1 and 2 consumers — the queue's own overhead, without any job work. Each consumer takes a batch
/// per XREADGROUP and completes it in one pipelined round trip.
struct BenchQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "No-op jobs per second through Redis for 1 and 2 consumers.")

    @Option(help: "Redis URL (default: start a redis-server in a temp dir).")
    var redis: String?

    @Option(help: "Jobs per measurement.")
    var jobs: Int = 20_000

    @Option(help: "Consumer counts to measure, comma-separated.")
    var consumers: String = "1,2"

    @Option(help: "Jobs taken per XREADGROUP.")
    var batch: Int = 64

    func run() async throws {
        let counts = consumers.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        let server: LocalRedisServer? =
            redis == nil ? try await BlockingExecutor.shared.run { try LocalRedisServer(logPath: "/dev/null") } : nil
        let url = redis ?? server!.url
        print(
            "queue: \(Console.count(jobs)) no-op jobs per row, dequeue batch \(batch), Redis \(redis == nil ? "local (loopback)" : "given")"
        )
        print("consumers   jobs/s    wall (s)")
        // Between measurements only, never inside one.
        let progress = ProgressReporter("bench queue", total: counts.count, unit: .items("measurements"))
        defer { progress.finish() }
        progress.update(0)
        // The jobs, results and streams live under a prefix of the bench's own, removed after every measurement
        // (on failure too): a bench against a real Redis leaves nothing behind.
        let benchKeys = BenchRedisPrefix()
        let cleaner = try RedisClient(url: url)
        for count in counts {
            let measured: (rate: Double, seconds: Double)
            do {
                measured = try await measure(url: url, keys: benchKeys.keys, consumers: count)
                try await benchKeys.deleteAll(cleaner)
            } catch {
                try? await benchKeys.deleteAll(cleaner)
                await server?.stop(grace: .seconds(2))
                throw error
            }
            Console.result(String(format: "%9d   %7.0f   %7.2f", count, measured.rate, measured.seconds))
            progress.advance()
        }
        progress.finish()
        await server?.stop(grace: .seconds(2))
    }

    private func measure(url: String, keys: RedisKeys, consumers: Int) async throws -> (rate: Double, seconds: Double) {
        let runID = "bench-\(UUID().uuidString.prefix(8))"
        let kind = JobKind(rawValue: "bench-noop")
        let producer = JobQueue(client: try RedisClient(url: url), keys: keys)
        for start in stride(from: 0, to: jobs, by: 1000) {
            let envelopes = (start..<min(jobs, start + 1000)).map {
                JobEnvelope(id: "j\($0)", runID: runID, kind: kind, payload: Data())
            }
            try await producer.enqueue(envelopes)
        }
        let timer = Stopwatch()
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<consumers {
                group.addTask {
                    let queue = JobQueue(client: try RedisClient(url: url), keys: keys)
                    var completed = 0
                    while true {
                        let taken = try await queue.dequeue(
                            consumer: "bench-\(index)", kinds: [kind], count: batch, block: .milliseconds(200))
                        if taken.isEmpty { return completed }
                        try await queue.complete(taken.map { (job: $0, result: Data()) })
                        completed += taken.count
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let seconds = timer.seconds - 0.2  // the last, empty blocking read
        guard done == jobs else { throw ValidationError("only \(done) of \(jobs) jobs completed") }
        return (Double(jobs) / seconds, seconds)
    }
}
