import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime
import GPLRSupport
import Logging

extension WorkerService {
    /// Runs one held job to its end: result stored and acknowledged, or the failure recorded (retried or
    /// dead-lettered). Never throws: a failing job must not take the worker down.
    func process(_ job: LeasedJob) async {
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.kind"] = "\(job.kind)"
        logger[metadataKey: "run.id"] = "\(job.runID)"
        logger[metadataKey: "job.deliveries"] = "\(job.deliveryCount)"
        logger.debug("job started")
        let started = ContinuousClock.now
        if await runWasCancelled(job, logger: logger) { return }
        WorkerMetrics.started(job)
        do {
            let result = try await execute(job)
            if let delay = configuration.debugJobDelay { try await Task.sleep(for: delay) }
            let stored = try await queue.complete(job, result: result)
            state.countDone()
            WorkerMetrics.finished(job, .succeeded, duplicate: !stored, duration: ContinuousClock.now - started)
            let leaseLost = state.release(job)
            logger.info(
                "job completed",
                metadata: ["job.seconds": "\(seconds(since: started))", "job.stored": "\(stored)",
                           "job.leaseLost": "\(leaseLost)"])
        } catch is CancellationError {
            state.release(job)
            logger.warning("job abandoned at shutdown; it is reclaimed after its lease runs out")
        } catch {
            state.countFailed()
            let (message, retriable) = Self.describe(error)
            do {
                let outcome = try await queue.fail(job, error: message, retriable: retriable)
                WorkerMetrics.finished(
                    job, outcome == .deadLettered ? .deadLettered : .retried, duration: ContinuousClock.now - started)
                logger.warning(
                    "job failed",
                    metadata: ["error": "\(message)", "job.retriable": "\(retriable)",
                               "job.outcome": "\(outcome == .deadLettered ? "dead-lettered" : "will-retry")"])
            } catch let recording {
                WorkerMetrics.finished(job, .unrecorded, duration: ContinuousClock.now - started)
                logger.error(
                    "job failed and the failure could not be recorded; it is reclaimed after its lease",
                    metadata: ["error": "\(message)", "redis.error": "\(recording)"])
            }
            state.release(job)
        }
    }

    /// Whether the job's run is cancelled, in which case the job is dead-lettered (non-retriable, "run
    /// cancelled") without running: `gplr status` shows it as not done, and `gplr retry` or a `--resume` can still
    /// bring it back. When the phase cannot be read the job runs (a cancelled run ignores its results anyway).
    func runWasCancelled(_ job: LeasedJob, logger: Logger) async -> Bool {
        do {
            guard try await runPhases.phase(run: job.runID) == .cancelled else { return false }
        } catch {
            logger.debug("cannot read the run's phase; running the job", metadata: ["error": "\(error)"])
            return false
        }
        do {
            try await queue.fail(job, error: Self.runCancelledReason, retriable: false)
            WorkerMetrics.finished(job, .deadLettered, duration: nil)
            logger.info("job skipped: its run was cancelled")
        } catch {
            logger.warning(
                "job of a cancelled run could not be set aside; it is reclaimed after its lease",
                metadata: ["redis.error": "\(error)"])
        }
        state.release(job)
        return true
    }

    /// The dead-letter reason of a job skipped because its run was cancelled.
    static let runCancelledReason = "run cancelled"

    /// The error text stored with the job, and whether another delivery may succeed.
    static func describe(_ error: any Error) -> (message: String, retriable: Bool) {
        switch error {
        case let error as JobExecutionError: (error.description, error.isRetriable)
        case let error as SnapshotStoreError: (error.description, true)
        default: (ErrorText.describe(error), true)
        }
    }

