import Foundation
import GPLRRedis
import GPLRTestSupport
import ProcessSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The test servers' own start: a port another redis-server holds is refused, not shared. (Two servers started at
/// once can be handed the same free port; the one that cannot bind it exits, and its PING check used to be
/// answered by the other, so that two tests talked to one server: a CI run lost two coordinator leases that way.)
@Suite(.timeLimit(.minutes(1))) struct LocalRedisServerTests {
    @Test func aPortAnotherServerHoldsIsRefusedNotShared() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let port = server.port
        server.stop()
        // Another redis-server takes the port while ours is down.
        let directory = try TemporaryDirectory(prefix: "gplr-other-redis")
        defer { directory.remove() }
        let other = try ChildProcess(
            executable: "redis-server",
            arguments: [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                directory.path,
            ])
        defer { _ = other.signalAndWait(SIGKILL) }
        let client = try RedisClient(url: "redis://127.0.0.1:\(port)")
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await client.send("PING"))?.string == "PONG"
            if !up { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(up, "the other redis-server did not start")
        let error = #expect(throws: (any Error).self) { try server.restart(timeout: .seconds(5)) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("another redis-server"), "\(String(describing: error))")
        await client.close()
    }
}
