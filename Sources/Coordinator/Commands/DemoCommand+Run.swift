import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime
import GPLRSupport
import LLMSimulator

extension DemoCommand {
    /// The demo's main part: Redis, the dashboard, dataset, simulator, workers, the distributed run and its
    /// summary. Returns the URL of the Redis it used. Everything it starts is registered with `cluster`, which the
    /// caller stops; the dashboard stops when this returns.
    func demo(_ cluster: DemoCluster) async throws -> String {
        let directory = DistributedRun.absolute(dir)
        let logs = Self.join(directory, "logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        _ = try DemoCluster.workerExecutable()  // fail before starting anything when it is missing

        // Redis: the given one, or a redis-server of our own.
        let url: String
        if let redis {
            url = redis
            try await Self.ping(url)
            Console.status("demo: using Redis at \(Self.shown(url))")
        } else {
            let server = try await cluster.startRedis(logPath: Self.join(logs, "redis.log"))
            url = server.url
            Console.status("demo: redis-server started at \(url) (pid \(server.pid), temp dir \(server.directory))")
        }
        let prefix = prefix ?? (redis == nil ? "gplr" : "gplr-demo")
        guard dashboard else {
            try await generateAndRun(url: url, prefix: prefix, directory: directory, cluster: cluster)
            return url
        }
        let client = try RedisClient(url: url)
        var server = DashboardServer(client: client, keys: RedisKeys(prefix: prefix))
        server.port = dashboardPort
        try await withCleanup {
            try await server.withRunning { port in
                Console.status(
                    "dashboard: \(DashboardServer.url(host: server.host, port: port)) "
                        + "(live while the demo runs)")
                try await generateAndRun(url: url, prefix: prefix, directory: directory, cluster: cluster)
            }
        } cleanup: {
            await client.close()
        }
        return url
    }

    /// The demo after Redis is up: dataset, snapshot, simulator, workers, the run and its summary.
    private func generateAndRun(url: String, prefix: String, directory: String, cluster: DemoCluster) async throws {
        let data = Self.join(directory, "data")
        let snapshot = Self.join(directory, "graph.gplrsnap")
        let results = Self.join(directory, "results")
        let logs = Self.join(directory, "logs")
        let workerExecutable = try DemoCluster.workerExecutable()

        // The dataset, with planted personas, and its snapshot.
        try PlantedDataset.write(
            SyntheticConfig(users: users, items: items ?? users / 2 + 1_000, personas: personas), data: data,
            snapshot: snapshot, tag: "demo: ", planted: " with \(personas) planted personas")

        let personasPath = Self.join(data, SyntheticGenerator.personasFile)
        let personaSet = try PersonaSet(contentsOf: personasPath)
        let truth = try LabelsFile.read(
            path: Self.join(data, SyntheticGenerator.truthFile), personas: personaSet)
        let simulator = simulator(truth: truth, personas: personaSet)

        try await simulator.withRunningServer { port in
            Console.status(
                "demo: LLM SIMULATOR (not a language model) at http://127.0.0.1:\(port): answers from "
                    + "the planted truth, drops \(noiseDrop) / adds \(noiseAdd), ~\(Int(latencyMs)) ms, "
                    + "\(Console.percent(fault429)) 429s and \(Console.percent(fault500)) 500s injected")

            var environment = ProcessInfo.processInfo.environment
            environment["OPENAI_BASE_URL"] = nil
            environment["OPENAI_API_KEY"] = Self.apiKey
            environment["GPLR_REDIS_URL"] = url  // not on the command line, where a password would show in `ps`
            var pids: [String] = []
            for index in 1...workers {
                let worker = try cluster.startWorker(
                    executable: workerExecutable,
                    arguments: [
                        "--prefix", prefix, "--concurrency", String(workerConcurrency),
                        "--cache-dir", Self.join(directory, "cache/worker-\(index)"),
                        "--id", "demo-\(getpid())-\(index)", "--grace-seconds", String(Int(graceSeconds.rounded(.up))),
                    ] + (keep ? [] : ["--parent-pid", String(getpid())]),  // they never outlive the demo
                    environment: environment, logPath: Self.join(logs, "worker-\(index).log"))
                pids.append(String(worker.pid))
            }
            Console.status(
                "demo: \(Self.workers(workers)) started (pids \(pids.joined(separator: ", ")); "
                    + "logs in \(logs)/)")
            Console.status(
                "demo: watch it: gplr status --watch --redis \(Self.shown(url))"
                    + (prefix == "gplr" ? "" : " --prefix \(prefix)"))

            var result = try await distributedRun(
                url: url, prefix: prefix, snapshot: snapshot, personasPath: personasPath, results: results,
                port: port, cluster: cluster)
            result.labels = UserLabels(truth, userIDs: result.graph.userIDs)
            try RunSummary.printWithPlantedTruth(
                result, noise: "LLM simulator noise drop \(noiseDrop) / add \(noiseAdd)")
            let statistics = simulator.statistics
            let counters = result.outcome.report.labelerCounters
            print(
                "LLM simulator: \(Console.count(statistics.requests)) requests, "
                    + "\(Console.count(statistics[.rateLimited])) answered 429 and "
                    + "\(Console.count(statistics[.serverError])) answered 500 (retried by the workers: "
                    + "\(Console.count(counters["llm.retries", default: 0])) retries), "
                    + "\(Console.count(statistics.promptTokens + statistics.completionTokens)) tokens")
            print(
                "results in \(results)/ (phi.csv, phi-long.csv, phi.jsonl, psi.npy, report.json); worker logs in \(logs)/"
            )
            fflush(nil)  // the summary before the stop messages on stderr
        }
    }

    /// The simulated LLM: the planted truth by persona name, with the demo's noise, latency and faults.
    private func simulator(truth: LabelsFile.Contents, personas: PersonaSet) -> LLMSimulator {
        let configuration = LLMSimulatorConfiguration(
            seed: 7, dropRate: noiseDrop, wrongPersonaRate: noiseAdd,
            latency: .meanMilliseconds(latencyMs),
            faultRates: [.rateLimited: fault429, .serverError: fault500], retryAfter: .milliseconds(500),
            expectedAPIKey: Self.apiKey)
        return LLMSimulator(labels: truth, personas: personas, configuration: configuration)
    }

    /// `gplr run --redis URL --llm-url <simulator>`, the same types the run command uses; fails when a worker
    /// ends during the run (the jobs would wait forever otherwise).
    private func distributedRun(
        url: String, prefix: String, snapshot: String, personasPath: String, results: String, port: Int,
        cluster: DemoCluster
    ) async throws -> LocalRun.Result {
        var run = DistributedRun(client: try RedisClient(url: url), keys: RedisKeys(prefix: prefix))
        run.pollInterval = .milliseconds(50)
        run.threads = options.threads
        run.logger = Console.logger
        run.progressMode = .current
        let spec = LLMLabelerSpec(baseURL: "http://127.0.0.1:\(port)", model: "gplr-demo-simulator")
        let new = DistributedRun.NewRun(
            runID: RunCommand.generatedRunID(), snapshotPath: snapshot, personasPath: personasPath,
            labeler: .llm(spec), parameters: options.parameters, outputDirectory: results)
        Console.status("demo: run \(new.runID): labeling with the simulated LLM through \(Self.workers(workers))")
        let prepared = run
        return try await withCleanup {
            try await Self.raceWorkers(cluster) { try await prepared.start(new) }
        } cleanup: {
            await prepared.client.close()
        }
    }

    /// Runs `body`, failing when a worker of `cluster` ends before it is done.
    private static func raceWorkers(
        _ cluster: DemoCluster, _ body: @escaping @Sendable () async throws -> LocalRun.Result
    ) async throws -> LocalRun.Result {
        try await withThrowingTaskGroup(of: LocalRun.Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                guard let (worker, ended) = await cluster.firstWorkerExit() else { return nil }
                throw DemoError(
                    .workerExited, "worker \(worker.pid) \(ended) during the run (log: \(worker.stdoutPath))")
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let result = next { return result }
            }
            throw CancellationError()
        }
    }

    /// Fails with a clear message when `url` does not answer PING.
    static func ping(_ url: String) async throws {
        do {
            let client = try RedisClient(url: url)
            _ = try await withCleanup {
                try await client.send("PING")
            } cleanup: {
                await client.close()
            }
        } catch {
            throw DemoError(
                .redisUnreachable, "cannot reach Redis at \(Self.shown(url))",
                underlying: error)
        }
    }

    /// `url` as it may be printed: the password of a `--redis` URL replaced by `***`.
    static func shown(_ url: String) -> String {
        (try? RedisEndpoint(url: url)).map { String(describing: $0) } ?? "<the --redis URL>"
    }

    private static func join(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
