import GPLRRuntime

extension DashboardAPI {
    /// What Redis holds about one job of a run; `nil` when it knows nothing of it.
    func job(run id: String, job jobID: String) async throws -> DashboardPayload.JobDetail? {
        guard RunRecord.isValidID(id) else { return nil }
        let info = try await collector.queue.jobInfo(run: id, jobID: jobID)
        let attempts = try await collector.queue.attempts(run: id, jobID: jobID)
        guard info.isKnown || !attempts.isEmpty else { return nil }
        let letter = info.deadLetter
        let state =
            info.resultBytes != nil
            ? "done" : letter != nil ? "dead_lettered" : info.error != nil ? "failing" : "pending"
        return DashboardPayload.JobDetail(
            run: id, id: jobID, kind: letter?.kind.rawValue ?? JobRegistry.kind(ofJobID: jobID)?.rawValue ?? "other",
            state: state, enqueued: info.enqueued, resultBytes: info.resultBytes, error: letter?.error ?? info.error,
            attempt: letter?.envelope?.attempt, deliveries: letter?.deliveries, deadLetteredAt: letter?.deadLetteredAt,
            payload: letter?.envelope.map { DashboardPayload.PayloadSummary($0.payload) },
            attempts: attempts.map {
                .init(
                    worker: $0.worker, delivery: $0.delivery, startedAt: $0.startedAt, endedAt: $0.endedAt,
                    outcome: $0.outcome)
            })
    }

    /// Dead letters `offset ..< offset + limit` of the run, by job id (`limit` at most ``listLimit``).
    func deadLetters(run id: String, offset: Int, limit: Int) async throws -> DashboardPayload.DeadLetterPage {
        let letters = try await collector.queue.deadLetters(run: id)
        return .init(
            run: id, all: letters.map(DashboardPayload.FailedJob.init), offset: offset, limit: limit,
            maxLimit: Self.listLimit)
    }
}
