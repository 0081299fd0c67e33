public import GPLRRedis

extension RedisKeys {
    /// The stream of jobs of one kind, for all runs (consumer group ``JobQueueConfiguration/group``).
    public func jobStream(_ kind: JobKind) -> String { "\(prefix):{queue}:stream:\(kind.rawValue)" }
    /// Paused job kinds: hash kind → when it was paused (milliseconds since 1970). Workers take no job of a kind
    /// listed here (``JobQueue/pause(kind:)``).
    public var pausedQueues: String { "\(prefix):{queue}:paused" }
}
