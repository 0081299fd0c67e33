import ArgumentParser
import Foundation
import GPLRBuildInfo
import GPLRLLM
import GPLRRedis
import GPLRRuntime
import Logging
import Observability
import ServiceLifecycle

/// `gplr-worker`: the stateless daemon that pulls GPLR jobs from Redis and runs them.
@main
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gplr-worker",
        abstract: "Pull GPLR jobs (label, affinity) of any run from Redis, run them and store the results.",
        discussion: """
            Stateless: start and stop any number of workers at any time. SIGTERM or SIGINT stops taking jobs, \
            finishes the jobs in hand (up to --grace-seconds) and exits 0. Jobs of a killed worker are \
            reclaimed by the others once their lease runs out. See docs/protocol.md. Shell completions: \
            `gplr-worker --generate-completion-script bash|zsh|fish` (or `bash Ops/install-completions.sh`).
            """,
        version: "gplr-worker \(BuildInfo.versionLine)")

    @Option(
        help: ArgumentHelp(
            "Redis URL: redis://[user:password@]host[:port][/db] or unix:///path?db=N (default: $GPLR_REDIS_URL).",
            discussion: "Prefer GPLR_REDIS_URL over typing a password on the command line (visible in `ps`)."))
    var redis: String?

    @Option(help: "Key prefix shared with the coordinator.")
    var prefix = "gplr"

    @Option(help: "Job kinds to take, comma-separated (default: every kind this build runs).")
    var kinds = JobRegistry.kinds.map(\.rawValue).joined(separator: ",")

    @Option(help: "Jobs run at once.")
    var concurrency = 2

    @Option(help: "Snapshot cache directory (default $XDG_CACHE_HOME/gplr or ~/.cache/gplr).")
    var cacheDir: String?

    @Option(
        help: ArgumentHelp(
            "Lease in seconds: a job not extended for this long is reclaimed by another worker.",
            discussion: "Use the same value on every worker."))
    var leaseSeconds = 60

    @Option(help: "Worker id, its consumer name in Redis (default host:pid:random).")
    var id: String?

    @Option(help: "Deliveries after which a failing job is dead-lettered.")
    var maxAttempts = 5

    @Option(help: "Seconds to wait for the jobs in hand at shutdown before handing them back (not acknowledged).")
    var graceSeconds = 30

    @Option(
        help: ArgumentHelp(
            "File holding the API key for LLM label jobs (default: $OPENAI_API_KEY).",
            discussion: "The key never leaves this worker: label jobs name the server and model, never a key."))
    var llmKeyFile: String?

    @Option(
        help: ArgumentHelp(
            "Extra header Name:value on this worker's LLM requests (repeatable); the value is a secret.",
            discussion: "Prefer --llm-header-file for secret values: a flag shows in the process list."))
    var llmHeader: [String] = []

    @Option(help: "File of extra LLM headers, one 'Name: value' per line ('#' starts a comment); kept on this worker.")
    var llmHeaderFile: String?

    @Option(
        help: ArgumentHelp(
            "Environment variable holding extra LLM headers, one 'Name: value' per line (as --llm-header-file).",
            valueName: "name"))
    var llmHeaderEnv: String?

    @Option(
        help: ArgumentHelp(
            "Remove stream consumers idle this long with no pending job, and worker records this old.",
            discussion: "What workers that died or were scaled away leave behind; every worker prunes."))
    var pruneAfterSeconds = 600

    @Option(
        help: ArgumentHelp(
            "Serve Prometheus /metrics and /healthz on this port (0 picks a free one; default: no metrics server).",
            discussion: "The bound port is logged as metrics.port."))
    var metricsPort: Int?

    @Option(
        help: ArgumentHelp(
            "Address the metrics server listens on.",
            discussion: "Loopback by default; give 0.0.0.0 (or an interface's address) for a Prometheus on another "
                + "host or a container's probes."))
    var metricsHost = "127.0.0.1"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(
        help: ArgumentHelp(
            "Stop gracefully when the process with this pid, the worker's parent, is gone (for supervisors such as "
                + "gplr demo).",
            valueName: "pid"))
    var parentPid: Int32?

    @Option(
        help: ArgumentHelp(
            "Testing only: sleep this long inside every job before completing it.",
            visibility: .hidden))
    var debugJobDelayMs: Int?

    @Option(
        help: ArgumentHelp(
            "Testing only: inside every job, wait until this file exists before completing it.",
            valueName: "path", visibility: .hidden))
    var debugJobHoldFile: String?

    func validate() throws {
        guard let redisURL else { throw ValidationError("--redis is required (or set GPLR_REDIS_URL)") }
        do {
            _ = try RedisEndpoint(url: redisURL)
        } catch {
            throw ValidationError("--redis: \(error.message)")
        }
        guard !prefix.isEmpty, !prefix.contains(where: { $0.isWhitespace || $0 == "{" || $0 == "}" }) else {
            throw ValidationError("--prefix must be non-empty, without spaces or braces")
        }
        let parsed = parsedKinds
        guard !parsed.isEmpty else { throw ValidationError("--kinds names no kind") }
        for kind in parsed where !JobRegistry.kinds.contains(kind) {
            throw ValidationError(
                "--kinds: unknown kind '\(kind)' (this worker runs "
                    + JobRegistry.kinds.map(\.rawValue).joined(separator: ", ") + ")")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1, got \(concurrency)") }
        guard leaseSeconds >= 1 else {
            throw ValidationError("--lease-seconds must be at least 1, got \(leaseSeconds)")
        }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1, got \(maxAttempts)") }
        guard graceSeconds >= 0 else { throw ValidationError("--grace-seconds must not be negative") }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError(
                "--log-level: unknown level '\(logLevel)' (trace, debug, info, notice, warning, error, critical)")
        }
        if let id, id.isEmpty || id.contains(where: \.isWhitespace) {
            throw ValidationError("--id must be non-empty, without spaces")
        }
        if let llmKeyFile, !FileManager.default.isReadableFile(atPath: llmKeyFile) {
            throw ValidationError("--llm-key-file: cannot read \(llmKeyFile)")
        }
        for text in llmHeader {
            do { _ = try LLMHeader(parsing: text) } catch { throw ValidationError("\(error)") }
        }
        guard pruneAfterSeconds >= 1 else {
            throw ValidationError("--prune-after-seconds must be at least 1, got \(pruneAfterSeconds)")
        }
        if let parentPid, parentPid <= 1 { throw ValidationError("--parent-pid must be a process id above 1") }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535, got \(metricsPort)")
        }
        if let delay = debugJobDelayMs, delay < 0 { throw ValidationError("--debug-job-delay-ms must not be negative") }
    }

    /// `--redis`, else the `GPLR_REDIS_URL` environment variable.
    private var redisURL: String? {
        redis ?? ProcessInfo.processInfo.environment["GPLR_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var parsedKinds: [JobKind] {
        var seen: Set<JobKind> = []
        return kinds.split(separator: ",").map { JobKind(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.rawValue.isEmpty && seen.insert($0).inserted }
    }

    private var cacheDirectory: String {
        if let cacheDir { return cacheDir }
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/gplr" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/gplr"
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "gplr.worker")
        if let parentPid, getppid() != parentPid {
            Self.fail("--parent-pid \(parentPid) is not this worker's parent (\(getppid())): it is gone already")
            throw ExitCode.failure
        }
        let endpoint = try RedisEndpoint(url: redisURL ?? "")
        // Only the key and extra headers are read here: the server, model and limits come with each job.
        var llmKey: LLMAPIKey?
        if let llmKeyFile {
            do {
                llmKey = try LLMConfiguration.readKey(from: llmKeyFile)
            } catch {
                Self.fail("--llm-key-file: \(error)")
                throw ExitCode.failure
            }
        } else if let key = ProcessInfo.processInfo.environment["OPENAI_API_KEY"]?
            .trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty
        {
            llmKey = LLMAPIKey(key)
        }
        let llmHeaders: [LLMHeader]
        do {
            llmHeaders = try LLMConfiguration.readHeaders(
                file: llmHeaderFile, environmentVariable: llmHeaderEnv, flags: llmHeader)
        } catch {
            Self.fail("--llm-header: \(error)")
            throw ExitCode.failure
        }
        var configuration = WorkerConfiguration(
            endpoint: endpoint, keys: RedisKeys(prefix: prefix), kinds: parsedKinds, concurrency: concurrency,
            cacheDirectory: cacheDirectory, leaseDuration: .seconds(leaseSeconds), maxAttempts: maxAttempts,
            workerID: id ?? WorkerConfiguration.defaultWorkerID(),
            debugJobDelay: debugJobDelayMs.map { .milliseconds($0) })
        configuration.debugJobHoldFile = debugJobHoldFile
        configuration.llmAPIKey = llmKey
        configuration.llmHeaders = llmHeaders
        configuration.pruneAfter = .seconds(pruneAfterSeconds)

        do {
            try FileManager.default.createDirectory(
                atPath: configuration.cacheDirectory, withIntermediateDirectories: true)
        } catch {
            Self.fail("cannot create the snapshot cache directory \(configuration.cacheDirectory): \(error)")
            throw ExitCode.failure
        }
        // Fail fast with a clear message when Redis is unreachable or refuses us (a few quick tries only).
        let probe = RedisClient(
            endpoint: endpoint,
            options: RedisClientOptions(
                reconnect: RedisReconnectPolicy(maxAttempts: 3, initialDelay: .milliseconds(200))))
        do {
            try await probe.send("PING")
            await probe.close()
        } catch {
            Self.fail("cannot reach Redis at \(endpoint): \(error)")
            throw ExitCode.failure
        }

        let service = WorkerService(configuration: configuration, logger: logger)
        // Shutdown runs in reverse order: the worker finishes its jobs first, the metrics server stops last.
        var services: [any Service] = []
        if let metricsPort {
            // Bootstrap swift-metrics before any job records a metric.
            _ = PrometheusExporter.bootstrap(
                describing: WorkerMetrics.all, version: BuildInfo.version, commit: BuildInfo.commit)
            WorkerMetrics.preinitialize(kinds: configuration.kinds)
            services.append(
                WorkerMetricsServer.application(host: metricsHost, port: metricsPort, worker: service, logger: logger))
        }
        if let parentPid { services.append(ParentWatch(parent: parentPid, logger: logger)) }
        services.append(service)
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(graceSeconds)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            Self.fail("stopped on an error: \(error)")
            throw ExitCode.failure
        }
    }

    private static func fail(_ message: String) {
        FileHandle.standardError.write(Data("gplr-worker: \(message)\n".utf8))
    }
}
