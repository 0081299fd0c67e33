public import Foundation

/// What a running `gplr-worker` publishes about itself every few seconds, in the `workers` hash
/// (``RedisKeys/workers``, field = worker id, value = this record as JSON). `gplr status` lists them; a record
/// whose ``lastSeen`` is old belongs to a worker that died without removing it (see ``isStale(now:after:)``).
public struct WorkerHeartbeat: Codable, Sendable, Equatable {
    /// The worker's id, also its consumer name in the job streams' group.
    public var id: String
    public var host: String
    public var pid: Int32
    /// The job kinds it takes.
    public var kinds: [String]
    /// Jobs it runs at once.
    public var concurrency: Int
    /// Unix seconds when it started.
    public var startedAt: Int64
    /// Unix seconds of this heartbeat.
    public var lastSeen: Int64
    /// Ids of the jobs it holds right now (running, or waiting for a free slot).
    public var currentJobs: [String]
    /// Jobs completed since it started.
    public var done: Int
    /// Failed attempts since it started (retried or dead-lettered).
    public var failed: Int

    public init(
        id: String, host: String, pid: Int32, kinds: [String], concurrency: Int, startedAt: Int64, lastSeen: Int64,
        currentJobs: [String] = [], done: Int = 0, failed: Int = 0
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.kinds = kinds
        self.concurrency = concurrency
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.currentJobs = currentJobs
        self.done = done
        self.failed = failed
    }

    /// Whether no heartbeat came for `after` seconds (default 10, five missed heartbeats).
    public func isStale(now: Date = Date(), after seconds: Int64 = 10) -> Bool {
        Int64(now.timeIntervalSince1970) - lastSeen > seconds
    }

    /// The JSON stored in the hash (keys sorted).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
