import Foundation
import GPLRRuntime
import GPLRSupport

extension RunsCommand {
    /// `gplr runs --prune [--older-than D]`: deletes the keys of finished runs, one line per run.
    func pruneRuns() async throws {
        let client = try redis.client()
        let store = RunRecordStore(client: client, keys: redis.keys)
        let retention = RunDataRetention(client: client, keys: redis.keys)
        let cutoff = RunRecord.now() - (olderThan?.duration.milliseconds ?? 0)
        var pruned = 0, keys = 0
        for id in try await store.runIDs() {
            let record = try? await store.loadWithoutCheckpoint(run: id)
            if let record {
                guard RunDataRetention.finishedPhases.contains(record.phase) else { continue }
                guard record.updatedAt <= cutoff else { continue }
            }
            guard let deleted = try await retention.prune(run: id) else { continue }
            pruned += 1
            keys += deleted
            print("pruned \(id) (\(record?.phase.rawValue ?? "expired")): \(deleted) key\(deleted == 1 ? "" : "s")")
        }
        print("pruned \(pruned) run\(pruned == 1 ? "" : "s"), \(keys) key\(keys == 1 ? "" : "s")")
        await client.close()
    }
}
