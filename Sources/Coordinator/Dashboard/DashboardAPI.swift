import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime
import GPLRSupport
import Synchronization

/// What the dashboard's JSON API reads from (and, for retries, writes to) Redis. The HTTP side is in
/// ``DashboardRoutes``; this type knows nothing of HTTP, so each answer is one Redis-reading function.
final class DashboardAPI: Sendable {
    /// At most this many failed and dead-lettered jobs are listed per run (the totals are always given).
    static let listLimit = 100
    /// A heartbeat older than this means the worker is gone (workers beat every 2 s).
    static let staleAfterSeconds = 10.0

    let client: RedisClient
    let keys: RedisKeys
    let collector: RunStatusCollector
    let retrier: DeadLetterRetry
    /// The runs' histories (``sampleRunningRuns()`` writes them, ``history(run:)`` reads them).
    let series: RunSeriesStore
    /// How often `gplr serve` samples each running run (``DashboardSampler``).
    let sampleInterval: Duration
    /// Throughput over the last 20 s of requests (whichever pages ask), as `gplr status --watch` measures it.
    private let meter: Mutex<ThroughputMeter>

    init(client: RedisClient, keys: RedisKeys, sampleInterval: Duration = .seconds(5)) {
        self.client = client
        self.keys = keys
        self.sampleInterval = sampleInterval
        series = RunSeriesStore(client: client, keys: keys)
        collector = RunStatusCollector(client: client, keys: keys)
        retrier = DeadLetterRetry(client: client, keys: keys)
        var meter = ThroughputMeter()
        meter.window = 100
        meter.maxAge = 20_000
        meter.minimumSpan = 3_000
        self.meter = Mutex(meter)
    }

    /// Every registered run, as `gplr status --json` shows it.
    func runs() async throws -> DashboardPayload.Runs {
        let now = RunRecord.now()
        var runs: [RunStatusReport.Run] = []
        for id in try await collector.records.runIDs() { runs.append(try await collector.run(id, now: now)) }
        return DashboardPayload.Runs(generatedAt: now, runs: measured(runs, at: now))
    }

    /// One run with its failed and dead-lettered jobs and its persona distribution; `nil` when Redis knows
    /// nothing of it (no record, no jobs).
    func run(_ id: String) async throws -> DashboardPayload.RunDetail? {
        guard RunRecord.isValidID(id) else { return nil }
        let now = RunRecord.now()
        let (status, record) = try await collector.runAndRecord(id, now: now)
        guard status.phase != nil || !status.jobs.isEmpty else { return nil }
        let letters = try await collector.queue.deadLetters(run: id)
        let dead = DashboardPayload.JobList(
            total: letters.count, jobs: letters.prefix(Self.listLimit).map(DashboardPayload.FailedJob.init))
        return DashboardPayload.RunDetail(
            generatedAt: now, run: measured([status], at: now)[0], deadLettered: dead,
            failing: try await failing(run: id, deadLettered: Set(letters.map(\.jobID))),
            personas: record.flatMap(Self.personas))
    }

    /// Every job kind's stream: length, pending, lag, consumers, whether it is paused.
    func queues() async throws -> DashboardPayload.Queues {
        var kinds: [DashboardPayload.Queues.Stream] = []
        let paused = try await collector.queue.pausedQueues()
        for kind in JobRegistry.kinds {
            let stats = try await collector.queue.streamStats(kind: kind)
            kinds.append(
                .init(
                    kind: kind.rawValue, length: stats.length, pending: stats.pending, lag: stats.lag,
                    consumers: stats.consumers, paused: paused[kind] != nil, pausedSince: paused[kind]))
        }
        return DashboardPayload.Queues(
            generatedAt: RunRecord.now(), group: collector.queue.configuration.group, kinds: kinds)
    }

    /// Every worker that has a heartbeat record, with its age.
    func workers() async throws -> DashboardPayload.Workers {
        let now = RunRecord.now()
        return DashboardPayload.Workers(
            generatedAt: now, staleAfterSeconds: Self.staleAfterSeconds,
            workers: try await collector.workers(now: now))
    }