    /// Decodes the payload by kind, fetches what the job needs and runs it.
    func execute(_ job: LeasedJob) async throws -> Data {
        switch job.kind {
        case .label:
            let payload = try Self.decode(LabelJob.self, from: job.envelope.payload, kind: job.kind,
                                          version: LabelJob.currentVersion)
            let graph = try await snapshots.graph(for: try Self.snapshotHash(payload.snapshot))
            let result = try await labelExecutor.execute(payload, graph: graph)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(result)
        case .affinity:
            let payload = try Self.decode(AffinityJob.self, from: job.envelope.payload, kind: job.kind,
                                          version: AffinityJob.currentVersion)
            let hash = try Self.snapshotHash(payload.snapshot)
            let prototypes = try await prototypes(at: payload.prototypesKey)
            let graph = try await snapshots.graph(for: hash)
            let executor = affinityExecutor
            return Data(try await blocking.run { try executor.execute(payload, graph: graph, prototypes: prototypes) })
        case .personaPropose:
            let payload = try Self.decode(PersonaProposeJob.self, from: job.envelope.payload, kind: job.kind,
                                          version: PersonaProposeJob.currentVersion)
            let graph = try await snapshots.graph(for: try Self.snapshotHash(payload.snapshot))
            return try Self.encode(try await PersonaJobExecutor(clients: labelExecutor).propose(payload, graph: graph))
        case .personaMerge:
            let payload = try Self.decode(PersonaMergeJob.self, from: job.envelope.payload, kind: job.kind,
                                          version: PersonaMergeJob.currentVersion)
            return try Self.encode(try await PersonaJobExecutor(clients: labelExecutor).merge(payload))
        case .itemLabel:
            let payload = try Self.decode(ItemLabelJob.self, from: job.envelope.payload, kind: job.kind,
                                          version: ItemLabelJob.currentVersion)
            let graph = try await snapshots.graph(for: try Self.snapshotHash(payload.snapshot))
            return try Self.encode(
                try await PersonaJobExecutor(clients: labelExecutor).labelItems(payload, graph: graph))
        default:
            throw JobExecutionError(.unsupportedKind, "this worker does not run jobs of kind '\(job.kind)'")
        }
    }

    /// A result as JSON with sorted keys.
    static func encode<Result: Encodable>(_ result: Result) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(result)
    }

    /// The iteration's prototypes of an `affinity` job (a ``PrototypeSet`` as JSON under a key of ours).
    func prototypes(at key: String) async throws -> PrototypeSet {
        guard key.hasPrefix(configuration.keys.prefix + ":") else {
            throw JobExecutionError(
                .invalidPayload, "prototypes key '\(key)' is outside the prefix '\(configuration.keys.prefix)'")
        }
        guard let bytes = try await dataClient.send("GET", RedisArgument(key)).bytes else {
            throw JobExecutionError(.prototypes, "prototypes key '\(key)' does not exist", retriable: true)
        }
        do {
            return try JSONDecoder().decode(PrototypeSet.self, from: Data(bytes))
        } catch {
            throw JobExecutionError(.prototypes, "prototypes under '\(key)' are not a valid prototype set JSON",
                                    underlying: error)
        }
    }

    /// Decodes a payload after checking its `version` field, so a newer format is named as such rather than
    /// failing on a missing field.
    static func decode<Payload: Decodable>(_ type: Payload.Type, from data: Data, kind: JobKind, version: Int)
        throws -> Payload
    {
        let decoder = JSONDecoder()
        let header: PayloadHeader
        do {
            header = try decoder.decode(PayloadHeader.self, from: data)
        } catch {
            throw JobExecutionError(.invalidPayload, "the \(kind) payload is not a JSON object", underlying: error)
        }
        if let found = header.version, found != version {
            throw JobExecutionError(
                .unsupportedVersion, "\(kind) job version \(found) (this build understands \(version))")
        }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw JobExecutionError(.invalidPayload, "the \(kind) payload does not decode", underlying: error)
        }
    }

    static func snapshotHash(_ text: String) throws -> ContentHash {
        guard let hash = ContentHash(hex: text) else {
            throw JobExecutionError(.invalidPayload, "snapshot '\(text.prefix(80))' is not a 64-digit hex content hash")
        }
        return hash
    }

    private func seconds(since start: ContinuousClock.Instant) -> String {
        String(format: "%.3f", (ContinuousClock.now - start).inSeconds)
    }
}

/// The `version` field every job payload starts with.
private struct PayloadHeader: Decodable {
    var version: Int?
}
