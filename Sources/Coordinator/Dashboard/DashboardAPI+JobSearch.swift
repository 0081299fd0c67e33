import GPLRRuntime

extension DashboardAPI {
    /// Which jobs of a run `GET /api/runs/{id}/jobs` lists.
    struct JobFilter: Sendable, Equatable {
        /// `queued`, `running`, `failing`, `done` or `dead`; `nil` for every state.
        var state: String?
        var kind: String?
        /// The iteration named by the job id's step (`t<iteration>`).
        var iteration: Int?
        /// A case-insensitive piece of the job id or of its last error.
        var text: String?
        /// A worker id: jobs it holds now or ran before (its recorded attempts).
        var worker: String?
        var offset = 0
        var limit = DashboardAPI.jobPageLimit

        static let states = ["queued", "running", "failing", "done", "dead"]
    }

    /// Jobs per page of `GET /api/runs/{id}/jobs` at most (and by default).
    static let jobPageLimit = 100

    /// One page of a run's jobs that pass `filter`, sorted by job id, and the count of all that pass.
    func jobs(run id: String, _ filter: JobFilter) async throws -> DashboardPayload.JobPage {
        let queue = collector.queue
        let states = try await queue.jobStates(run: id)
        let pending = try await queue.pendingJobs(run: id)
        var known = Set(states.enqueued)
        known.formUnion(states.done)
        known.formUnion(states.deadLettered)
        let needle = filter.text?.lowercased()
        let ranOn = filter.worker == nil ? [:] : try await queue.attemptWorkers(run: id)
        var rows: [DashboardPayload.JobRow] = []
        for job in known.sorted() {
            let error = states.errors[job]
            let state =
                states.done.contains(job)
                ? "done"
                : states.deadLettered.contains(job)
                    ? "dead" : error != nil ? "failing" : pending[job] != nil ? "running" : "queued"
            let kind = JobRegistry.kind(ofJobID: job)?.rawValue ?? "other"
            let iteration = Self.iteration(ofJobID: job, kind: kind)
            if let wanted = filter.state, wanted != state { continue }
            if let wanted = filter.kind, wanted != kind { continue }
            if let wanted = filter.iteration, wanted != iteration { continue }
            if let wanted = filter.worker, pending[job] != wanted, !(ranOn[job]?.contains(wanted) ?? false) { continue }
            if let needle, !needle.isEmpty, !job.lowercased().contains(needle),
                !(error?.lowercased().contains(needle) ?? false)
            {
                continue
            }
            rows.append(
                .init(
                    id: job, kind: kind, iteration: iteration, state: state, worker: pending[job],
                    error: error.map { $0.count > 300 ? String($0.prefix(300)) + "…" : $0 }))
        }
        return .init(run: id, all: rows, offset: filter.offset, limit: filter.limit, maxLimit: Self.jobPageLimit)
    }

    /// The iteration of a job id `<kind>-t<iteration>[-...]-<hash>`, `nil` for steps of no iteration.
    static func iteration(ofJobID id: String, kind: String) -> Int? {
        guard id.hasPrefix(kind + "-t") else { return nil }
        let digits = id.dropFirst(kind.count + 2).prefix { $0.isNumber }
        let rest = id.dropFirst(kind.count + 2 + digits.count)
        guard !digits.isEmpty, rest.hasPrefix("-") else { return nil }
        return Int(digits)
    }
}
