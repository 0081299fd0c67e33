import GPLRRuntime

extension DashboardAPI {
    /// Cancels a run as `gplr cancel` does; `nil` when it has no record.
    /// - Throws: ``DashboardControlError`` when the run is finished already.
    func cancel(run id: String) async throws -> DashboardPayload.CancelResult? {
        guard RunRecord.isValidID(id) else { return nil }
        switch try await RunCancellation(client: client, keys: keys).cancel(run: id) {
        case .noSuchRun:
            return nil
        case .finished(let phase):
            throw DashboardControlError(
                "run \(id) is \(phase.rawValue) already; nothing to cancel (it stays \(phase.rawValue))")
        case .cancelled(let previous, let dropped):
            return .init(run: id, previousPhase: previous.rawValue, droppedJobs: dropped)
        }
    }

    /// Gives up the listed dead letters of a run (``JobQueue/discard(run:jobIDs:)``).
    func discard(run id: String, jobs: [String]) async throws -> DashboardPayload.DiscardResult {
        let discarded = try await collector.queue.discard(run: id, jobIDs: jobs)
        let gone = Set(discarded)
        return .init(run: id, discarded: discarded, notDeadLettered: jobs.filter { !gone.contains($0) })
    }

    /// Pauses (`pause`) or resumes a job kind's queue as `gplr queue pause|resume` does; `nil` for an unknown kind.
    func setPaused(kind name: String, _ pause: Bool) async throws -> DashboardPayload.Queues.PauseResult? {
        guard let kind = JobRegistry.kinds.first(where: { $0.rawValue == name }) else { return nil }
        let queue = collector.queue
        let changed = pause ? try await queue.pause(kind: kind) : try await queue.resume(kind: kind)
        return .init(kind: name, paused: pause, changed: changed)
    }

    /// Deletes the keys of every finished run last updated at least `olderThanSeconds` ago, as
    /// `gplr runs --prune --older-than` does.
    func prune(olderThanSeconds: Double) async throws -> DashboardPayload.PruneResult {
        // At most a thousand years back, so that the milliseconds fit.
        let cutoff = RunRecord.now() - Int64((min(olderThanSeconds, 3.2e10) * 1000).rounded())
        let pruned = try await FinishedRunPruner(client: client, keys: keys).prune(updatedAtOrBefore: cutoff)
        return .init(pruned)
    }
}

/// A control the dashboard refused because of the run's state (answered `409 Conflict`).
struct DashboardControlError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
