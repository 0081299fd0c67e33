import Foundation
import GPLRRedis
import GPLRRuntime
import Logging
import ServiceLifecycle

/// The worker daemon as a `Service`: pulls jobs of the configured kinds from Redis, runs up to `concurrency` at
/// once, stores results, and keeps leases, heartbeats and reclaims going.
///
/// Graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`): no new jobs are taken, the jobs in hand run
/// to their end, the heartbeat record is removed, `run()` returns. Past the group's grace period the remaining
/// jobs are cancelled and simply not acknowledged: their leases run out and other workers reclaim them.
final class WorkerService: Service {
    let configuration: WorkerConfiguration
    let logger: Logger
    let state: WorkerState
    /// Commands that must not wait behind a blocking read: complete, fail, lease extension, reclaim, heartbeat.
    let queue: JobQueue
    /// Only the blocking `XREADGROUP` (it holds its connection for the block time).
    let reader: JobQueue
    let registry: WorkerRegistry
    /// Run phases, to skip the jobs of cancelled runs.
    let runPhases: RunPhaseCache
    /// What jobs use while they run: snapshots and side inputs (large transfers on their own connection), the
    /// LLM clients, the blocking executor.
    let context: WorkerJobContext
    /// Wrapped around every job delivery, in order.
    let middleware: [any JobMiddleware]
    /// What the timed loops sleep on and measure with (``WorkerClock``).
    let clock: WorkerClock
    let startedAt = Int64(Date().timeIntervalSince1970)

