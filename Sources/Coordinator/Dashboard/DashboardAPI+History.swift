import GPLRCore
import GPLRRuntime

extension DashboardAPI {
    /// The run's stored samples and finished iterations; `nil` when Redis knows nothing of the run.
    func history(run id: String) async throws -> DashboardPayload.History? {
        guard try await exists(run: id) else { return nil }
        let record = try await collector.records.loadWithoutCheckpoint(run: id)
        let iterations = record?.report?.iterations ?? record?.progress?.iterations ?? []
        return DashboardPayload.History(
            generatedAt: RunRecord.now(), run: id, intervalSeconds: sampleInterval.inSeconds,
            capacity: series.capacity, samples: try await series.samples(run: id),
            iterations: iterations.map {
                .init(
                    iteration: $0.iteration, sampled: $0.sampled, labeled: $0.labeled, seconds: $0.seconds,
                    samplingSeconds: $0.samplingSeconds, labelingSeconds: $0.labelingSeconds,
                    affinitySeconds: $0.affinitySeconds)
            },
            coverage: record?.report.map {
                .init(
                    users: $0.users, labeled: $0.prototypes,
                    reached: max(0, $0.users - $0.prototypes - $0.unreachableUsers), unreachable: $0.unreachableUsers)
            },
            summary: record?.report == nil ? nil : try await RunSummaryStore(client: client, keys: keys).load(run: id))
    }

    /// Appends a sample to the history of every `created` or `running` run (``RunSeriesStore`` skips a run
    /// sampled less than 80 % of ``sampleInterval`` ago, e.g. by another `gplr serve`).
    /// - Returns: the runs sampled.
    @discardableResult
    func sampleRunningRuns() async throws -> [String] {
        var sampled: [String] = []
        let now = RunRecord.now()
        for id in try await collector.records.runIDs() {
            let status = try await collector.run(id, now: now)
            guard status.phase == RunPhase.running.rawValue || status.phase == RunPhase.created.rawValue else {
                continue
            }
            let sample = RunSample(
                at: now, iteration: status.iteration, failures: status.failures, costUSD: status.spend.costUSD,
                kinds: status.jobs.mapValues {
                    RunSample.Kind(
                        enqueued: $0.enqueued, done: $0.done, running: $0.running, queued: $0.queued,
                        dead: $0.deadLettered)
                }, llm: status.llmOutcomes)
            if try await series.append(sample, run: id, minimumGap: sampleInterval * 0.8) { sampled.append(id) }
        }
        return sampled
    }
}
