import Foundation
import GPLRRuntime
import GPLRSupport

extension RunsCommand {
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
        let result = FinishedRunPruner.Report(pruned)
        let keys = result.keys
        await client.close()
        if json { return try JSONOutput.print(result) }
        print("pruned \(pruned.count) run\(pruned.count == 1 ? "" : "s"), \(keys) key\(keys == 1 ? "" : "s")")
    }
}
