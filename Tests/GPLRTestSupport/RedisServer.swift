import Foundation
import GPLRRedis
import GPLRSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real `redis-server` for integration tests: loopback only, a free port, its own temp directory.
///
/// Always stop it (``withRedisServer(_:_:)`` does). No RDB snapshots unless asked; `appendOnly` turns on the
/// AOF so that ``restart()`` keeps the data.
public final class RedisServer: Sendable {
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
    public let directory: TemporaryDirectory
    private let state: Mutex<State>

    private struct State: Sendable {
        var port: Int
        var process: ChildProcess?
    }

    /// Starts a server and waits until it answers PING.
    public init(_ options: Options = Options()) throws {
        self.options = options
        self.directory = try TemporaryDirectory(prefix: "gplr-redis")
        self.state = Mutex(State(port: 0, process: nil))
        var lastError: (any Error)?
        for _ in 0 ..< 5 {
            do {
                let port = try Self.freePort()
                try start(port: port)
                return
            } catch {
                lastError = error  // most likely another process took the port in between: pick another
            }
        }
        directory.remove()
        throw lastError ?? RedisServerError(message: "could not start redis-server")
    }

    deinit {
        stop()
        directory.remove()
    }

    /// The port it listens on (127.0.0.1).
    public var port: Int { state.withLock { $0.port } }
    /// `redis://127.0.0.1:<port>` (no credentials).
    public var url: String { "redis://127.0.0.1:\(port)" }
    /// The server's log file, for diagnosing a failed test.
    public var logPath: String { directory.file("redis.log") }

    /// Stops with SIGTERM and waits for the exit (the AOF is flushed).
    public func stop() { signal(SIGTERM) }

    /// Kills with SIGKILL (no shutdown work at all) and waits.
    public func kill() { signal(SIGKILL) }

    /// Stops (SIGTERM) and starts again on the same port and directory.
    public func restart() throws {
        stop()
        try start(port: port)
    }

    private func signal(_ number: Int32) {
        let process = state.withLock { state in
            defer { state.process = nil }
            return state.process
        }
        process?.terminate(with: number)
    }

    private func start(port: Int) throws {
        var arguments = [
            "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path,
            "--save", "", "--daemonize", "no", "--logfile", logPath, "--protected-mode", "no",
            "--appendonly", options.appendOnly ? "yes" : "no",
        ]
        if options.appendOnly { arguments += ["--appendfsync", "always"] }
        if let password = options.password { arguments += ["--requirepass", password] }
        arguments += options.extraArguments
        let process = try ChildProcess.spawn(arguments)
        state.withLock { $0 = State(port: port, process: process) }
        // Wait for PING (any reply, NOAUTH included, means it is up).
        let endpoint = RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let status = process.exitStatusIfEnded() {
                state.withLock { $0.process = nil }
                throw RedisServerError(message: "redis-server exited (status \(status)) on port \(port)")
            }
            if let connection = try? RedisConnection(
                endpoint: endpoint, options: RedisConnectionOptions(connectTimeout: .seconds(1)))
            {
                do {
                    _ = try connection.command(["PING"])
                    return
                } catch where error.code == .serverError && !(error.serverErrorPrefix == "LOADING") {
                    return
                } catch {}
            }
            usleep(20_000)
        }
        stop()
        throw RedisServerError(message: "redis-server did not answer PING on port \(port) within 10 s")
    }

    /// A port that was free a moment ago (``LoopbackPort/free()``).
    public static func freePort() throws -> Int {
        guard let port = LoopbackPort.free() else { throw RedisServerError(message: "no free port: errno \(errno)") }
        return port
    }
}

/// Why the test server could not run.
public struct RedisServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "RedisServer: \(message)" }
}

/// Runs `body` with a fresh server and stops it afterwards, whether `body` throws or not.
public func withRedisServer<T>(
    _ options: RedisServer.Options = RedisServer.Options(),
    _ body: (RedisServer) async throws -> T
) async throws -> T {
    let server = try RedisServer(options)
    defer {
        server.stop()
        server.directory.remove()
    }
    return try await body(server)
}
