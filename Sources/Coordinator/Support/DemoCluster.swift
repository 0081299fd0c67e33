import Foundation
import Shared

/// The processes `gplr demo` starts — a `redis-server` (when no Redis was given) and the `gplr-worker`s — and
/// the one place that stops them, from the normal end of the demo or from a signal, whichever comes first.
///
/// Thread-safe: the demo's body starts processes while the signal path may be stopping them. Once
/// ``stop(grace:)`` has begun, nothing new starts (a start throws), so nothing is left behind.
final class DemoCluster: @unchecked Sendable {
    // @unchecked: every stored property below `lock` is guarded by it (LocalRedisServer is a plain class).
    private let lock = NSLock()
    private var redis: LocalRedisServer?
    private var workers: [ChildProcess] = []
    private var stopping = false

    /// The `gplr-worker` executable next to the running `gplr` (`/proc/self/exe`, else `argv[0]`).
    static func workerExecutable() throws -> String {
        var candidates: [URL] = []
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: own))
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath())
        for executable in candidates {
            let worker = executable.deletingLastPathComponent().appendingPathComponent("gplr-worker").path
            if FileManager.default.isExecutableFile(atPath: worker) { return worker }
        }
        let where_ = candidates.first?.deletingLastPathComponent().path ?? "."
        throw ChildProcessError(
            .notFound, "gplr-worker not found next to gplr in \(where_) (build both: swift build)")
    }

    /// Starts a `redis-server` on a free loopback port in a temp dir and waits until it answers.
    func startRedis() async throws -> (url: String, port: Int) {
        let server: LocalRedisServer = try lock.withLock {
            guard !stopping else { throw CancellationError() }
            let server = try LocalRedisServer()
            redis = server
            return server
        }
        let client = try await server.waitUntilReady()
        await client.close()
        return (server.url, server.port)
    }

    /// The temp dir of the `redis-server` started here, if any.
    var redisDirectory: String? { lock.withLock { redis?.directory } }

    /// Starts one `gplr-worker`; `environment` is its whole environment.
    func startWorker(executable: String, arguments: [String], environment: [String: String], logPath: String)
        throws -> ChildProcess
    {
        try lock.withLock {
            guard !stopping else { throw CancellationError() }
            let worker = try ChildProcess(
                executable: executable, arguments: arguments, environment: environment, logPath: logPath)
            workers.append(worker)
            return worker
        }
    }

    /// Returns the first worker that has ended, once one has (polling); `nil` when cancelled.
    func firstWorkerExit() async -> (ChildProcess, ChildProcess.Termination)? {
        while !Task.isCancelled {
            for worker in lock.withLock({ workers }) {
                if let ended = worker.termination { return (worker, ended) }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }

    /// What ``stop(grace:)`` stopped.
    struct Stopped: Sendable {
        var workers: Int
        var redis: Bool
    }

    /// Stops everything started here: the workers (SIGTERM, SIGKILL after `grace`), then the `redis-server`
    /// (`SHUTDOWN NOSAVE`, its temp dir removed). Idempotent; later starts throw.
    @discardableResult
    func stop(grace: Duration) async -> Stopped {
        let (workers, redis) = lock.withLock {
            stopping = true
            defer { self.workers = []; self.redis = nil }
            return (self.workers, self.redis)
        }
        await withTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { await worker.terminate(grace: grace) } }
        }
        if let redis { await redis.stop() }
        return Stopped(workers: workers.count, redis: redis != nil)
    }

    /// Leaves everything running (`--keep`) and forgets it: the pids of the workers and the redis-server's
    /// temp dir.
    func release() -> (workers: [pid_t], redisDirectory: String?) {
        lock.withLock {
            stopping = true
            defer { workers = []; redis = nil }
            return (workers.map(\.pid), redis?.directory)
        }
    }
}
