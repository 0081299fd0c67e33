import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime
import Synchronization

/// The last checkpoint the coordinator produced, whether or not Redis still holds it: what a run that Redis lost is
/// rebuilt from.
final class RunMemory: Sendable {
    private let checkpoint: Mutex<RunCheckpoint?>

    init(_ checkpoint: RunCheckpoint?) {
        self.checkpoint = Mutex(checkpoint)
    }

    /// The last finished iteration's state (`nil` before the first).
    var latest: RunCheckpoint? { checkpoint.withLock { $0 } }

    func remember(_ checkpoint: RunCheckpoint) {
        self.checkpoint.withLock { $0 = checkpoint }
    }
}

extension DistributedRun {
    /// Rebuilds a run that Redis lost (it came back empty: record, queue, results, snapshot and lease gone) from
    /// what this coordinator holds: the snapshot is published again (encoded from the graph in memory, checked
    /// against the run's hash), the record is created again with the last checkpoint, and the lease is taken again.
    /// The caller then drives the run on from that checkpoint, as `--resume` would: the iteration in progress is
    /// planned again with the same job ids, and its jobs are enqueued again.
    ///
    /// - Returns: the new lease.
    /// - Throws: ``DistributedRunError/Code/lost`` naming the command to run when the run cannot be rebuilt: its
    ///   LLM spending ledger (`--llm-max-cost`) was lost with it, the snapshot does not encode to the run's hash,
    ///   or Redis lost the run more than ``maxRebuilds`` times.
    func rebuild(
        _ record: RunRecord, checkpoint: RunCheckpoint?, graph: PurchaseGraph, loss: RunRecordError, rebuilds: Int
    ) async throws -> CoordinatorLease {
        let runID = record.id
        if rebuilds > maxRebuilds {
            throw cannotRebuild(record, loss, "it was lost \(rebuilds) times (is Redis losing its data over and over?)")
        }
        if case .llm(let spec) = record.labeler, spec.maxCostUSD != nil {
            // The workers count what they spend in the run's ledger in Redis; the spending before the loss is not
            // known here, so a rebuilt run could spend past the cap.
            throw cannotRebuild(
                record, loss, "its LLM spending ledger (--llm-max-cost) went with it, so the cap cannot be kept")
        }
        let (bytes, hash) = try Snapshot.encode(graph)
        guard hash.hex == record.snapshotHash else {
            throw cannotRebuild(
                record, loss,
                "the graph in memory encodes to snapshot \(hash.hex.prefix(16)), the run used "
                    + "\(record.snapshotHash.prefix(16))")
        }
        try await SnapshotStore(client: client, keys: keys).publish(bytes, hash: hash)
        // Ids an enqueue in flight across the loss registered without their entries: enqueued again below.
        try await JobQueue(client: client, keys: keys).forgetJobsWithoutResults(run: runID)
        var rebuilt = record
        rebuilt.phase = .created
        rebuilt.checkpoint = checkpoint
        rebuilt.progress = checkpoint.map { RunProgress($0) }
        rebuilt.completedIterations = checkpoint?.completedIterations ?? 0
        rebuilt.iteration = rebuilt.completedIterations
        rebuilt.step = "sampling"
        rebuilt.report = nil
        rebuilt.error = nil
        rebuilt.updatedAt = RunRecord.now()
        try await records.create(rebuilt)
        let lease = CoordinatorLease(client: client, keys: keys, run: runID, milliseconds: leaseMilliseconds)
        try await lease.acquire(keys: keys)
        let next = rebuilt.completedIterations + 1
        let rebuiltMessage =
            "run \(runID): \(loss.message); rebuilt it from this coordinator's checkpoint after iteration "
            + "\(rebuilt.completedIterations): snapshot published and record created again, the jobs of iteration "
            + "\(next) are enqueued again"
        logger.warning("\(rebuiltMessage)")
        return lease
    }

    /// The error of a lost run that is not rebuilt: why, and the command that starts it again.
    private func cannotRebuild(_ record: RunRecord, _ loss: RunRecordError, _ reason: String) -> DistributedRunError {
        let command =
            restartCommand.map { "start it again with `\($0)`" }
            ?? "start it again with the `gplr run` command that started it (without --resume; the run id "
            + "\(record.id) is free again)"
        return DistributedRunError(
            .lost, "\(loss.message), and it cannot be rebuilt: \(reason); \(command)", run: record.id)
    }

    /// `arguments` as one shell command line: each argument single-quoted unless it is made of safe characters
    /// only, and the password of a `redis://user:password@` URL replaced by `$GPLR_REDIS_PASSWORD` (a command line
    /// printed in a log must not carry it).
    static func shellCommand(_ arguments: [String]) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@%+")
        return arguments.map { argument -> String in
            if var url = URLComponents(string: argument), url.scheme == "redis" || url.scheme == "rediss",
                url.password != nil
            {
                url.percentEncodedPassword = "$GPLR_REDIS_PASSWORD"
                return "\"" + (url.string ?? argument) + "\""
            }
            if !argument.isEmpty, argument.allSatisfy(safe.contains) { return argument }
            return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
