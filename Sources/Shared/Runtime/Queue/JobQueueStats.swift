/// Progress of one run's jobs (for `gplr status`).
public struct JobRunStats: Sendable, Hashable {
    /// Distinct jobs ever enqueued for the run.
    public var enqueued: Int
    /// Jobs waiting to be delivered (or waiting for redelivery after a failure whose lease was released).
    public var queued: Int
    /// Jobs delivered and not yet acknowledged (running, or leased by a worker that died).
    public var running: Int
    /// Jobs with a stored result.
    public var completed: Int
    /// Jobs currently in the dead letters.
    public var deadLettered: Int
    /// Retriable failures recorded so far (each failed attempt counts).
    public var failures: Int
    /// Dead letters put back with `retry`.
    public var retried: Int
    /// Results that arrived for a job that already had one (ignored).
    public var duplicateResults: Int

    /// Whether every enqueued job has either a result or a dead letter.
    public var isSettled: Bool { completed + deadLettered >= enqueued }
}

/// The state of one job kind's stream, over all runs.
public struct JobStreamStats: Sendable, Hashable {
    public var kind: JobKind
    /// Entries in the stream (acknowledged entries are deleted, so: queued + pending).
    public var length: Int
    /// Entries delivered and not acknowledged.
    public var pending: Int
    /// Entries not yet delivered to the group (`nil` when Redis cannot tell after deletions).
    public var lag: Int?
    /// Consumers (workers) known to the group.
    public var consumers: Int
}
