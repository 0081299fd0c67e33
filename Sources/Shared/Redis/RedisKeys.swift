/// The Redis key layout of gplr, under one configurable prefix (default `gplr`).
///
/// Ready for Redis Cluster (the client talks to one server): every key of one run carries the hash tag `{run:<id>}` so
/// a run's keys share one slot and one Lua script may touch several of them; all job streams share the tag `{queue}` so
/// a worker can `XREADGROUP` several kinds in one call; snapshot chunks share `{snap:<hash>}`. No script touches keys
/// of two different tags. The full table is in docs/protocol.md.
public struct RedisKeys: Sendable, Hashable {
    /// The prefix of every key (no trailing colon).
    public let prefix: String

    public init(prefix: String = "gplr") {
        self.prefix = prefix
    }

    // MARK: Global keys

    // `jobStream(_:)`, the stream of one job kind, is in GPLRRuntime (`RedisKeys+JobStream.swift`), beside `JobKind`.
    /// Dead letters whose envelope named no run (undecodable stream entries).
    public var unroutableDeadLetters: String { "\(prefix):{queue}:dead" }
    /// Registry of known runs (set of run ids).
    public var runs: String { "\(prefix):runs" }
    /// Worker heartbeats: hash worker id → `WorkerHeartbeat` JSON, written by every `gplr-worker`.
    public var workers: String { "\(prefix):workers" }
    /// Metadata of a published snapshot (size, chunk count, section checksums).
    public func snapshotMeta(hash: String) -> String { "\(prefix):{snap:\(hash)}:meta" }
    /// Chunk `index` of a published snapshot.
    public func snapshotChunk(hash: String, index: Int) -> String { "\(prefix):{snap:\(hash)}:chunk:\(index)" }
    /// A cached LLM response, keyed by the hash of its request.
    public func llmCache(requestHash: String) -> String { "\(prefix):llmcache:\(requestHash)" }
    /// A shared rate-limit bucket (requests or tokens per minute) of one LLM endpoint.
    public func rateLimit(_ name: String) -> String { "\(prefix):ratelimit:\(name)" }

    // MARK: Per-run keys

    /// The keys of one run; they all share the hash tag `{run:<id>}`.
    public func run(_ runID: String) -> RunKeys { RunKeys(base: "\(prefix):{run:\(runID)}") }

    /// The keys of one run.
    public struct RunKeys: Sendable, Hashable {
        /// `<prefix>:{run:<id>}`, the common beginning.
        public let base: String
        /// Set of every job id enqueued for the run.
        public var jobs: String { base + ":jobs" }
        /// Hash job id → result bytes (first result wins).
        public var results: String { base + ":results" }
        /// Hash job id → last error text.
        public var errors: String { base + ":errors" }
        /// Hash job id → dead-letter record (JSON).
        public var deadLetters: String { base + ":dead" }
        /// Hash job id → its newest attempts (JSON list: worker, delivery, start, end, outcome), written by the
        /// queue's scripts (``JobQueue/attempts(run:jobID:)`` in GPLRRuntime).
        public var attempts: String { base + ":attempts" }
        /// Hash of counters: `failures`, `deadLettered`, `retried`, `duplicates`.
        public var counters: String { base + ":counters" }
        /// The coordinator's run state (owned by the coordinator).
        public var state: String { base + ":state" }
        /// The coordinator lease: the token of the one coordinator driving the run, with a TTL it keeps renewing
        /// (``CoordinatorLease``). Absent: nobody drives the run.
        public var coordinator: String { base + ":coordinator" }
        /// Stream of the run's finished jobs (`job`, `event` = `done` | `dead`), appended by the scripts that
        /// store a result or a dead letter: what a coordinator waits on instead of polling.
        public var completions: String { base + ":done" }
        /// List of the run's progress samples (JSON, oldest first), capped by `LTRIM`: what the dashboard's
        /// history charts draw (``RunSeriesStore`` in GPLRRuntime owns it).
        public var series: String { base + ":series" }
        /// The finished run's assignment summary (JSON: top-affinity histogram, persona co-occurrence), written by
        /// the coordinator when it assigns, apart from the run record (``RunSummaryStore`` in GPLRRuntime).
        public var summary: String { base + ":summary" }
        /// A side input of the run's jobs: bytes too large or too shared for a payload (an iteration's
        /// prototypes), written by the coordinator, read by workers (``JobQueue/storeSideInput(_:run:name:)``).
        public func sideInput(_ name: String) -> String { base + ":input:" + name }
    }
}
