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
    /// Snapshot chunks and prototypes (large transfers on their own connection).
    let dataClient: RedisClient
    let snapshots: SnapshotCache
    let labelExecutor: LabelJobExecutor
    let affinityExecutor = AffinityJobExecutor()
    let blocking = BlockingExecutor.shared
    let startedAt = Int64(Date().timeIntervalSince1970)

    init(configuration: WorkerConfiguration, logger: Logger) {
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.workerID)"
        self.configuration = configuration
        self.logger = logger
        state = WorkerState(concurrency: configuration.concurrency)
        let control = RedisClient(endpoint: configuration.endpoint)
        queue = JobQueue(client: control, keys: configuration.keys, configuration: configuration.queueConfiguration)
        reader = JobQueue(
            client: RedisClient(endpoint: configuration.endpoint), keys: configuration.keys,
            configuration: configuration.queueConfiguration)
        registry = WorkerRegistry(client: control, keys: configuration.keys)
        runPhases = RunPhaseCache(records: RunRecordStore(client: control, keys: configuration.keys))
        dataClient = RedisClient(endpoint: configuration.endpoint)
        snapshots = SnapshotCache(
            store: SnapshotStore(client: dataClient, keys: configuration.keys),
            directory: configuration.cacheDirectory, logger: logger)
        labelExecutor = LabelJobExecutor(
            blocking: blocking,
            llm: LLMJobContext(
                apiKey: configuration.llmAPIKey, redis: RedisClient(endpoint: configuration.endpoint),
                keys: configuration.keys, logger: logger))
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
        await labelExecutor.shutdown()
        let counters = state.snapshot
        logger.info(
            "worker stopped", metadata: ["worker.done": "\(counters.done)", "worker.failed": "\(counters.failed)"])
    }

    // MARK: - Dispatch

    /// Takes jobs (reclaimed first, then new ones) while slots are free, each run in its own child task; returns
    /// after a stop request once every job in hand has ended.
    private func dispatchLoop() async {
        await withDiscardingTaskGroup { jobs in
            var backlog: [LeasedJob] = []
            var nextReclaim = ContinuousClock.now
            while !Task.isCancelled {
                if state.isStopping && backlog.isEmpty { break }
                await state.waitForFreeSlot()
                if Task.isCancelled { break }
                if !backlog.isEmpty {
                    let job = backlog.removeFirst()
                    state.jobStarted()
                    jobs.addTask {
                        defer { self.state.jobEnded() }
                        await self.process(job)
                    }
                    continue
                }
                if state.isStopping { break }
                do {
                    var taken: [LeasedJob] = []
                    if ContinuousClock.now >= nextReclaim {
                        nextReclaim = ContinuousClock.now + configuration.reclaimInterval
                        taken = try await queue.reclaimExpired(
                            consumer: configuration.workerID, kinds: configuration.kinds, count: state.freeSlots)
                        for job in taken {
                            // A job with a recorded failure is a retry coming due (counted as retried when it
                            // failed); only a job without one was reclaimed from a worker that went away.
                            let retry = (try? await queue.lastError(run: job.runID, jobID: job.id)) ?? nil
                            logReclaimed(job, retry: retry != nil)
                            if retry == nil { WorkerMetrics.reclaimed(job) }
                        }
                    }
                    if taken.isEmpty {
                        taken = try await reader.dequeue(
                            consumer: configuration.workerID, kinds: configuration.kinds, count: state.freeSlots,
                            block: configuration.blockTime)
                    }
                    state.hold(taken)
                    backlog += taken
                } catch {
                    logger.error("cannot read jobs from Redis; trying again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            // Jobs still in the backlog after a cancellation are not run: their leases run out.
            for job in backlog { state.release(job) }
        }
    }

    private func logReclaimed(_ job: LeasedJob, retry: Bool) {
        logger.info(
            retry ? "took up a failed job to try it again" : "reclaimed a job whose lease expired",
            metadata: ["job.id": "\(job.id)", "run.id": "\(job.runID)", "job.kind": "\(job.kind)",
                       "job.deliveries": "\(job.deliveryCount)"])
    }

    // MARK: - Heartbeat and leases

    private func heartbeatLoop() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.heartbeatInterval)
            } catch {
                return
            }
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
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.pruneInterval)
            } catch {
                return
            }
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
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.leaseExtensionInterval)
            } catch {
                return
            }
            for job in state.jobsToExtend {
                do {
                    if try await !queue.extendLease(job) {
                        state.markLeaseLost(job)
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
