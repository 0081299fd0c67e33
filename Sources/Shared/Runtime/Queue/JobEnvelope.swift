public import Foundation

/// A job as it travels through the queue: versioned JSON in the stream entry's `env` field.
///
/// JSON form (version 1): `{"version":1,"id":"…","runID":"…","kind":"label","attempt":0,"payload":"<base64>"}`.
/// The payload is opaque to the queue (the job kind's own encoding, usually JSON). `attempt` counts
/// `retry` generations: 0 when first enqueued, +1 each time a dead letter is put back.
public struct JobEnvelope: Codable, Sendable, Hashable {
    /// The envelope version this code writes and understands.
    public static let currentVersion = 1

    public var version: Int
    /// Unique within the run; results and dead letters are keyed by it.
    public var id: String
    public var runID: String
    public var kind: JobKind
    public var attempt: Int
    public var payload: Data

    public init(
        id: String, runID: String, kind: JobKind, payload: Data, attempt: Int = 0,
        version: Int = JobEnvelope.currentVersion
    ) {
        self.version = version
        self.id = id
        self.runID = runID
        self.kind = kind
        self.attempt = attempt
        self.payload = payload
    }

    /// The JSON bytes stored in the stream.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Decodes an envelope, refusing versions other than ``currentVersion`` with a clear reason.
    static func decode(_ data: Data) throws(JobQueueError) -> JobEnvelope {
        struct Header: Decodable { var version: Int }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw JobQueueError(code: .malformedEnvelope, message: "envelope is not JSON with a version: \(error)")
        }
        guard header.version == currentVersion else {
            throw JobQueueError(
                code: .unsupportedVersion,
                message: "unsupported envelope version \(header.version) (this build understands \(currentVersion))")
        }
        do {
            return try JSONDecoder().decode(JobEnvelope.self, from: data)
        } catch {
            throw JobQueueError(
                code: .malformedEnvelope, message: "malformed version-\(currentVersion) envelope: \(error)")
        }
    }
}
