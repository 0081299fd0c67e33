public import GPLRRedis

extension RedisKeys {
    /// The stream of jobs of one kind, for all runs (consumer group ``JobQueueConfiguration/group``).
    public func jobStream(_ kind: JobKind) -> String { "\(prefix):{queue}:stream:\(kind.rawValue)" }
}
