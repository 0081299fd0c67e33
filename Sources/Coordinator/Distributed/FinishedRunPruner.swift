import GPLRRedis
import GPLRRuntime

/// Deletes the keys of finished runs (``RunDataRetention/prune(run:)``): what `gplr runs --prune` and the
/// dashboard's "Clean finished runs" do. Runs that are `created` or `running`, or were updated after the cutoff,
/// are left alone; a registered run whose keys all expired is dropped from the registry.
struct FinishedRunPruner: Sendable {
    /// One pruned run (in JSON as ``Report`` lists it).
    struct Pruned: Codable, Sendable, Equatable {
        var id: String
        /// `done`, `failed`, `cancelled`, or `expired` (the record was gone).
        var phase: String
        /// Keys deleted.
        var keys: Int
    }

    /// The pruned runs with the keys deleted, all runs together: what `gplr runs --prune --json` prints and the
    /// dashboard's `POST /api/runs/prune` answers (``DashboardPayload/PruneResult``).
    struct Report: Codable, Sendable {
        var runs: [Pruned]
        /// Keys deleted, all runs together.
        var keys: Int

        init(_ runs: [Pruned]) {
            self.runs = runs
            keys = runs.reduce(0) { $0 + $1.keys }
        }
    }

    let store: RunRecordStore
    let retention: RunDataRetention

    init(client: RedisClient, keys: RedisKeys) {
        store = RunRecordStore(client: client, keys: keys)
        retention = RunDataRetention(client: client, keys: keys)
    }

    /// Prunes every finished run last updated at or before `cutoff` (milliseconds since 1970), in registry order;
    /// `each` sees every pruned run as it goes.
    func prune(updatedAtOrBefore cutoff: Int64, each: (Pruned) -> Void = { _ in }) async throws -> [Pruned] {
        var pruned: [Pruned] = []
        for id in try await store.runIDs() {
            let record = try? await store.loadWithoutCheckpoint(run: id)
            if let record {
                guard RunDataRetention.finishedPhases.contains(record.phase) else { continue }
                guard record.updatedAt <= cutoff else { continue }
            }
            guard let deleted = try await retention.prune(run: id) else { continue }
            let run = Pruned(id: id, phase: record?.phase.rawValue ?? "expired", keys: deleted)
            pruned.append(run)
            each(run)
        }
        return pruned
    }
}
