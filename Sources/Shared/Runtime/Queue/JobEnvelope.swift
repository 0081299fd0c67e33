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
        try JobCoding.encode(self)
    }

    /// Decodes an envelope, refusing versions other than ``currentVersion`` with a clear reason. The queue decodes
    /// every job it hands out, so the common case is cheap: the form ``encoded()`` writes is read directly
    /// (``decodeCanonical(_:)``), anything else by one JSON decode; the version alone is read only when the whole
    /// envelope does not decode, to say whether it is another version or malformed.
    static func decode(_ data: Data) throws(JobQueueError) -> JobEnvelope {
        if let envelope = decodeCanonical(data) {
            guard envelope.version == currentVersion else { throw unsupported(envelope.version) }
            return envelope
        }
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(JobEnvelope.self, from: data) {
            guard envelope.version == currentVersion else { throw unsupported(envelope.version) }
            return envelope
        }
        struct Header: Decodable { var version: Int }
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw JobQueueError(code: .malformedEnvelope, message: "envelope is not JSON with a version: \(error)")
        }
        guard header.version == currentVersion else { throw unsupported(header.version) }
        do {
            return try decoder.decode(JobEnvelope.self, from: data)
        } catch {
            throw JobQueueError(
                code: .malformedEnvelope, message: "malformed version-\(currentVersion) envelope: \(error)")
        }
    }

    private static func unsupported(_ version: Int) -> JobQueueError {
        JobQueueError(
            code: .unsupportedVersion,
            message: "unsupported envelope version \(version) (this build understands \(currentVersion))")
    }
}
