import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `gplr serve`: the live dashboard (a self-refreshing page and a JSON API) over a gplr Redis.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the live dashboard: runs, history charts, jobs, failures with retry/discard, controls.",
        discussion: """
            The page at / refreshes itself every 2 s from the JSON API: GET /api/runs, /api/runs/{id}, \
            /api/runs/{id}/history, /api/runs/{id}/jobs/{job}, /api/runs/{id}/dead-letters, /api/queues, \
            /api/workers; POST /api/runs/{id}/retry, /api/runs/{id}/discard, /api/runs/{id}/cancel and \
            /api/runs/prune (only with Content-Type: application/json, so no other web site can trigger them); \
            GET /healthz; GET /metrics (Prometheus). While it serves, it samples every running run's counts into \
            Redis every --sample-seconds (the history charts). There is no login: anyone who can reach the port \
            can see the runs, retry or discard their dead-lettered jobs, cancel them and delete finished runs, so \
            keep the default --host 127.0.0.1 (reach it through an SSH tunnel) or put an authenticating proxy in \
            front. Requests must name the dashboard in their Host header (localhost, an IP address, --host or an \
            --allowed-host name); others get 421, so a web page cannot reach it through DNS rebinding. \
            SIGINT or SIGTERM stops it. See docs/operations.md.
            """)

    @OptionGroup var redis: RedisOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(
        name: .customLong("allowed-host"),
        help: ArgumentHelp(
            "Also accept requests whose Host header names NAME (repeatable; for a reverse proxy).",
            discussion: "Without it only localhost, IP addresses and the --host name are accepted: requests for "
                + "any other name get 421 (DNS rebinding protection).",
            valueName: "name"))
    var allowedHosts: [String] = []

    @Option(
        name: .customLong("sample-seconds"),
        help: ArgumentHelp(
            "Seconds between two samples of a running run's counts (its history charts).",
            discussion: "The samples are kept in Redis (the newest 720 per run) and taken only while a dashboard "
                + "serves; two dashboards on one Redis do not sample a run twice as often.",
            valueName: "seconds"))
    var sampleSeconds = 5.0

    func validate() throws {
        guard sampleSeconds >= 0.2, sampleSeconds <= 3600 else {
            throw ValidationError("--sample-seconds must be in 0.2 ... 3600")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0 ... 65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        for name in allowedHosts where name.isEmpty || name.contains(where: { $0.isWhitespace || $0 == "/" }) {
            throw ValidationError("--allowed-host must be a host name without spaces or slashes, got '\(name)'")
        }
    }

    func run() async throws {
        let client = try redis.client()
        var server = DashboardServer(
            client: client, keys: redis.keys, sampleInterval: .milliseconds(Int64((sampleSeconds * 1000).rounded())))
        if let problem = await server.api.ping() {
            await client.close()
            Console.status("gplr serve: cannot reach Redis at \(DemoCommand.shown(redis.url ?? "")): \(problem)")
            throw ExitCode.failure
        }
        var logger = Logger(label: "gplr.dashboard", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        server.host = host
        server.port = port
        server.allowedHosts = allowedHosts
        server.logger = logger
        let host = host
        let application = server.application { bound in
            Console.status("dashboard: \(DashboardServer.url(host: host, port: bound))")
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application, server.sampler], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await client.close()
            Console.status("gplr serve: stopped on an error: \(error)")
            throw ExitCode.failure
        }
        await client.close()
        Console.status("dashboard: stopped")
    }
}
