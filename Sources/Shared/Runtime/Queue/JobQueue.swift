import Foundation
public import GPLRRedis
import Synchronization

/// At-least-once job queue on Redis Streams with leases (DESIGN §6).
///
/// One stream per job kind holds the jobs of every run (`<prefix>:{queue}:stream:<kind>`, run id in each
/// entry), read by one consumer group: a worker pulls jobs of any run with `XREADGROUP`. A delivered job is
/// leased to its consumer; the lease is the entry's idle time in the pending list. ``extendLease(_:)``
/// resets it; ``reclaimExpired(consumer:kinds:count:)`` steals entries idle longer than the lease
/// (`XAUTOCLAIM`), so a job of a dead worker runs again. ``complete(_:result:)`` stores the result keyed by job
/// id (first result wins), then acknowledges and deletes the entry. After
/// ``JobQueueConfiguration/maxAttempts`` deliveries a job goes to its run's dead letters with its last
/// error; ``retry(run:jobIDs:)`` puts dead letters back. See docs/protocol.md for keys and life cycle.
///
/// The queue is the one owner of the protocol's keys (streams, run job sets, results, errors, dead letters,
/// counters, side inputs): nothing else sends commands to them.
public final class JobQueue: Sendable {
    let client: RedisClient
    /// Only the blocking `XREAD` of ``waitForCompletions(run:after:timeout:)`` (it holds its connection for the
    /// wait; connects on first use).
    let completionReader: RedisClient
    public let keys: RedisKeys
    public let configuration: JobQueueConfiguration
    /// Kinds whose consumer group is known to exist.
    private let preparedKinds = Mutex<Set<JobKind>>([])
    /// The pause flags the last ``dequeue(consumer:kinds:count:block:)`` saw.
    let pauseSnapshot = Mutex(PauseSnapshot())

    public init(client: RedisClient, keys: RedisKeys = RedisKeys(), configuration: JobQueueConfiguration = .init()) {
        self.client = client
        completionReader = RedisClient(endpoint: client.endpoint, options: client.options)
        self.keys = keys
        self.configuration = configuration
    }

    /// Creates the stream and consumer group of each kind if missing (idempotent; also done lazily).
    public func prepare(kinds: [JobKind]) async throws {
        for kind in kinds {
            do {
                try await client.send(
                    "XGROUP", "CREATE", RedisArgument(keys.jobStream(kind)),
                    RedisArgument(configuration.group), "0", "MKSTREAM")
            } catch let error as RedisError where error.serverErrorPrefix == "BUSYGROUP" {
                // Exists already.
            }
            _ = preparedKinds.withLock { $0.insert(kind) }
        }
    }

    func prepareIfNeeded(_ kinds: [JobKind]) async throws {
        let missing = preparedKinds.withLock { prepared in kinds.filter { !prepared.contains($0) } }
        if !missing.isEmpty { try await prepare(kinds: Array(Set(missing))) }
    }

    /// Forgets which groups exist (after `NOGROUP`, e.g. the server lost its data).
    func forgetPrepared() {
        preparedKinds.withLock { $0.removeAll() }
    }

    /// Enqueues jobs. Jobs whose id is already known in their run are skipped (re-enqueueing after a
    /// coordinator restart is harmless; use ``retry(run:jobIDs:)`` to run a dead letter again).
    ///
    /// - Returns: the number of jobs added.
    @discardableResult
    public func enqueue(_ jobs: [JobEnvelope]) async throws -> Int {
        for job in jobs {
            guard !job.id.isEmpty, !job.runID.isEmpty else {
                throw JobQueueError(code: .invalidJob, message: "job id and run id must not be empty", jobID: job.id)
            }
            // A batch completion announces ids joined by newlines (``JobQueueScripts/storeResults``).
            guard !job.id.contains(where: \.isNewline) else {
                throw JobQueueError(code: .invalidJob, message: "a job id must not contain a line break", jobID: job.id)
            }
        }
        guard !jobs.isEmpty else { return 0 }
        // Drop ids already registered in their run (and duplicates within this batch).
        var fresh: [JobEnvelope] = []
        let byRun = Dictionary(grouping: jobs, by: \.runID)
        for (runID, runJobs) in byRun.sorted(by: { $0.key < $1.key }) {
            let ids = runJobs.map { RedisArgument($0.id) }
            let known = try await client.send(["SMISMEMBER", RedisArgument(keys.run(runID).jobs)] + ids).array ?? []
            var seen: Set<String> = []
            for (job, flag) in zip(runJobs, known) where flag.int == 0 && seen.insert(job.id).inserted {
                fresh.append(job)
            }
        }
        guard !fresh.isEmpty else { return 0 }
        try await prepareIfNeeded(fresh.map(\.kind))
        // Stream first, registry second: a crash in between re-adds the job on the next enqueue (a harmless
        // duplicate), never loses it.
        let adds = try fresh.map { job in
            try streamEntryCommand(
                id: job.id, runID: job.runID, kind: job.kind, version: job.version,
                rawEnvelope: job.encoded())
        }
        for reply in try await client.pipeline(adds) { _ = try reply.throwingServerError(context: "XADD") }
        var registry: [[RedisArgument]] = []
        for (runID, runJobs) in Dictionary(grouping: fresh, by: \.runID) {
            registry.append(["SADD", RedisArgument(keys.runs), RedisArgument(runID)])
            registry.append(["SADD", RedisArgument(keys.run(runID).jobs)] + runJobs.map { RedisArgument($0.id) })
        }
        for reply in try await client.pipeline(registry) { _ = try reply.throwingServerError(context: "SADD") }
        return fresh.count
    }

    /// Registers job ids in their run's job set (and the run in the run set) without enqueuing anything: for
    /// jobs whose stored result a coordinator reuses. A coordinator killed between `enqueue`'s `XADD` and its
    /// `SADD` leaves a job that runs and stores a result although its id was never registered; registering it
    /// on reuse keeps "every job with a result is in the run's job set", which status counts rely on.
    public func register(run runID: String, jobIDs: some Collection<String>) async throws {
        guard !jobIDs.isEmpty else { return }
        let replies = try await client.pipeline([
            ["SADD", RedisArgument(keys.runs), RedisArgument(runID)],
            ["SADD", RedisArgument(keys.run(runID).jobs)] + jobIDs.map { RedisArgument($0) },
        ])
        for reply in replies { _ = try reply.throwingServerError(context: "SADD") }
    }

    /// The `XADD` of one job: fields `job`, `run`, `v` and `env` (the envelope JSON).
    func streamEntryCommand(id: String, runID: String, kind: JobKind, version: Int, rawEnvelope: Data)
        -> [RedisArgument]
    {
        [
            "XADD", RedisArgument(keys.jobStream(kind)), "*",
            "job", RedisArgument(id), "run", RedisArgument(runID), "v", RedisArgument(version),
            "env", RedisArgument(rawEnvelope),
        ]
    }
}
