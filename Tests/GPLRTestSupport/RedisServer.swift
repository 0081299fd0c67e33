import Foundation
import GPLRRedis
import GPLRSupport
public import ProcessSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real `redis-server` for integration tests (a ``LocalRedisServer``: loopback only, a free port), in a
/// temp directory of its own that goes away with it.
///
/// Always stop it (``withRedisServer(_:_:)`` does). No RDB snapshots unless asked; `appendOnly` turns on the
/// AOF so that ``restart()`` keeps the data.
public final class RedisServer: Sendable {
    public typealias Options = LocalRedisServer.Options

    public let options: Options
    public let directory: TemporaryDirectory
    private let server: LocalRedisServer

    /// Starts a server and waits until it answers PING.
    public init(_ options: Options = Options()) throws {
        self.options = options
        let directory = try TemporaryDirectory(prefix: "gplr-redis")
        self.directory = directory
        do {
            server = try LocalRedisServer(
                directory: directory.path, logPath: directory.file("redis.log"), options: options)
        } catch {
            directory.remove()
            throw error
        }
    }

    deinit {
        stop()
        directory.remove()
    }

    /// The port it listens on (127.0.0.1).
    public var port: Int { server.port }
    /// `redis://127.0.0.1:<port>` (no credentials).
    public var url: String { server.url }
    /// The server's log file, for diagnosing a failed test.
    public var logPath: String { server.logPath }

    /// Stops with SIGTERM and waits for the exit (the AOF is flushed).
    public func stop() { server.stop() }

    /// Kills with SIGKILL (no shutdown work at all) and waits.
    public func kill() { server.kill() }

    /// Stops (SIGTERM) and starts again on the same port and directory, waiting up to `timeout` for it to answer
    /// PING (a server loading its data answers only afterwards).
    public func restart(timeout: Duration = .seconds(10)) throws { try server.restart(timeout: timeout) }

    /// A port that was free a moment ago (``LoopbackPort/free()``).
    public static func freePort() throws -> Int {
        guard let port = LoopbackPort.free() else {
            throw ChildProcessError(.spawnFailed, "no free loopback port", errno: errno)
        }
        return port
    }
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
