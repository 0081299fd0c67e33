public import Foundation

/// A job that will not be retried automatically, with why. Stored as JSON in the run's dead-letter hash.
public struct DeadLetter: Codable, Sendable, Hashable {
    public var jobID: String
    public var runID: String
    public var kind: JobKind
    /// The last error (or the reason it could not be run at all).
    public var error: String
    /// Deliveries of the last stream entry.
    public var deliveries: Int
    /// The envelope as it was in the stream (may be of a version this build cannot decode).
    public var rawEnvelope: Data
    /// Milliseconds since 1970 when it was dead-lettered.
    public var deadLetteredAt: Int64

    /// The decoded envelope, when this build understands it.
    public var envelope: JobEnvelope? { try? JobEnvelope.decode(rawEnvelope) }
}