    /// Whether Redis knows `id`: a record or enqueued jobs.
    func exists(run id: String) async throws -> Bool {
        guard RunRecord.isValidID(id) else { return false }
        if try await collector.records.exists(run: id) { return true }
        return try await collector.queue.hasJobs(run: id)
    }

    /// Puts dead letters of a run back, as `gplr retry` does.
    func retry(run id: String, _ selection: DeadLetterRetry.Selection) async throws -> DashboardPayload.RetryResult {
        let outcome = try await retrier.retry(run: id, selection)
        return DashboardPayload.RetryResult(
            run: id, retried: outcome.retried, jobs: outcome.chosen.map(\.jobID),
            notDeadLettered: outcome.notDeadLettered)
    }

    /// `PING`: `nil` when Redis answers, else why not.
    func ping() async -> String? {
        do {
            let reply = try await client.send("PING")
            return reply.string == "PONG" ? nil : "unexpected reply to PING"
        } catch {
            return String(describing: error)
        }
    }

    // MARK: - Pieces

    /// Jobs with a recorded error and neither a result nor a dead letter: they will be tried again.
    private func failing(run id: String, deadLettered: Set<String>) async throws -> DashboardPayload.JobList {
        let states = try await collector.queue.jobStates(run: id)
        let open = states.errors.keys.filter { !deadLettered.contains($0) && !states.done.contains($0) }.sorted()
        return .init(
            total: open.count,
            jobs: open.prefix(Self.listLimit).map { job in
                DashboardPayload.FailedJob(
                    id: job, kind: JobRegistry.kind(ofJobID: job)?.rawValue ?? "other", error: states.errors[job] ?? "")
            })
    }

    /// Φ's persona counts when the run is done, else the prototypes' labels of the last checkpoint (Φ on U_s so
    /// far, from ``RunProgress``), else `nil`; every persona of the run is listed (zero when absent), largest first.
    static func personas(_ record: RunRecord) -> DashboardPayload.PersonaDistribution? {
        let names = record.personas.map(\.name)
        let source: String, label: String, values: [String: Double], iterations: Int, users: Int
        if let report = record.report, !report.assignedCounts.isEmpty {
            source = "assigned"
            users = report.users
            label = "users per persona in Φ (final)"
            values = report.assignedCounts.mapValues(Double.init)
            iterations = record.completedIterations
        } else if let progress = record.progress, progress.prototypes > 0 {
            source = "prototypes"
            users = progress.prototypes
            label = "prototypes labeled with each persona so far (after iteration \(progress.completedIterations))"
            var counts: [String: Double] = [:]
            for (index, count) in progress.prototypeCounts.enumerated() where names.indices.contains(index) {
                if count > 0 { counts[names[index], default: 0] += Double(count) }
            }
            values = counts
            iterations = progress.completedIterations
        } else {
            return nil
        }
        let order = Dictionary(names.enumerated().map { ($1, $0) }) { first, _ in first }
        var all = values
        for name in names where all[name] == nil { all[name] = 0 }
        let entries = all.map { DashboardPayload.PersonaDistribution.Entry(name: $0.key, value: $0.value) }
            .sorted { a, b in
                if a.value != b.value { return a.value > b.value }
                return (order[a.name] ?? .max, a.name) < (order[b.name] ?? .max, b.name)
            }
        return DashboardPayload.PersonaDistribution(
            source: source, label: label, completedIterations: iterations, users: users, entries: entries)
    }

    /// Throughput of running runs over the last 20 s of requests (the collector's since-start figure until the
    /// samples span 3 s), and the ETA of the whole run (by the time per finished iteration); neither for runs
    /// that are not running.
    private func measured(_ runs: [RunStatusReport.Run], at now: Int64) -> [RunStatusReport.Run] {
        var report = RunStatusReport(generatedAt: now, runs: runs, workers: [])
        meter.withLock { $0.apply(to: &report) }
        return zip(runs, report.runs).map { original, metered in
            var run = original
            if original.phase == RunPhase.running.rawValue {
                run.jobsPerSecond = metered.jobsPerSecond ?? original.jobsPerSecond
            } else {
                run.jobsPerSecond = nil
                run.etaSeconds = nil
            }
            return run
        }
    }
}
