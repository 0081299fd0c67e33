import Foundation
import GPLRRuntime
import GPLRSupport
import ProcessSupport
import Synchronization

/// The processes `gplr demo` starts — a `redis-server` (when no Redis was given) and the `gplr-worker`s — and
/// the one place that stops them, from the normal end of the demo or from a signal, whichever comes first.
///
/// Thread-safe: the demo's body starts processes while the signal path may be stopping them. Once
/// ``stop(grace:)`` has begun, nothing new starts (a start throws), so nothing is left behind.
final class DemoCluster: Sendable {
    private struct State {
        var redis: LocalRedisServer?
        var workers: [ChildProcess] = []
        var stopping = false
    }
    private let state = Mutex(State())

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
    func startRedis(logPath: String) async throws -> LocalRedisServer {
        guard !state.withLock({ $0.stopping }) else { throw CancellationError() }
        // Starting blocks until the server answers PING: off the cooperative pool.
        let server = try await BlockingExecutor.shared.run {
            try LocalRedisServer(logPath: logPath, newProcessGroup: true)
        }
        let registered = state.withLock { state in
            guard !state.stopping else { return false }
            state.redis = server
            return true
        }
        guard registered else {
            await server.stop(grace: .seconds(2))
            throw CancellationError()
        }
        return server
    }

    /// Starts one `gplr-worker`; `environment` is its whole environment.
    func startWorker(executable: String, arguments: [String], environment: [String: String], logPath: String)
        throws -> ChildProcess
    {
        try state.withLock { state in
            guard !state.stopping else { throw CancellationError() }
            let worker = try ChildProcess(
                executable: executable, arguments: arguments, environment: environment, stdoutPath: logPath,
                stderrPath: logPath, appendOutput: true, newProcessGroup: true)
            state.workers.append(worker)
            return worker
        }
    }

    /// Returns the first worker that has ended, once one has (polling); `nil` when cancelled.
    func firstWorkerExit() async -> (ChildProcess, ChildProcess.Termination)? {
        while !Task.isCancelled {
            for worker in state.withLock({ $0.workers }) {
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
    /// (SIGTERM, its temp dir removed). Idempotent; later starts throw.
    @discardableResult
    func stop(grace: Duration) async -> Stopped {
        let (workers, redis) = state.withLock { state in
            state.stopping = true
            defer { state.workers = []; state.redis = nil }
            return (state.workers, state.redis)
        }
        await withTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { await worker.terminate(grace: grace) } }
        }
        if let redis { await redis.stop(grace: grace) }
        return Stopped(workers: workers.count, redis: redis != nil)
    }

    /// Leaves everything running (`--keep`) and forgets it: the pids of the workers and the redis-server's
    /// temp dir.
    func release() -> (workers: [pid_t], redis: (pid: pid_t, directory: String)?) {
        state.withLock { state in
            state.stopping = true
            defer { state.workers = []; state.redis = nil }
            for worker in state.workers { worker.detach() }
            state.redis?.detach()
            return (state.workers.map(\.pid), state.redis.map { ($0.pid, $0.directory) })
        }
    }
}
