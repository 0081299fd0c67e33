import Foundation
import GPLRTestSupport
import Observability
import Testing

@testable import Coordinator
@testable import GPLRHTTP

/// DNS rebinding: `gplr serve` answers only requests whose `Host` names it (localhost, an IP address, `--host`,
/// `--allowed-host`), on every route; a page on another name that resolves to 127.0.0.1 gets 421 and no data.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DashboardHostTests {
    @Test func refusesOtherHostNamesOnEveryRouteAndAcceptsItsOwn() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-dashboard-host")
        defer { directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(
            redis: server.url, directory: directory, extra: ["--allowed-host", "gplr.proxy.example"])
        let port = try #require(URLComponents(string: dashboard.url)?.port)

        let evil = HTTPHeader(name: "Host", value: "evil.example:\(port)")
        for path in ["", "api/runs", "api/runs/x", "api/queues", "api/workers", "healthz", "metrics", "nope"] {
            let (status, body) = try await dashboard.request(path, headers: [evil])
            #expect(status == 421, "GET /\(path) for evil.example")
            let text = String(decoding: body, as: UTF8.self)
            #expect(text.contains("evil.example") && text.contains("--allowed-host"), "GET /\(path): \(text)")
        }
        // What a rebound page's script would send: same origin as far as the browser knows.
        let retry = try await dashboard.retry(
            "x", body: "{}",
            headers: [
                evil, DashboardProcess.json, HTTPHeader(name: "Origin", value: "http://evil.example:\(port)"),
                HTTPHeader(name: "Sec-Fetch-Site", value: "same-origin"),
            ])
        #expect(retry.status == 421)

        for host in [
            "127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST.:\(port)", "[::1]:\(port)",
            "gplr.proxy.example", "GPLR.proxy.example:443", "10.1.2.3:\(port)",
        ] {
            let (status, body) = try await dashboard.request(
                "api/runs", headers: [HTTPHeader(name: "Host", value: host)])
            #expect(status == 200, "Host \(host): \(String(decoding: body, as: UTF8.self))")
        }
        #expect(try await dashboard.request("metrics").status == 200)
        #expect(try await dashboard.request("").status == 200)
    }

    @Test func hostGuardAcceptsLoopbackAddressesTheBoundHostAndAllowedNamesOnly() {
        let guardian = HostGuard(
            boundHost: "dash.lan", allowedHosts: ["Proxy.Example"], server: "this dashboard", advice: "allow NAME")
        for host in [
            "localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "[::1]", "dash.lan:8080",
            "proxy.example", "proxy.example.:80", "192.168.1.7:8080", "[fe80::1]:1",
        ] {
            #expect(guardian.refusal(host: host) == nil, "\(host)")
        }
        for host in [
            nil, "", "evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.evil.example",
            "proxy.example.evil", "dash.lan.evil:8080", "0x7f.1:8080x",
        ] {
            #expect(guardian.refusal(host: host) != nil, "\(host ?? "nil")")
        }
    }

    @Test func serveRejectsAnEmptyAllowedHost() async throws {
        let output = try await BuiltProduct.run(
            "gplr", ["serve", "--redis", "redis://127.0.0.1:1", "--allowed-host", ""])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--allowed-host"))
    }
}
