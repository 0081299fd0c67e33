import Foundation
import GPLRRedis
import GPLRRuntime
import GPLRTestSupport
import Logging
import ServiceLifecycle

@testable import Worker

/// A ``WorkerService`` in the test process, run under a `ServiceGroup` as `gplr-worker` runs it, against the
/// harness's real redis-server and the real job definitions. Its timed loops run on a ``ManualClock`` (the test
/// advances it), and a ``DeliveryRecorder`` is among its middleware.
///
/// Settings chosen so that the loops' deadlines do not coincide: the lease loop wakes every lease/3 (20 s for the
/// default 60 s lease), reclaims are due every 5 s, pruning every 60 s, the heartbeat every hour. Redis's own waits
/// stay real: a `XREADGROUP` blocks 100 ms.
final class InProcessWorker: Sendable {
    let service: WorkerService
    let clock = ManualClock()
    let deliveries = DeliveryRecorder()
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(
        _ harness: WorkerHarness, id: String = "w1", concurrency: Int = 2, lease: Duration = .seconds(60),
        jobDelay: Duration? = nil
    ) throws {
        let cache = harness.directory.file("cache-\(id)")
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let configuration = WorkerConfiguration(
            endpoint: try RedisEndpoint(url: harness.server.url), keys: harness.keys, kinds: JobRegistry.kinds,
            concurrency: concurrency, cacheDirectory: cache, leaseDuration: lease, maxAttempts: 5, workerID: id,
            heartbeatInterval: .seconds(3600), blockTime: .milliseconds(100), pruneAfter: .seconds(7200),
            debugJobDelay: jobDelay)
        let logger = Logger(label: "gplr.worker.test") { _ in SwiftLogNoOpLogHandler() }
        service = WorkerService(
            configuration: configuration, logger: logger, clock: clock,
            middleware: [LoggingMiddleware(), deliveries])
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [service], logger: logger))
        self.group = group
        task = Task { try await group.run() }
    }

    /// Asks for the graceful shutdown (as SIGTERM does in the binary) and returns once the worker has asked its
    /// dispatcher to stop; ``finished()`` waits for the end.
    func requestShutdown() async {
        await group.triggerGracefulShutdown()
        while !service.state.isStopping { await Task.yield() }
    }

    /// Waits for the group to end (after ``requestShutdown()`` and whatever the jobs in hand need). A cancelled
    /// wait (a test's time limit) cancels the worker, so a worker that never ends fails the test, not the run.
    func finished() async throws {
        let task = task
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Ends the worker at once (cancellation), for the end of a test whatever its outcome.
    func cancel() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// Runs `body` with an in-process worker and cancels the worker afterwards, whether `body` throws or not.
func withInProcessWorker<T>(
    _ harness: WorkerHarness, concurrency: Int = 2, lease: Duration = .seconds(60), jobDelay: Duration? = nil,
    _ body: (InProcessWorker) async throws -> T
) async throws -> T {
    let worker = try InProcessWorker(harness, concurrency: concurrency, lease: lease, jobDelay: jobDelay)
    do {
        let result = try await body(worker)
        await worker.cancel()
        return result
    } catch {
        await worker.cancel()
        throw error
    }
}

/// A middleware that records every delivery a worker starts and ends, and how many run at once.
final class DeliveryRecorder: JobMiddleware {
    struct Ended: Sendable {
        var job: LeasedJob
        var outcome: JobDeliveryOutcome
    }

    struct Record: Sendable {
        var started: [LeasedJob] = []
        var ended: [Ended] = []
        /// Started and not ended.
        var running = 0
        /// The most that ran at once.
        var mostRunning = 0
    }

    let record = AwaitedValue(Record())

    func started(_ job: LeasedJob, logger: Logger) {
        record.update { record in
            record.started.append(job)
            record.running += 1
            record.mostRunning = max(record.mostRunning, record.running)
        }
    }

    func ended(_ job: LeasedJob, _ outcome: JobDeliveryOutcome, duration: Duration?, logger: Logger) {
        record.update { record in
            record.ended.append(Ended(job: job, outcome: outcome))
            // A skipped job (its run was cancelled) was never started.
            if case .skipped = outcome { return }
            record.running -= 1
        }
    }

    /// Returns once `count` deliveries have started.
    @discardableResult
    func waitForStarted(_ count: Int) async -> Record {
        await record.wait { $0.started.count >= count }
    }

    /// Returns once `count` deliveries have ended.
    @discardableResult
    func waitForEnded(_ count: Int) async -> Record {
        await record.wait { $0.ended.count >= count }
    }
}

extension WorkerHarness {
    /// Redis's side of the leases of a kind's stream (``StreamLeases``).
    func leases(_ kind: JobKind) -> StreamLeases {
        StreamLeases(client: client, stream: keys.jobStream(kind), group: queue.configuration.group)
    }
}
