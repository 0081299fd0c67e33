import Foundation
import Shared

/// A `redis-server` this process starts for itself (benchmarks, the demo): a free loopback port, a temp dir,
/// stopped with `SHUTDOWN NOSAVE` (a signal would not do: children of a Swift process may start with signals
/// blocked).
final class LocalRedisServer {
    let port: Int
    let directory: String
    private let process: Process

    var url: String { "redis://127.0.0.1:\(port)" }

    init(appendOnly: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gplr-redis-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory,
                             "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--daemonize", "no"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until the server answers PING.
    func waitUntilReady() async throws -> RedisClient {
        let client = try RedisClient(url: url)
        for _ in 0 ..< 100 {
            if (try? await client.send("PING"))?.string == "PONG" { return client }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationErrorMessage("redis-server did not start on port \(port) (is it installed? Ops/setup.sh)")
    }

    func stop() async {
        if let client = try? RedisClient(url: url) {
            _ = try? await client.send("SHUTDOWN", "NOSAVE")
            await client.close()
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ValidationErrorMessage("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A plain error message for the command line.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
