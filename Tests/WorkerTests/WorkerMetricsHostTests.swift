import Foundation
import GPLRTestSupport
import Testing

/// `gplr-worker --metrics-port` listens on loopback unless `--metrics-host` says otherwise: the kernel's own
/// table of listening sockets (`/proc/net/tcp`) says which address the real process bound.
@Suite(.serialized) struct WorkerMetricsHostTests {
    @Test func metricsServerListensOnLoopbackByDefault() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let worker = try harness.startWorker("w1", ["--metrics-port", "0"])
            defer { worker.stop() }
            let port = try #require(
                try await worker.loggedMetricsPort(), "no metrics.port in the worker log:\n\(worker.standardError)")
            #expect(try Self.listeningAddresses(port: port) == ["127.0.0.1"])
        }
    }

    @Test func metricsHostZeroListensOnEveryInterface() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let worker = try harness.startWorker("w1", ["--metrics-port", "0", "--metrics-host", "0.0.0.0"])
            defer { worker.stop() }
            let port = try #require(
                try await worker.loggedMetricsPort(), "no metrics.port in the worker log:\n\(worker.standardError)")
            #expect(try Self.listeningAddresses(port: port) == ["0.0.0.0"])
        }
    }

    /// The IPv4 addresses of the sockets listening on TCP `port`, from `/proc/net/tcp`
    /// (`sl local_address rem_address st ...`, addresses as little-endian hex `0100007F:1F90`, LISTEN is `0A`).
    static func listeningAddresses(port: Int) throws -> [String] {
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        return table.split(separator: "\n").dropFirst().compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A" else { return nil }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, Int(local[1], radix: 16) == port, let raw = UInt32(local[0], radix: 16) else {
                return nil
            }
            return (0 ..< 4).map { String((raw >> (8 * $0)) & 0xFF) }.joined(separator: ".")
        }
    }
}
