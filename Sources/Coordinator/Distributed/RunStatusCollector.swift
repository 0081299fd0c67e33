import Foundation
import GPLRRedis
import GPLRRuntime

/// Gathers a ``RunStatusReport`` from Redis: run records, per-kind job counts (job ids name their kind, see
/// ``JobRegistry/kind(ofJobID:)``), queue counters and worker heartbeats.
struct RunStatusCollector: Sendable {
    let queue: JobQueue
    let records: RunRecordStore
    let client: RedisClient

    init(client: RedisClient, keys: RedisKeys) {
        self.client = client
        queue = JobQueue(client: client, keys: keys)
        records = RunRecordStore(client: client, keys: keys)
    }

    /// The status of `runIDs` (every registered run when `nil`) and of all workers.
    func collect(runIDs: [String]? = nil) async throws -> RunStatusReport {
        let now = RunRecord.now()
        var runs: [RunStatusReport.Run] = []
        var ids = runIDs ?? []
        if runIDs == nil { ids = try await records.runIDs() }
        for id in ids { runs.append(try await run(id, now: now)) }
        return RunStatusReport(
            generatedAt: now, runs: runs, workers: try await workers(now: now),
            pausedQueues: try await pausedQueues())
    }

    /// The paused job kinds, by name.
    func pausedQueues() async throws -> [RunStatusReport.PausedQueue] {
        try await queue.pausedQueues().map { RunStatusReport.PausedQueue(kind: $0.key.rawValue, since: $0.value) }
            .sorted { $0.kind < $1.kind }
    }

    func run(_ id: String, now: Int64) async throws -> RunStatusReport.Run {
        try await runAndRecord(id, now: now).status
    }

    /// The status of run `id` and the record it was made from (without the checkpoint; `nil` when the run has
    /// no readable record), so a caller that needs more of the record does not read it again.
    func runAndRecord(_ id: String, now: Int64) async throws -> (status: RunStatusReport.Run, record: RunRecord?) {
        let record: RunRecord?
        var recordError: String?
        do {
            record = try await records.loadWithoutCheckpoint(run: id)
        } catch {
            record = nil
            recordError = String(describing: error)
        }
        let states = try await queue.jobStates(run: id)
        let done = states.done, dead = states.deadLettered
        var jobs: [String: RunStatusReport.KindCounts] = [:]
        func kind(_ id: String) -> String { JobRegistry.kind(ofJobID: id)?.rawValue ?? "other" }
        for job in states.enqueued { jobs[kind(job), default: .init()].enqueued += 1 }
        for job in done { jobs[kind(job), default: .init()].done += 1 }
        for job in dead { jobs[kind(job), default: .init()].deadLettered += 1 }
        for job in states.errors.keys where !done.contains(job) && !dead.contains(job) {
            jobs[kind(job), default: .init()].failing += 1
        }
        for (name, counts) in jobs {
            var counts = counts
            if let kind = JobRegistry.kinds.first(where: { $0.rawValue == name }),
                counts.enqueued > counts.done + counts.deadLettered
            {
                counts.running = try await queue.stats(run: id, kinds: [kind]).running
            }
            counts.queued = max(0, counts.enqueued - counts.done - counts.deadLettered - counts.running)
            jobs[name] = counts
        }
        let counters = states.counters
        let labeler = record?.report?.labelerCounters ?? record?.progress?.labelerCounters ?? [:]
        var status = RunStatusReport.Run(
            id: id, phase: record?.phase.rawValue ?? (recordError == nil ? nil : "unreadable"),
            iteration: record?.iteration, completedIterations: record?.completedIterations,
            iterations: record?.parameters.iterations, step: record?.step, createdAt: record?.createdAt,
            updatedAt: record?.updatedAt, error: record?.error ?? recordError, jobs: jobs,
            failures: counters["failures"] ?? 0, retried: counters["retried"] ?? 0,
            duplicateResults: counters["duplicates"] ?? 0, labelerCounters: RunReportDocument.snakeCased(labeler),
            spend: Self.spend(labeler))
        status.llmOutcomes = RunLLMOutcomes(counters: counters)
        status.coordinator = try await CoordinatorLease.holder(client: client, keys: queue.keys, run: id)?.token
        status.coordinatorLost = record?.phase == .running && status.coordinator == nil
        // Without a watch window: rates and ETA from the record's timestamps (none for a run nobody drives).
        if let record, record.phase == .running, !status.coordinatorLost {
            let elapsed = Double(now - record.createdAt) / 1000
            let finished = jobs.values.reduce(0) { $0 + $1.done }
            if elapsed > 0 { status.jobsPerSecond = Double(finished) / elapsed }
            if record.completedIterations > 0 {
                let perIteration = elapsed / Double(record.completedIterations)
                status.etaSeconds =
                    perIteration * Double(max(0, record.parameters.iterations - record.completedIterations))
            }
        }
        return (status, record)
    }

    /// Tokens and cost from the labeler's counters: `llm.prompt-tokens`, `llm.completion-tokens` and
    /// `llm.cost-micros` (millionths of a dollar), summed with any other `<source>.` counters of the same names.
    static func spend(_ counters: [String: Int]) -> RunStatusReport.Spend {
        func sum(_ name: String) -> Int {
            counters.reduce(0) { $0 + ($1.key == name || $1.key.hasSuffix("." + name) ? $1.value : 0) }
        }
        return RunStatusReport.Spend(
            promptTokens: sum("prompt-tokens"), completionTokens: sum("completion-tokens"),
            costUSD: Double(sum("cost-micros")) / 1e6)
    }

    func workers(now: Int64) async throws -> [RunStatusReport.Worker] {
        let map = try await queue.workerRegistry.rawRecords()
        return map.keys.sorted().map { key in
            let view = map[key].flatMap { try? JSONDecoder().decode(WorkerHeartbeatView.self, from: $0) }
            return RunStatusReport.Worker(
                id: view?.id ?? key, host: view?.host, pid: view?.pid, kinds: view?.kinds ?? [],
                concurrency: view?.concurrency,
                heartbeatAgeSeconds: view?.lastSeen.map { Double(now - $0) / 1000 },
                currentJobs: view?.currentJobs ?? [], done: view?.done, failed: view?.failed)
        }
    }
}
