/// A job delivered to one consumer: it holds the lease until it completes, fails or the lease runs out.
public struct LeasedJob: Sendable, Hashable {
    public let envelope: JobEnvelope
    /// The stream entry id (what XACK/XCLAIM use).
    public let entryID: String
    /// The consumer (worker) that holds the lease.
    public let consumer: String
    /// How many times the entry has been delivered, this delivery included (1 on first delivery).
    public let deliveryCount: Int
    /// When this delivery was handed out (milliseconds since 1970): the start of its attempt.
    public var deliveredAt: Int64 = 0

    public var id: String { envelope.id }
    public var runID: String { envelope.runID }
    public var kind: JobKind { envelope.kind }
}