    /// - Parameters:
    ///   - clock: the clock of the timed loops (lease extension, heartbeat, pruning, reclaim cadence); tests pass
    ///     one they advance by hand.
    ///   - middleware: wrapped around every delivery, in order (logging and metrics by default).
    init(
        configuration: WorkerConfiguration, logger: Logger, clock: some Clock<Duration> = ContinuousClock(),
        middleware: [any JobMiddleware] = [LoggingMiddleware(), MetricsMiddleware()]
    ) {
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.workerID)"
        self.configuration = configuration
        self.logger = logger
        self.middleware = middleware
        let clock = WorkerClock(clock)
        self.clock = clock
        state = WorkerState()
        let control = RedisClient(endpoint: configuration.endpoint)
        queue = JobQueue(client: control, keys: configuration.keys, configuration: configuration.queueConfiguration)
        reader = JobQueue(
            client: RedisClient(endpoint: configuration.endpoint), keys: configuration.keys,
            configuration: configuration.queueConfiguration)
        registry = WorkerRegistry(client: control, keys: configuration.keys)
        runPhases = RunPhaseCache(records: RunRecordStore(client: control, keys: configuration.keys), clock: clock)
        let dataClient = RedisClient(endpoint: configuration.endpoint)
        let blocking = BlockingExecutor.shared
        context = WorkerJobContext(
            snapshots: SnapshotCache(
                store: SnapshotStore(client: dataClient, keys: configuration.keys),
                directory: configuration.cacheDirectory, logger: logger),
            sideInputs: JobQueue(client: dataClient, keys: configuration.keys),
            llm: LabelJobExecutor(
                blocking: blocking,
                llm: LLMJobContext(
                    apiKey: configuration.llmAPIKey, headers: configuration.llmHeaders,
                    redis: RedisClient(endpoint: configuration.endpoint), keys: configuration.keys, logger: logger)),
            blocking: blocking)
    }

    func run() async throws {
        try await queue.prepare(kinds: configuration.kinds)
        await publishHeartbeat()
        logger.info(
            "worker started",
            metadata: [
                "worker.kinds": "\(configuration.kinds.map(\.rawValue).joined(separator: ","))",
                "worker.concurrency": "\(configuration.concurrency)",
                "redis.endpoint": "\(configuration.endpoint)",
            ])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.heartbeatLoop() }
                group.addTask { await self.leaseLoop() }
                group.addTask { await self.pruneLoop() }
                await self.dispatchLoop()
                group.cancelAll()
            }
        } onGracefulShutdown: { [state, logger] in
            logger.info("graceful shutdown requested; finishing the jobs in hand")
            state.requestStop()
        }
        do {
            try await registry.remove(workerID: configuration.workerID)
        } catch {
            logger.warning("cannot remove the heartbeat record", metadata: ["error": "\(error)"])
        }
        do {
            // Gone from the consumer groups too, unless it hands jobs back (they stay pending for reclaiming).
            try await queue.pruneIdleConsumers(
                kinds: configuration.kinds, minimumIdle: .zero, consumer: configuration.workerID)
        } catch {
            logger.warning("cannot remove this worker's stream consumers", metadata: ["error": "\(error)"])
        }
        await context.llm.shutdown()
        await context.snapshots.finishDiskWrites()
        let counters = state.snapshot
        logger.info(
            "worker stopped", metadata: ["worker.done": "\(counters.done)", "worker.failed": "\(counters.failed)"])
    }

    // MARK: - Dispatch

    /// What the dispatcher's task group hears from its children.
    private enum DispatchEvent: Sendable {
        /// A fetch returned these jobs (leased to this worker).
        case taken([LeasedJob])
        /// A job ended (result stored, failure recorded, or abandoned).
        case finished
    }

    /// Runs jobs in one task group bounded by ``WorkerConfiguration/concurrency``: one child fetches jobs
    /// (reclaimed first, then new ones) for the free slots, one child per job runs it, and the loop reacts to
    /// whichever ends first (`group.next()`). A fetch may return more jobs than slots (`XREADGROUP COUNT` is per
    /// stream): those wait in the loop for a slot, and no fetch starts while any wait. After a stop request no
    /// fetch starts; the jobs in hand (running or waiting) run to their end and the loop returns. Cancelled (past
    /// the grace period): waiting jobs are released, their leases run out.
    private func dispatchLoop() async {
        let concurrency = configuration.concurrency
        await withTaskGroup(of: DispatchEvent.self) { group in
            var running = 0
            var waiting: [LeasedJob] = []
            var fetching = false
            var nextReclaim = clock.now
            func fill() {
                while running < concurrency, !waiting.isEmpty, !Task.isCancelled {
                    let job = waiting.removeFirst()
                    running += 1
                    group.addTask {
                        await self.process(job)
                        return .finished
                    }
                }
                state.setRunning(running)
                guard !fetching, waiting.isEmpty, running < concurrency, !state.isStopping, !Task.isCancelled
                else { return }
                let reclaim = clock.now >= nextReclaim
                if reclaim { nextReclaim = clock.now + configuration.reclaimInterval }
                fetching = true
                let count = concurrency - running
                group.addTask { .taken(await self.fetch(count: count, reclaim: reclaim)) }
            }
            fill()
            while let event = await group.next() {
                switch event {
                case .finished:
                    running -= 1
                case .taken(let jobs):
                    fetching = false
                    state.hold(jobs)
                    waiting += jobs
                }
                fill()
            }
            // Only after a cancellation can jobs still wait: they are not run, their leases run out.
            for job in waiting { state.release(job) }
        }
    }

    /// Up to `count` jobs: expired leases when `reclaim` (retries coming due, jobs of workers that went away),
    /// else new jobs (blocking up to ``WorkerConfiguration/blockTime``). Kinds paused with `gplr queue pause` are
    /// left out by the queue itself (the jobs in hand run on, their leases extended). A Redis error is logged and
    /// answered with no job after a second.
    private func fetch(count: Int, reclaim: Bool) async -> [LeasedJob] {
        do {
            if reclaim {
                let taken = try await queue.reclaimExpired(
                    consumer: configuration.workerID, kinds: configuration.kinds, count: count)
                for job in taken {
                    // A job with a recorded failure is a retry coming due (counted as retried when it failed);
                    // only a job without one was reclaimed from a worker that went away.
                    let retry = (try? await queue.lastError(run: job.runID, jobID: job.id)) ?? nil
                    logReclaimed(job, retry: retry != nil)
                    if retry == nil { WorkerMetrics.reclaimed(job) }
                }
                if !taken.isEmpty { return taken }
            }
            return try await reader.dequeue(
                consumer: configuration.workerID, kinds: configuration.kinds, count: count,
                block: configuration.blockTime)
        } catch {
            logger.error("cannot read jobs from Redis; trying again", metadata: ["error": "\(error)"])
            try? await clock.sleep(for: .seconds(1))
            return []
        }
    }

    private func logReclaimed(_ job: LeasedJob, retry: Bool) {
        logger.info(
            retry ? "took up a failed job to try it again" : "reclaimed a job whose lease expired",
            metadata: [
                "job.id": "\(job.id)", "run.id": "\(job.runID)", "job.kind": "\(job.kind)",
                "job.deliveries": "\(job.deliveryCount)",
            ])
    }

    // MARK: - Heartbeat and leases

    private func heartbeatLoop() async {
        await clock.repeatEvery(configuration.heartbeatInterval) {
            await publishHeartbeat()
        }
    }

    private func publishHeartbeat() async {
        let counters = state.snapshot
        let heartbeat = WorkerHeartbeat(
            id: configuration.workerID, host: WorkerConfiguration.hostName(), pid: getpid(),
            kinds: configuration.kinds.map(\.rawValue), concurrency: configuration.concurrency, startedAt: startedAt,
            lastSeen: Int64(Date().timeIntervalSince1970), currentJobs: counters.jobs, done: counters.done,
            failed: counters.failed)
        do {
            try await registry.publish(heartbeat)
        } catch {
            logger.warning("cannot publish the heartbeat", metadata: ["error": "\(error)"])
        }
    }

    /// Every ``WorkerConfiguration/pruneInterval``: removes the consumers and heartbeat records that workers
    /// which died or were scaled away left behind (idle or silent for ``WorkerConfiguration/pruneAfter``).
    private func pruneLoop() async {
        await clock.repeatEvery(configuration.pruneInterval) {
            do {
                let consumers = try await queue.pruneIdleConsumers(
                    kinds: configuration.kinds, minimumIdle: configuration.pruneAfter)
                let records = try await registry.removeStale(olderThan: configuration.pruneAfter)
                if !consumers.isEmpty || !records.isEmpty {
                    logger.info(
                        "removed what stopped workers left behind",
                        metadata: ["worker.consumers": "\(consumers)", "worker.records": "\(records)"])
                }
            } catch {
                logger.warning("cannot prune stopped workers' consumers and records", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Extends the lease of every held job every lease/3; a lost lease is logged and no longer extended.
    private func leaseLoop() async {
        await clock.repeatEvery(configuration.leaseExtensionInterval) {
            for job in state.jobsToExtend {
                do {
                    if try await !queue.extendLease(job), state.markLeaseLost(job) {
                        logger.warning(
                            "lease lost; another worker may run the job too (the first result is kept)",
                            metadata: ["job.id": "\(job.id)", "run.id": "\(job.runID)", "job.kind": "\(job.kind)"])
                    }
                } catch {
                    logger.warning(
                        "cannot extend a lease", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
                }
            }
        }
    }
}
