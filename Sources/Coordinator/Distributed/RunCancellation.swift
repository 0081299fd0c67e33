import GPLRRedis
import GPLRRuntime

/// Cancels a run as `gplr cancel` and the dashboard's Cancel button do: the record's phase becomes `cancelled`
/// (only from `created` or `running`; ``RunRecordStore/cancel(run:)``), then the run's queued jobs leave the
/// streams (``JobQueue/purge(run:kinds:)``). A coordinator of the run stops within a second.
struct RunCancellation: Sendable {
    /// What happened.
    enum Outcome: Sendable, Equatable {
        /// No record of the run.
        case noSuchRun
        /// The run was finished already (`done`, `failed`, `cancelled`): nothing changed.
        case finished(RunPhase)
        /// Cancelled; `dropped` queued jobs were removed.
        case cancelled(previous: RunPhase, dropped: Int)
    }

    let store: RunRecordStore
    let queue: JobQueue

    init(client: RedisClient, keys: RedisKeys) {
        store = RunRecordStore(client: client, keys: keys)
        queue = JobQueue(client: client, keys: keys)
    }

    func cancel(run id: String) async throws -> Outcome {
        guard let previous = try await store.cancel(run: id) else { return .noSuchRun }
        guard previous == .created || previous == .running else { return .finished(previous) }
        return .cancelled(previous: previous, dropped: try await queue.purge(run: id))
    }
}
