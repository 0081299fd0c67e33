import ArgumentParser
import Foundation
import GPLRCore
import GPLRLLM
import GPLRRedis
import GPLRSupport
import LLMSimulator

/// `gplr bench llm`: labeling throughput and tokens per user against the in-process simulator.
struct BenchLLMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm",
        abstract: "LLM labeler: users/s over real HTTP to the simulator, with and without the Redis cache; "
            + "tokens per user at 1 vs 10 users per request.",
        discussion: """
            The peer is the in-process LLM simulator (not a model), with log-normal latency. The cache rows need \
            --redis (a scratch Redis: the cache keys of this run are deleted afterwards).
            """)

    @Option(help: "Users labeled per pass.")
    var users: Int = 2000

    @Option(help: "Mean simulated latency in milliseconds.")
    var latencyMs: Double = 200

    @Option(help: "Requests in flight.")
    var concurrency: Int = 64

    @Option(help: "Redis URL for the cache passes.")
    var redis: String?

    func validate() throws {
        guard users > 0, concurrency > 0, latencyMs >= 0 else {
            throw ValidationError("--users and --concurrency must be positive, --latency-ms not negative")
        }
    }

    struct Row {
        var name: String
        var users: Int
        var seconds: Double
        var counters: [String: Int]
    }

    func run() async throws {
        let personaNames = (1...20).map { "Bench Persona \($0)" }
        let personaSet = try PersonaSet(personaNames.map { Persona(name: $0, description: "Shoppers of kind \($0).") })
        let graph = try RandomGraph(userCount: users, itemCount: 5000, edgeCount: users * 20, seed: 7).build()
        var random = SeededGenerator(seed: 11)
        var truth: [String: [String]] = [:]
        for id in graph.userIDs {
            truth[id] = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                personaNames[Int.random(in: 0..<personaNames.count, using: &random)]
            }
        }
        let simulator = LLMSimulator(
            truth: truth, personas: personaNames,
            configuration: LLMSimulatorConfiguration(latency: .logNormal(mean: .milliseconds(latencyMs), sigma: 0.5)))
        let everyone = Array(0..<graph.userCount)
        let redisClient = try redis.map { try RedisClient(url: $0) }
        let benchKeys = BenchRedisPrefix()
        let cache = redisClient.map { LLMResponseCache(redis: $0, keys: benchKeys.keys) }
        var rows: [Row] = []
        // Between passes only: each pass is timed.
        let progress = ProgressReporter("bench llm", total: cache == nil ? 2 : 4, unit: .items("passes"))
        defer { progress.finish() }
        progress.update(0)
        try await simulator.withRunningServer { port in
            let configuration = LLMConfiguration(
                baseURL: "http://127.0.0.1:\(port)", model: "sim", concurrency: concurrency)
            func pass(_ name: String, perRequest: Int, cache: LLMResponseCache?) async throws {
                let client = try ChatCompletionClient(configuration: configuration)
                let labeler = LLMLabeler(
                    client: client, personas: personaSet, options: LLMLabelerOptions(usersPerRequest: perRequest),
                    cache: cache)
                let timer = Stopwatch()
                let batch = try await labeler.label(users: everyone, in: graph)
                let seconds = timer.seconds
                await client.shutdown()
                rows.append(Row(name: name, users: batch.labels.count, seconds: seconds, counters: batch.counters))
                Console.status("  \(name): \(batch.labels.count) users in \(Console.seconds(seconds))")
                progress.advance()
            }
            try await pass("1 user/request, no cache", perRequest: 1, cache: nil)
            if let cache {
                try await pass("1 user/request, cache (cold)", perRequest: 1, cache: cache)
                try await pass("1 user/request, cache (all hits)", perRequest: 1, cache: cache)
            }
            try await pass("10 users/request, no cache", perRequest: 10, cache: nil)
        }
        progress.finish()
        if let redisClient { try await benchKeys.deleteAll(redisClient) }
        print(
            "LLM labeler vs simulator: \(users) users, latency mean \(Int(latencyMs)) ms (log-normal σ 0.5), "
                + "concurrency \(concurrency)")
        let header = ["pass", "users/s", "requests", "cache hits", "prompt tok/user", "compl. tok/user"]
        let widths = [34, 10, 10, 11, 16, 16]
        print(zip(header, widths).map { pad($0, $1) }.joined(separator: " "))
        for row in rows {
            let perUser = { (name: String) in Double(row.counters[name, default: 0]) / Double(max(1, row.users)) }
            let cells = [
                row.name, String(format: "%.0f", Double(row.users) / max(row.seconds, 1e-9)),
                "\(row.counters["llm.requests", default: 0])", "\(row.counters["llm.cache-hits", default: 0])",
                String(format: "%.0f", perUser("llm.prompt-tokens")),
                String(format: "%.1f", perUser("llm.completion-tokens")),
            ]
            print(zip(cells, widths).map { pad($0, $1) }.joined(separator: " "))
        }
        if redis == nil { print("(cache passes skipped: no --redis)") }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
