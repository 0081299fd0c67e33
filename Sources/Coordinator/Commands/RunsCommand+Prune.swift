import Foundation
import GPLRRuntime
import GPLRSupport

extension RunsCommand {
    /// What `gplr runs --prune --json` prints.
    struct PruneResult: Encodable {
        struct Run: Encodable {
            var id: String
            /// `done`, `failed`, `cancelled`, or `expired` (the record was gone).
            var phase: String
            var keys: Int
        }
        var runs: [Run] = []
        var keys: Int { runs.reduce(0) { $0 + $1.keys } }

        enum CodingKeys: String, CodingKey { case runs, keys }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(runs, forKey: .runs)
            try container.encode(keys, forKey: .keys)
        }
    }

    /// `gplr runs --prune [--older-than D]`: deletes the keys of finished runs, one line per run (with `--json`, one
    /// document).
    func pruneRuns() async throws {
        let client = try redis.client()
        let store = RunRecordStore(client: client, keys: redis.keys)
        let retention = RunDataRetention(client: client, keys: redis.keys)
        let cutoff = RunRecord.now() - (olderThan?.duration.milliseconds ?? 0)
        var pruned = 0, keys = 0
        var result = PruneResult()
        for id in try await store.runIDs() {
            let record = try? await store.loadWithoutCheckpoint(run: id)
            if let record {
                guard RunDataRetention.finishedPhases.contains(record.phase) else { continue }
                guard record.updatedAt <= cutoff else { continue }
            }
            guard let deleted = try await retention.prune(run: id) else { continue }
            pruned += 1
            keys += deleted
            result.runs.append(.init(id: id, phase: record?.phase.rawValue ?? "expired", keys: deleted))
            if json { continue }
            print("pruned \(id) (\(record?.phase.rawValue ?? "expired")): \(deleted) key\(deleted == 1 ? "" : "s")")
        }
        await client.close()
        if json { return try JSONOutput.print(result) }
        print("pruned \(pruned) run\(pruned == 1 ? "" : "s"), \(keys) key\(keys == 1 ? "" : "s")")
    }
}
