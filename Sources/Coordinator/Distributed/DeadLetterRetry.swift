import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime

/// Puts chosen dead-lettered jobs of a run back on their queues: what `gplr retry` and the dashboard's
/// `POST /api/runs/{id}/retry` both do.
struct DeadLetterRetry: Sendable {
    /// Which dead letters to put back.
    enum Selection: Sendable, Equatable {
        /// Every dead letter of the run (`--failed`).
        case all
        /// The dead-lettered `affinity` jobs whose persona shard contains this persona (`--persona`).
        case persona(String)
        /// These jobs (`--job`, repeatable).
        case jobs([String])
    }

    /// What a retry did.
    struct Outcome: Sendable {
        /// The dead letters chosen, each with its last error.
        var chosen: [DeadLetter]
        /// Asked-for job ids that are not dead-lettered (``Selection/jobs(_:)`` only).
        var notDeadLettered: [String]
        /// Jobs actually put back (fewer than `chosen` when another retry took some in between).
        var retried: Int
    }

    let queue: JobQueue
    let records: RunRecordStore

    init(client: RedisClient, keys: RedisKeys) {
        queue = JobQueue(client: client, keys: keys)
        records = RunRecordStore(client: client, keys: keys)
    }

    /// Chooses the dead letters of `runID` that `selection` names and puts them back.
    ///
    /// - Throws: ``RunRecordError/Code/notFound`` for ``Selection/persona(_:)`` on a run without a record, and
    ///   ``DistributedRunError/Code/invalidInput`` when the run has no such persona.
    func retry(run runID: String, _ selection: Selection) async throws -> Outcome {
        let letters = try await queue.deadLetters(run: runID)
        var outcome = Outcome(chosen: [], notDeadLettered: [], retried: 0)
        switch selection {
        case .all:
            outcome.chosen = letters
        case .persona(let persona):
            let record = try await records.require(run: runID)
            guard let index = try PersonaSet(record.personas).index(ofName: persona) else {
                throw DistributedRunError(.invalidInput, "has no persona called '\(persona)'", run: runID)
            }
            outcome.chosen = letters.filter { letter in
                guard letter.kind == AffinityJobDefinition.kind, let envelope = letter.envelope,
                    let job = try? AffinityJobDefinition.decodePayload(envelope.payload)
                else { return false }
                return job.personas.contains(index)
            }
        case .jobs(let ids):
            let known = Set(letters.map(\.jobID))
            outcome.notDeadLettered = ids.filter { !known.contains($0) }
            let wanted = Set(ids)
            outcome.chosen = letters.filter { wanted.contains($0.jobID) }
        }
        if !outcome.chosen.isEmpty {
            outcome.retried = try await queue.retry(run: runID, jobIDs: outcome.chosen.map(\.jobID))
        }
        return outcome
    }
}
