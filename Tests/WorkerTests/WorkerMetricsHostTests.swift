import Foundation
import GPLRHTTP
import GPLRTestSupport
import Testing

/// `gplr-worker --metrics-port` listens on loopback unless `--metrics-host` says otherwise: the kernel's own
/// table of listening sockets (`/proc/net/tcp`) says which address the real process bound.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WorkerMetricsHostTests {
    @Test func metricsServerListensOnLoopbackByDefault() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let worker = try harness.startWorker("w1", ["--metrics-port", "0"])
            defer { worker.stop() }
            let port = try #require(
                try await worker.loggedMetricsPort(), "no metrics.port in the worker log:\n\(worker.standardError)")
            let addresses = try Self.listeningAddresses(port: port)
            #expect(addresses == ["127.0.0.1"], "port \(port): \(addresses); log:\n\(worker.standardError)")
        }
    }

    @Test func onLoopbackOtherHostNamesAreRefused() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let worker = try harness.startWorker("w1", ["--metrics-port", "0"])
            defer { worker.stop() }
            let port = try #require(
                try await worker.loggedMetricsPort(), "no metrics.port in the worker log:\n\(worker.standardError)")
            let url = "http://127.0.0.1:\(port)/metrics"
            // A page at evil.example whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
            let rebound = try await HTTPGet.fetch(
                url, headers: [HTTPHeader(name: "Host", value: "evil.example:\(port)")])
            #expect(rebound.status == 421)
            #expect(!String(decoding: rebound.body, as: UTF8.self).contains("gplr_"))
            #expect(try await HTTPGet.fetch(url).status == 200)
            let named = try await HTTPGet.fetch(url, headers: [HTTPHeader(name: "Host", value: "localhost:\(port)")])
            #expect(named.status == 200)
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
            let addresses = try Self.listeningAddresses(port: port)
            #expect(addresses == ["0.0.0.0"], "port \(port): \(addresses); log:\n\(worker.standardError)")
        }
    }

    /// The IPv4 addresses of the sockets listening on TCP `port`, from `/proc/net/tcp`
    /// (`sl local_address rem_address st ...`, addresses as little-endian hex `0100007F:1F90`, LISTEN is `0A`).
    static func listeningAddresses(port: Int) throws -> [String] {
        // Read to the end: procfs reports size 0, and the table spans several pages while many tests run.
        guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return [] }
        defer { try? file.close() }
        let table = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        return table.split(separator: "\n").dropFirst().compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A" else { return nil }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, Int(local[1], radix: 16) == port, let raw = UInt32(local[0], radix: 16) else {
                return nil
            }
            return (0..<4).map { String((raw >> (8 * $0)) & 0xFF) }.joined(separator: ".")
        }
    }
}
