import Crypto
public import Foundation
import GPLRCore

/// One job kind, defined in one place: its name, payload and result types, payload version, retry policy, how
/// a worker runs it, and (inherited) how its ids are built and its payload and result cross the queue.
///
/// Adding a kind is one new file with a type conforming to this protocol and one line in ``JobRegistry``
/// (docs/architecture.md, "Adding a job kind"). The coordinator builds envelopes with ``envelope(_:run:step:)``
/// and reads results with ``decodeResult(_:)``; the worker dispatches through ``JobRegistry`` and never
/// switches on the kind.
public protocol JobDefinition: Sendable {
    /// What the coordinator sends; JSON with a `version` field.
    associatedtype Payload: Codable & Sendable
    /// What the worker answers.
    associatedtype Output: Sendable

    /// The kind's name: its stream, the prefix of its job ids, what `gplr-worker --kinds` lists.
    static var kind: JobKind { get }
    /// The payload format this build writes and understands; a worker refuses (dead-letters) another.
    static var payloadVersion: Int { get }
    /// How failures of this kind are retried.
    static var retryPolicy: JobRetryPolicy { get }

    /// Runs one job on a worker.
    static func execute(_ payload: Payload, in context: any JobExecutionContext) async throws -> Output
    /// The result bytes stored under the job id.
    static func encodeResult(_ output: Output) throws -> Data
    /// A stored result, back to ``Output``.
    static func decodeResult(_ data: Data) throws -> Output
}

extension JobDefinition {
    public static var retryPolicy: JobRetryPolicy { .standard }

    /// The job id of `payload` in a step of a run: `<kind>-<step>-<h>`, `h` the first 16 hex digits of SHA-256
    /// over the payload's canonical JSON (sorted keys). Ids depend only on what the job computes, so a resumed
    /// coordinator that plans the same step again gets the same ids, finds the results of the jobs that ran and
    /// enqueues nothing twice; a changed payload (other users, prototypes, version, model) never reuses an old
    /// result. `step` names where in the run the job belongs (e.g. `t3` for iteration 3) and keeps ids readable.
    public static func jobID(_ payload: Payload, step: String) throws -> String {
        JobID.make(kind: kind, step: step, content: try JobCoding.encode(payload))
    }

    /// The envelope of `payload` for run `runID`, with the id of ``jobID(_:step:)``.
    public static func envelope(_ payload: Payload, run runID: String, step: String) throws -> JobEnvelope {
        let bytes = try JobCoding.encode(payload)
        return JobEnvelope(
            id: JobID.make(kind: kind, step: step, content: bytes), runID: runID, kind: kind, payload: bytes)
    }

    /// Decodes a payload after checking its `version` field, so a newer format is named as such rather than
    /// failing on a missing field.
    public static func decodePayload(_ data: Data) throws(JobExecutionError) -> Payload {
        let header: PayloadHeader
        do {
            header = try JSONDecoder().decode(PayloadHeader.self, from: data)
        } catch {
            throw JobExecutionError(.invalidPayload, "the \(kind) payload is not a JSON object", underlying: error)
        }
        if let found = header.version, found != payloadVersion {
            throw JobExecutionError(
                .unsupportedVersion, "\(kind) job version \(found) (this build understands \(payloadVersion))")
        }
        do {
            return try JSONDecoder().decode(Payload.self, from: data)
        } catch {
            throw JobExecutionError(.invalidPayload, "the \(kind) payload does not decode", underlying: error)
        }
    }

    /// Decodes, runs and encodes one job: what a worker does with a payload of this kind.
    public static func run(payload data: Data, in context: any JobExecutionContext) async throws -> Data {
        try encodeResult(try await execute(try decodePayload(data), in: context))
    }
}

extension JobDefinition where Output: Codable {
    public static func encodeResult(_ output: Output) throws -> Data { try JobCoding.encode(output) }

    public static func decodeResult(_ data: Data) throws -> Output { try JSONDecoder().decode(Output.self, from: data) }
}

/// The JSON of payloads and results: sorted keys, so equal values give equal bytes (and equal job ids).
public enum JobCoding {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }
}

/// Job ids: `<kind>-<step>-<h>` (``JobDefinition/jobID(_:step:)``). Every id starts with its kind, which is how
/// status reads name the kind of a job id (``JobRegistry/kind(ofJobID:)``).
public enum JobID {
    public static func make(kind: JobKind, step: String, content: Data) -> String {
        "\(kind.rawValue)-\(step)-\(shortHash(Array(content)))"
    }

    /// The first 16 lowercase hex digits of SHA-256 over `bytes`.
    public static func shortHash(_ bytes: [UInt8]) -> String {
        ContentHash.hex(Array(SHA256.hash(data: bytes).prefix(8)))
    }
}

/// The `version` field every job payload starts with.
private struct PayloadHeader: Decodable {
    var version: Int?
}
