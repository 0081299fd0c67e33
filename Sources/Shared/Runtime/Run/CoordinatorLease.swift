import Foundation
public import GPLRRedis
import GPLRSupport

/// One coordinator per run: a lease in Redis (``RedisKeys/RunKeys/coordinator``) holding the driving coordinator's
/// token with a TTL that it renews. A second coordinator (or `--resume`) of the same run is refused while the lease
/// is alive, and may take the run over once it has expired (its holder died). The lease is also the coordinator's
/// heartbeat: a running run without one has lost its coordinator.
public struct CoordinatorLease: Sendable {
    public let client: RedisClient
    public let key: String
    /// The run record's key: gone together with the lease means Redis lost the run.
    let recordKey: String
    public let runID: String
    /// Who holds it: `<host>:<pid>:<random>`, shown to whoever is refused.
    public let token: String
    /// How long the lease lives without a renewal; it is renewed every third of that.
    public let milliseconds: Int

    public init(client: RedisClient, keys: RedisKeys, run runID: String, milliseconds: Int = 15_000) {
        self.client = client
        self.key = keys.run(runID).coordinator
        self.recordKey = keys.run(runID).state
        self.runID = runID
        self.token =
            "\(ProcessInfo.processInfo.hostName):\(getpid()):"
            + String(UInt32.random(in: .min ... .max), radix: 16)
        self.milliseconds = max(3, milliseconds)
    }

    /// The holder of a run's lease and the milliseconds it has left, or `nil` when nobody holds it.
    public static func holder(client: RedisClient, keys: RedisKeys, run runID: String) async throws
        -> (token: String, remainingMilliseconds: Int)?
    {
        let key = RedisArgument(keys.run(runID).coordinator)
        let replies = try await client.pipeline([["GET", key], ["PTTL", key]])
        guard let token = try replies[0].throwingServerError(context: "GET coordinator lease").string else {
            return nil
        }
        return (token, max(0, replies[1].int ?? 0))
    }

    /// Takes the lease.
    /// - Throws: ``RunRecordError/Code/busy`` naming the holder and when its lease runs out.
    public func acquire(keys: RedisKeys) async throws {
        let taken = try await client.send(
            "SET", RedisArgument(key), RedisArgument(token), "NX", "PX", RedisArgument(String(milliseconds))
        ).throwingServerError(context: "SET coordinator lease")
        guard taken.isNull else { return }
        throw busy(holder: try await Self.holder(client: client, keys: keys, run: runID))
    }

    /// Refuses early (before slow preparations such as fetching a snapshot) when another coordinator holds the
    /// lease; ``acquire(keys:)`` still decides, atomically.
    public func refuseIfHeld(keys: RedisKeys) async throws {
        if let holder = try await Self.holder(client: client, keys: keys, run: runID) { throw busy(holder: holder) }
    }

    private func busy(holder: (token: String, remainingMilliseconds: Int)?) -> RunRecordError {
        RunRecordError(
            .busy,
            "another coordinator drives this run (\(holder?.token ?? "unknown")); if it is dead, its lease runs out "
                + "within \((holder?.remainingMilliseconds ?? milliseconds) / 1000 + 1) s, and `--resume` then takes over",
            run: runID)
    }

    /// Extends the lease; `false` when it is no longer ours (it expired and another coordinator took it).
    public func renew() async throws -> Bool {
        try await client.evaluate(
            Self.renewScript, keys: [RedisArgument(key)],
            arguments: [RedisArgument(token), RedisArgument(String(milliseconds))]
        ).throwingServerError(context: "renew coordinator lease").int == 1
    }

    /// Gives the lease up (only if it is still ours).
    public func release() async throws {
        _ = try await client.evaluate(Self.releaseScript, keys: [RedisArgument(key)], arguments: [RedisArgument(token)])
    }

    /// Renews the lease every third of its duration until cancelled. A renewal that fails on the connection is
    /// tried again at the next period, as long as the lease can still be alive.
    ///
    /// The renewals run on a thread of their own with their own connection (``LeaseRenewalThread``): the
    /// coordinator computes in the same process (affinities, DU scores, assignment on all cores), and on Linux that
    /// work and Swift's tasks share libdispatch's global threads, so a renewal loop of tasks starved for the length
    /// of a solve and lost the lease of a 10M-user run.
    /// - Throws: ``RunRecordError/Code/lost`` when Redis lost the run (lease and record gone: restarted without
    ///   persistence), ``RunRecordError/Code/busy`` when only the lease was lost (this coordinator stalled past it
    ///   and another may drive the run), or the connection error once a whole lease period passed without renewal:
    ///   in every case the caller must stop driving the run.
    public func keepRenewing() async throws {
        let renewer = LeaseRenewalThread(lease: self)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                renewer.start(continuation)
            }
        } onCancel: {
            renewer.stop()
        }
    }

    /// One renewal, blocking the calling thread: `true` while the lease is ours.
    func renewBlocking(with client: RedisClient) throws -> Bool {
        try client.evaluateBlocking(
            Self.renewScript, keys: [RedisArgument(key)],
            arguments: [RedisArgument(token), RedisArgument(String(milliseconds))]
        ).int == 1
    }

    /// Why renewing stopped, once the lease was refused: Redis lost the run, or another coordinator may hold it.
    func lossReason(with client: RedisClient) -> any Error {
        if let exists = try? client.sendBlocking(["EXISTS", RedisArgument(recordKey)]), exists.int == 0 {
            return RunRecordStore.lost(run: runID)
        }
        return RunRecordError(
            .busy,
            "this coordinator lost its lease (it stalled for longer than \(milliseconds / 1000) s, and "
                + "another coordinator may drive the run now); stopping", run: runID)
    }

    /// KEYS[1] = lease; ARGV = token, milliseconds.
    static let renewScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """)

    /// KEYS[1] = lease; ARGV = token.
    static let releaseScript = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)
}
