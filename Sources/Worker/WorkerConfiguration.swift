import GPLRLLM
import GPLRRedis
import GPLRRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Everything a ``WorkerService`` needs to know, parsed and checked by ``WorkerCommand``.
struct WorkerConfiguration: Sendable {
    var endpoint: RedisEndpoint
    var keys: RedisKeys
    var kinds: [JobKind]
    /// Jobs run at once.
    var concurrency: Int
    /// Where snapshots are cached on disk.
    var cacheDirectory: String
    var leaseDuration: Duration
    var maxAttempts: Int
    /// The worker's id: its consumer name and its field in the `workers` hash.
    var workerID: String
    var heartbeatInterval: Duration = .seconds(2)
    /// How long one blocking `XREADGROUP` waits (also the longest delay before a stop request is noticed).
    var blockTime: Duration = .seconds(1)
    /// Consumers idle this long with no pending job, and heartbeat records this old, are removed by any worker
    /// (`--prune-after-seconds`): what workers that died or were scaled away leave behind.
    var pruneAfter: Duration = .seconds(600)
    /// Testing only: a pause inside every job before it completes (`--debug-job-delay-ms`).
    var debugJobDelay: Duration?
    /// Testing only: inside every job, after ``debugJobDelay``, wait until this file exists before completing it
    /// (`--debug-job-hold-file`), so that a test can act while a job is surely in flight, however slow its machine.
    var debugJobHoldFile: String?
    /// The key `llm` label jobs use (`OPENAI_API_KEY` or `--llm-key-file`); `nil` fails those jobs.
    var llmAPIKey: LLMAPIKey?
    /// Extra headers on `llm` jobs' requests (`--llm-header`, `--llm-header-file`); secrets like the key.
    var llmHeaders: [LLMHeader] = []

    /// How often leases of held jobs are extended: a third of the lease.
    var leaseExtensionInterval: Duration { leaseDuration / 3 }

    /// How often expired leases are reclaimed: half the lease, at most every 5 s so a job that failed
    /// retriably is picked up again soon after its retry delay.
    var reclaimInterval: Duration { min(leaseDuration / 2, .seconds(5)) }

    /// How often a worker looks for what dead workers left behind: every minute, or sooner for a short
    /// ``pruneAfter``.
    var pruneInterval: Duration { max(.seconds(1), min(.seconds(60), pruneAfter / 2)) }

    /// The queue configuration every worker of a cluster must share (the lease is the reclaim threshold).
    var queueConfiguration: JobQueueConfiguration {
        JobQueueConfiguration(leaseDuration: leaseDuration, maxAttempts: maxAttempts)
    }

    /// `host:pid:random`, the consumer naming of docs/protocol.md.
    static func defaultWorkerID() -> String {
        "\(hostName()):\(getpid()):\(String(UInt32.random(in: 0 ... .max), radix: 16))"
    }

    /// The host name from `gethostname` (no DNS lookup).
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
