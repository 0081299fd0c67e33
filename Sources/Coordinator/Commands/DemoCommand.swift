import ArgumentParser
import Foundation
import GPLRCore
import GPLRRedis

/// `gplr demo`: the whole distributed system on this machine in one command — a `redis-server`, the LLM
/// simulator, N `gplr-worker` processes and the coordinator running a synthetic dataset through them.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the distributed system on this machine: Redis, a simulated LLM, workers, a GPLR run.",
        discussion: """
            Starts a redis-server in a temp dir (unless --redis is given), an OpenAI-compatible LLM SIMULATOR in \
            this process (it answers from the planted truth with noise, latency and injected 429/500 faults; it \
            is not a language model) and --workers gplr-worker processes (found next to this gplr; their API key \
            `demo-key` is in their environment only). It generates a synthetic dataset with planted personas, \
            ingests it and runs GPLR through Redis exactly like `gplr run --redis --llm-url`, then prints the \
            persona summary and the accuracy against the planted truth. Watch it on the live dashboard whose URL \
            it prints (`dashboard: http://127.0.0.1:PORT/`, up while the demo runs; --no-dashboard turns it off) \
            or with the printed `gplr status --watch` command.

            Ctrl-C or SIGTERM stops everything it started (workers: SIGTERM, then SIGKILL after a grace) and exits \
            non-zero. At the end everything is stopped too, unless --keep. Dataset, snapshot, results and worker \
            logs stay in --dir.
            """)

    @Option(
        help: ArgumentHelp(
            "Use this Redis instead of starting a redis-server (default prefix gplr-demo).",
            valueName: "url"))
    var redis: String?

    @Option(help: "Key prefix in Redis (default: gplr, or gplr-demo with --redis).")
    var prefix: String?

    @Option(help: "Working directory: dataset, snapshot, results, worker logs and caches.")
    var dir: String = "gplr-demo"

    @Option(help: "Number of synthetic users.")
    var users: Int = 20_000

    @Option(help: "Number of synthetic items (default: users / 2 + 1,000).")
    var items: Int?

    @Option(help: "Number of personas.")
    var personas: Int = 20

    @Option(help: "gplr-worker processes to start.")
    var workers: Int = 2

    @Option(help: "Jobs each worker runs at once.")
    var workerConcurrency: Int = 2

    @OptionGroup var options: RunOptions

    @Option(help: "Simulated LLM: probability of dropping each true persona.")
    var noiseDrop: Double = 0.2

    @Option(help: "Simulated LLM: probability of adding a wrong persona.")
    var noiseAdd: Double = 0.1

    @Option(help: "Simulated LLM: mean answer latency in milliseconds.")
    var latencyMs: Double = 20

    @Option(name: .customLong("fault-429"), help: "Simulated LLM: share of requests answered 429 (Retry-After).")
    var fault429: Double = 0.02

    @Option(name: .customLong("fault-500"), help: "Simulated LLM: share of requests answered 500.")
    var fault500: Double = 0.01

    @Option(help: "Seconds a stopping worker may finish its jobs before it is killed.")
    var graceSeconds: Double = 5

    @Flag(help: "Leave redis-server and the workers running at the end (prints how to stop them).")
    var keep = false

    @Flag(inversion: .prefixedNo, help: "Serve the live dashboard (gplr serve) on 127.0.0.1 while the demo runs.")
    var dashboard = true

    @Option(help: "Port of the dashboard (0: any free port).")
    var dashboardPort = 0

    /// The API key the demo's workers get in their environment; the simulator accepts only this one.
    static let apiKey = "demo-key"

    func validate() throws {
        guard users >= 1, personas >= 1 else { throw ValidationError("--users and --personas must be at least 1") }
        if let items, items < personas { throw ValidationError("--items must be at least --personas") }
        guard workers >= 1, workerConcurrency >= 1 else {
            throw ValidationError("--workers and --worker-concurrency must be at least 1")
        }
        guard [noiseDrop, noiseAdd, fault429, fault500].allSatisfy({ (0...1).contains($0) }),
            fault429 + fault500 <= 1
        else { throw ValidationError("noise probabilities and fault shares must be in [0, 1]") }
        guard latencyMs >= 0, graceSeconds >= 0 else {
            throw ValidationError("--latency-ms and --grace-seconds must not be negative")
        }
        if let prefix, prefix.isEmpty || prefix.contains(where: { $0.isWhitespace || "{}:".contains($0) }) {
            throw ValidationError("--prefix must be non-empty, without spaces, braces or colons")
        }
        if let redis {
            do { _ = try RedisEndpoint(url: redis) } catch { throw ValidationError("--redis: \(error.message)") }
        }
        guard (0...65535).contains(dashboardPort) else {
            throw ValidationError("--dashboard-port must be in 0 ... 65535")
        }
    }

    /// How the demo's main part ended.
    private enum Ending: Sendable {
        /// With the URL of the Redis it used.
        case finished(redisURL: String)
        case failed(any Error)
        case signal(Int32)
        case cancelled
    }

    func run() async throws {
        // Catch SIGINT/SIGTERM before anything is started, so that nothing started can be left behind.
        let signals = TerminationSignals()
        let cluster = DemoCluster()
        let settings = self
        let ending: Ending = await withTaskGroup(of: Ending.self) { group in
            group.addTask { await signals.next().map { .signal($0) } ?? .cancelled }
            group.addTask {
                do {
                    return .finished(redisURL: try await settings.demo(cluster))
                } catch {
                    return .failed(error)
                }
            }
            let first = await group.next() ?? .cancelled
            if case .signal(let number) = first { await Self.interrupted(by: number, cluster, grace: settings.grace) }
            signals.cancel()
            group.cancelAll()
            return first
        }
        switch ending {
        case .finished(let url) where keep:
            let kept = cluster.release()
            print("")
            print(
                "--keep: left running: redis at \(url) and \(Self.workers(kept.workers.count)) "
                    + "(the LLM simulator has stopped with this process). Stop them with:")
            print("  kill \(kept.workers.map(String.init).joined(separator: " "))   # the workers")
            if let server = kept.redis {
                print("  kill \(server.pid) && rm -rf \(server.directory)   # redis-server")
            }
            print(
                "Watch it meanwhile with: gplr serve --redis \(Self.shown(url))"
                    + (prefix.map { " --prefix \($0)" } ?? (redis == nil ? "" : " --prefix gplr-demo")))
        case .finished, .cancelled:
            let stopped = await cluster.stop(grace: grace)
            Console.status(
                "demo: stopped \(Self.workers(stopped.workers))" + (stopped.redis ? " and redis-server" : ""))
        case .failed(let error):
            await cluster.stop(grace: grace)
            throw error
        case .signal:
            break  // not reached: interrupted(by:) exits
        }
    }

    /// `1 worker`, `2 workers`.
    static func workers(_ count: Int) -> String { count == 1 ? "1 worker" : "\(count) workers" }

    var grace: Duration { .milliseconds(Int64(graceSeconds * 1000)) }

    /// Stops everything this demo started and ends the process with 128 + the signal's number.
    ///
    /// It exits rather than returning: the demo's main task may be inside a synchronous step (generating or
    /// ingesting the dataset) that cannot be cancelled, and waiting for it would not be a prompt stop.
    private static func interrupted(by number: Int32, _ cluster: DemoCluster, grace: Duration) async -> Never {
        Console.status(
            "demo: \(TerminationSignals.name(number)) received; stopping the workers, the LLM simulator "
                + "and Redis")
        let stopped = await cluster.stop(grace: grace)
        TemporaryPaths.removeAll()  // a snapshot or result set being written
        Console.status(
            "demo: interrupted; stopped \(Self.workers(stopped.workers))"
                + (stopped.redis ? " and redis-server" : ""))
        Foundation.exit(128 + number)
    }
}
