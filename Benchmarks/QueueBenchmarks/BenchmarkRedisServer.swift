import BenchmarkFixtures
import GPLRRedis
import GPLRRuntime
import ProcessSupport
import Synchronization

/// The `redis-server` of one benchmark process: started by the benchmark's setup (`LocalRedisServer`: loopback, a
/// free port, its own temp dir, no persistence — as `gplr bench queue` starts it), emptied between rounds and
/// stopped by the teardown, which also removes its directory.
final class BenchmarkRedisServer: Sendable {
    private let state = Mutex<(server: LocalRedisServer?, client: RedisClient?)>((nil, nil))

    /// Starts the server (off the cooperative pool: the start blocks until it answers PING).
    func start() async throws {
        let server = try await BlockingExecutor.shared.run { try LocalRedisServer(logPath: "/dev/null") }
        let client = try RedisClient(url: server.url)
        state.withLock { $0 = (server, client) }
    }

    /// `redis://127.0.0.1:<port>` of the running server.
    var url: String {
        get throws {
            guard let server = state.withLock({ $0.server }) else {
                throw BenchmarkFixtureError("the benchmark's redis-server is not running (setup did not run?)")
            }
            return server.url
        }
    }

    /// Deletes every key (`FLUSHALL`): the next round starts from an empty server.
    func flush() async throws {
        guard let client = state.withLock({ $0.client }) else {
            throw BenchmarkFixtureError("the benchmark's redis-server is not running (setup did not run?)")
        }
        try await client.send("FLUSHALL")
    }

    /// Stops the server (SIGTERM, SIGKILL after 2 s) and removes its directory.
    func stop() async {
        let server = state.withLock { state in
            defer { state = (nil, nil) }
            return state.server
        }
        await server?.stop(grace: .seconds(2))
    }
}
