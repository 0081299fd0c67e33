import Foundation
import Synchronization

#if canImport(Glibc)
    public import Glibc
#endif

/// A `redis-server` this process starts for itself (`gplr demo`, `gplr bench queue`, the integration tests):
/// loopback only, a free port, its own directory, its log (standard output and error) appended to a file.
///
/// Started as a ``ChildProcess``, so SIGTERM stops it at once (graceful shutdown, AOF flushed). No RDB
/// snapshots; `appendOnly` turns on the AOF so that ``restart()`` keeps the data.
public final class LocalRedisServer: Sendable {
    public struct Options: Sendable {
        /// `appendonly yes` (with `appendfsync always`, so nothing acknowledged is lost on SIGTERM/SIGKILL).
        public var appendOnly: Bool
        /// `requirepass` for the `default` user.
        public var password: String?
        /// More `--name value` configuration, e.g. `["--maxmemory", "10mb"]`.
        public var extraArguments: [String]

        public init(appendOnly: Bool = false, password: String? = nil, extraArguments: [String] = []) {
            self.appendOnly = appendOnly
            self.password = password
            self.extraArguments = extraArguments
        }
    }

    public let options: Options
    /// Its working directory (`--dir`).
    public let directory: String
    /// Where its log goes (appended).
    public let logPath: String
    /// Whether ``directory`` was made here (then it is removed when the server is stopped for good).
    private let ownsDirectory: Bool
    private let newProcessGroup: Bool
    private let state = Mutex(State())

    private struct State {
        var port = 0
        var process: ChildProcess?
        var detached = false
    }

    /// Starts `redis-server` (from `PATH`) and waits until it answers PING. Blocks (up to `timeout` for each
    /// of at most 5 ports: another process may take a free port before redis-server binds it).
    ///
    /// - Parameters:
    ///   - directory: its working directory; `nil` makes a new temp dir, removed by ``stop(grace:)``.
    ///   - newProcessGroup: see ``ChildProcess`` (`gplr demo`: a Ctrl-C reaches only gplr, which stops the
    ///     workers before Redis).
    public init(
        directory: String? = nil, logPath: String, options: Options = Options(), timeout: Duration = .seconds(10),
        newProcessGroup: Bool = false
    ) throws(ChildProcessError) {
        self.options = options
        self.newProcessGroup = newProcessGroup
        self.logPath = logPath
        if let directory {
            self.directory = directory
            ownsDirectory = false
        } else {
            self.directory =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("gplr-redis-\(UUID().uuidString.prefix(8))").path
            ownsDirectory = true
            do {
                try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
            } catch {
                throw ChildProcessError(.spawnFailed, "cannot create \(self.directory) for redis-server: \(error)")
            }
        }
        var lastError: ChildProcessError?
        for _ in 0..<5 {
            guard let port = LoopbackPort.free() else {
                lastError = ChildProcessError(.spawnFailed, "no free loopback port for redis-server", errno: errno)
                continue
            }
            do {
                try start(port: port, timeout: timeout)
                return
            } catch {
                lastError = error  // most likely another process took the port in between: pick another
            }
        }
        if ownsDirectory { try? FileManager.default.removeItem(atPath: self.directory) }
        throw lastError ?? ChildProcessError(.spawnFailed, "could not start redis-server")
    }

    deinit {
        guard !state.withLock({ $0.detached }) else { return }
        stop()
        if ownsDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The port it listens on (127.0.0.1).
    public var port: Int { state.withLock { $0.port } }
    /// `redis://127.0.0.1:<port>` (no credentials).
    public var url: String { "redis://127.0.0.1:\(port)" }
    /// Its process id (0 once stopped).
    public var pid: pid_t { state.withLock { $0.process?.pid ?? 0 } }

    /// Stops with SIGTERM and waits for the exit (the AOF is flushed). Blocks.
    public func stop() { signalAndWait(SIGTERM) }

    /// Kills with SIGKILL (no shutdown work at all) and waits. Blocks.
    public func kill() { signalAndWait(SIGKILL) }

    /// Stops (SIGTERM) and starts again on the same port and directory. Blocks.
    public func restart(timeout: Duration = .seconds(10)) throws(ChildProcessError) {
        stop()
        try start(port: port, timeout: timeout)
    }

    /// SIGTERM (SIGKILL after `grace`); then removes its directory if it made it.
    public func stop(grace: Duration) async {
        let process = state.withLock { state in
            defer { state.process = nil }
            return state.process
        }
        await process?.terminate(grace: grace)
        if ownsDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Leaves it running, its directory in place, when this object goes away (`gplr demo --keep`).
    public func detach() {
        state.withLock { state in
            state.detached = true
            state.process?.detach()
        }
    }

    private func signalAndWait(_ signal: Int32) {
        let process = state.withLock { state in
            defer { state.process = nil }
            return state.process
        }
        process?.signalAndWait(signal)
    }

    private func start(port: Int, timeout: Duration) throws(ChildProcessError) {
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--daemonize", "no",
            "--protected-mode", "no", "--appendonly", options.appendOnly ? "yes" : "no",
        ]
        if options.appendOnly { arguments += ["--appendfsync", "always"] }
        if let password = options.password { arguments += ["--requirepass", password] }
        arguments += options.extraArguments
        let process = try ChildProcess(
            executable: "redis-server", arguments: arguments, stdoutPath: logPath, stderrPath: logPath,
            appendOutput: true, newProcessGroup: newProcessGroup)
        state.withLock { $0 = State(port: port, process: process) }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let ended = process.termination {
                state.withLock { $0.process = nil }
                throw ChildProcessError(
                    .spawnFailed,
                    "redis-server \(ended) at start on port \(port) (is it installed? Ops/setup.sh; "
                        + "log: \(logPath))")
            }
            if RedisPing.answers(port: port) {
                // Ours, or another server that held the port first (ours then fails to bind and exits)?
                if let owner = RedisPing.processID(port: port, password: options.password), owner != process.pid {
                    signalAndWait(SIGKILL)
                    throw ChildProcessError(
                        .spawnFailed, "port \(port) is served by another redis-server (pid \(owner))")
                }
                return
            }
            usleep(20_000)
        }
        signalAndWait(SIGKILL)
        throw ChildProcessError(.notReady, "redis-server did not answer PING on port \(port) within \(timeout)")
    }
}
