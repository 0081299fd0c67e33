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
        let cutoff = RunRecord.now() - (olderThan?.duration.milliseconds ?? 0)
        let json = json
        let pruner = FinishedRunPruner(client: client, keys: redis.keys)
        let pruned = try await pruner.prune(updatedAtOrBefore: cutoff) { run in
            if json { return }
            print("pruned \(run.id) (\(run.phase)): \(run.keys) key\(run.keys == 1 ? "" : "s")")
        }
        let result = PruneResult(runs: pruned.map { .init(id: $0.id, phase: $0.phase, keys: $0.keys) })
        let keys = result.keys
        await client.close()
        if json { return try JSONOutput.print(result) }
        print("pruned \(pruned.count) run\(pruned.count == 1 ? "" : "s"), \(keys) key\(keys == 1 ? "" : "s")")
    }
}
