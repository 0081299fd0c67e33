import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `gplr serve`: the live dashboard (a self-refreshing page and a JSON API) over a gplr Redis.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the live dashboard: runs, jobs per kind, failures with a retry button, personas, workers.",
        discussion: """
            The page at / refreshes itself every 2 s from the JSON API: GET /api/runs, /api/runs/{id}, \
            /api/queues, /api/workers; POST /api/runs/{id}/retry (only with Content-Type: application/json, so \
            no other web site can trigger it); GET /healthz; GET /metrics (Prometheus). There is no login: \
            anyone who can reach the port can see the runs and retry their dead-lettered jobs, so keep the \
            default --host 127.0.0.1 (reach it through an SSH tunnel) or put an authenticating proxy in front. \
            Requests must name the dashboard in their Host header (localhost, an IP address, --host or an \
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

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0 ... 65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        for name in allowedHosts where name.isEmpty || name.contains(where: { $0.isWhitespace || $0 == "/" }) {
            throw ValidationError("--allowed-host must be a host name without spaces or slashes, got '\(name)'")
        }
    }

    func run() async throws {
        let client = try redis.client()
        var server = DashboardServer(client: client, keys: redis.keys)
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
                services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
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
