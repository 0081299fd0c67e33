import Foundation
import GPLRRedis
import GPLRSupport

/// A `redis-server` this process starts for itself (`gplr demo`, `gplr bench queue`): a free loopback port, a
/// temp dir, no persistence, started as a ``ChildProcess`` so that SIGTERM stops it at once.
final class LocalRedisServer: Sendable {
    let port: Int
    let directory: String
    private let process: ChildProcess

    var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts `redis-server` (from `PATH`), its log appended to `logPath`.
    init(logPath: String) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gplr-redis-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let free = LoopbackPort.free() else {
            throw ChildProcessError(.spawnFailed, "no free loopback port for redis-server")
        }
        port = free
        process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory,
                        "--save", "", "--appendonly", "no", "--daemonize", "no"],
            environment: ProcessInfo.processInfo.environment, logPath: logPath)
    }

    var pid: pid_t { process.pid }

    /// Waits until the server answers PING (up to ~5 s).
    func waitUntilReady() async throws {
        let options = RedisClientOptions(reconnect: .never)
        for _ in 0 ..< 100 {
            if let ended = process.termination {
                throw ChildProcessError(
                    .spawnFailed, "redis-server \(ended) at start (is it installed? Ops/setup.sh)")
            }
            if let client = try? RedisClient(url: url, options: options) {
                let answer = try? await client.send("PING")
                await client.close()
                if answer?.string == "PONG" { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChildProcessError(.spawnFailed, "redis-server did not answer on port \(port) within 5 s")
    }

    /// SIGTERM (SIGKILL after `grace`), then removes its temp dir.
    func stop(grace: Duration) async {
        await process.terminate(grace: grace)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
