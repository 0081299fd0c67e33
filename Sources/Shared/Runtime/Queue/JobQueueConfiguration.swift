/// Tuning of a ``JobQueue``.
public struct JobQueueConfiguration: Sendable, Hashable {
    /// The consumer group every worker joins.
    public var group: String
    /// How long a delivered job stays with its worker without a lease extension before another worker may
    /// reclaim it (`XAUTOCLAIM` min-idle-time).
    public var leaseDuration: Duration
    /// Deliveries after which a failing (or repeatedly abandoned) job is dead-lettered.
    public var maxAttempts: Int
    /// After a retriable ``JobQueue/fail(_:error:retriable:)``, how long until the job may be reclaimed
    /// (instead of a full lease).
    public var retryDelay: Duration

    public init(
        group: String = "workers", leaseDuration: Duration = .seconds(60), maxAttempts: Int = 5,
        retryDelay: Duration = .seconds(1)
    ) {
        self.group = group
        self.leaseDuration = leaseDuration
        self.maxAttempts = max(1, maxAttempts)
        self.retryDelay = retryDelay
    }
}
