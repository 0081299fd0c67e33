import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRCore
@testable import GPLRRedis

/// The provider examples of docs/configuration.md ("LLM providers"), run as documented with the built `gplr`
/// against the simulator standing in for each provider (it checks path, query and headers), and the same
/// flags through workers with a secret extra header that must never reach Redis or a log.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LLMProviderCLITests {
    static let key = "sk-test-SECRET-5150"
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")

    /// A documented example: its provider-specific flags exactly as the docs print them, and what the provider
    /// (the simulator) insists on.
    struct Example: Sendable, CustomTestStringConvertible {
        var name: String
        /// As in the docs; the scheme and host (up to the first `/` after `://`) become the simulator's.
        var flags: [String]
        var path: String
        var query: [String: String] = [:]
        var headers: [String: String] = [:]
        var absent: [String] = []
        var testDescription: String { name }

        /// The flags with the documented server replaced by `http://127.0.0.1:port`.
        func flags(port: Int) -> [String] {
            flags.map { flag in
                guard let scheme = flag.range(of: "://") else { return flag }
                let rest = flag[scheme.upperBound...]
                let path = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
                return "http://127.0.0.1:\(port)" + path
            }
        }
    }

    static let examples: [Example] = [
        Example(
            name: "OpenAI", flags: ["--llm-url", "https://api.openai.com", "--llm-model", "gpt-4o-mini"],
            path: "/v1/chat/completions", headers: ["Authorization": "Bearer \(key)"], absent: ["api-key"]),
        Example(
            name: "Azure OpenAI",
            flags: [
                "--llm-endpoint",
                "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT/chat/completions?api-version=2024-10-21",
                "--llm-auth", "api-key", "--llm-model", "DEPLOYMENT",
            ],
            path: "/openai/deployments/DEPLOYMENT/chat/completions", query: ["api-version": "2024-10-21"],
            headers: ["api-key": key], absent: ["Authorization"]),
        Example(
            name: "vLLM", flags: ["--llm-url", "http://vllm-host:8000/v1", "--llm-model", "Qwen/Qwen2.5-7B-Instruct"],
            path: "/v1/chat/completions", headers: ["Authorization": "Bearer \(key)"]),
        Example(
            name: "Ollama",
            flags: ["--llm-url", "http://localhost:11434", "--llm-auth", "none", "--llm-model", "llama3.1"],
            path: "/v1/chat/completions", absent: ["Authorization", "api-key"]),
        Example(
            name: "llama.cpp server", flags: ["--llm-url", "http://localhost:8080", "--llm-model", "local"],
            path: "/v1/chat/completions", headers: ["Authorization": "Bearer \(key)"]),
        Example(
            name: "Gemini",
            flags: [
                "--llm-endpoint", "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
                "--llm-model", "gemini-2.0-flash",
            ],
            path: "/v1beta/openai/chat/completions", headers: ["Authorization": "Bearer \(key)"]),
    ]

    static func simulator(_ example: Example, truth: [String: [String]], personas: [String]) -> LLMSimulator {
        var configuration = LLMSimulatorConfiguration(structuredOutputs: .honour)
        configuration.chatPath = example.path
        configuration.expectedQuery = example.query
        configuration.expectedHeaders = example.headers
        configuration.absentHeaders = example.absent
        return LLMSimulator(truth: truth, personas: personas, configuration: configuration)
    }

    @Test(arguments: examples) func theDocumentedFlagsReachTheProviderAsItExpects(_ example: Example) async throws {
        let docs = try String(contentsOf: Self.docs, encoding: .utf8)
        let documented = example.flags.map { $0.contains("?") || $0.contains(" ") ? "\"\($0)\"" : $0 }
            .joined(separator: " ")
        #expect(docs.contains(documented), "docs/configuration.md lacks `\(documented)`")

        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let simulator = Self.simulator(
            example, truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            let out = data.directory.file("out")
            let ran = try await BuiltProduct.run(
                "gplr",
                [
                    "run", "--local", "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--out", out,
                    "--budget", "20", "--iterations", "2", "--llm-users-per-request", "4",
                ] + example.flags(port: port),
                environment: ["OPENAI_API_KEY": Self.key, "GPLR_PROGRESS": "off"])
            #expect(ran.status == 0, "\(ran.stderr)")
            let statistics = simulator.statistics
            // 20 users in 2 iterations of 10, 4 per request: 3 + 3 requests, each answered at once.
            #expect(statistics.completions == 6 && statistics.requests == 6)
            #expect(statistics.unauthorized == 0 && statistics.wrongQuery == 0)
            #expect(statistics.schemaRequests == statistics.requests && statistics.schemaViolations == 0)
            let counters = try LLMDistributedTests.counters(data.directory.file("out/report.json"))
            #expect(counters["llm_labeled"] == 20 && counters["llm_parse_failures"] == nil, "\(counters)")
            for (name, text) in [("stdout", ran.stdout), ("stderr", ran.stderr)]
                + LLMDistributedTests.allFiles(
                    under: out)
            {
                #expect(!text.contains(Self.key), "\(name)")
            }
        }
    }

    @Test func workersSendTheirKeyAndSecretHeadersToAnAzureEndpointAndNothingLeaks() async throws {
        let gateway = "gw-SECRET-header-6061"
        let azure = Self.examples[1]
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        var example = azure
        example.headers["X-Gateway-Token"] = gateway
        let simulator = Self.simulator(
            example, truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        let headerFile = data.directory.file("headers")
        try "# on the worker only\nX-Gateway-Token: \(gateway)\n".write(
            toFile: headerFile, atomically: true, encoding: .utf8)
        try await simulator.withRunningServer { port in
            let common = [
                "run", "--redis", server.url, "--snapshot", data.snapshotPath, "--personas", data.personasPath,
                "--budget", "20", "--iterations", "2", "--label-batch-size", "5", "--poll-milliseconds", "20",
                "--timeout", "60",
            ]
            // Headers given to the coordinator with --redis are refused: their values would travel in jobs.
            let refused = try await runOffThePool(
                common + ["--run-id", "h0", "--out", data.directory.file("out0"), "--llm-header", "X-A: b"]
                    + azure.flags(port: port))
            #expect(refused.status != 0 && refused.stderr.contains("--llm-header"), "\(refused.stderr)")

            let worker = try LLMDistributedTests.worker(
                server, data.directory, label: "worker", key: Self.key, extra: ["--llm-header-file", headerFile])
            defer { worker.stop() }
            let ran = try await runOffThePool(
                common + ["--run-id", "h1", "--out", data.directory.file("out1")] + azure.flags(port: port))
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(ran.stdout.contains("prototypes labeled: 20"), "\(ran.stdout)")
            #expect(simulator.statistics.unauthorized == 0 && simulator.statistics.completions > 0)
            #expect(simulator.statistics.schemaRequests == simulator.statistics.requests)

            let everything = try await RedisDump.everything(try RedisClient(url: server.url))
            #expect(everything.contains { $0.contains("api-version=2024-10-21") }, "the endpoint is in the jobs")
            #expect(!everything.contains { $0.contains("SECRET") })
            worker.stop()
            _ = await worker.wait(timeout: .seconds(10))
            let texts =
                [("coordinator", ran.stdout + ran.stderr)]
                + LLMDistributedTests.allFiles(
                    under: data.directory.path
                ).filter { $0.0 != headerFile }
            for (name, text) in texts { #expect(!text.contains(gateway) && !text.contains(Self.key), "\(name)") }
        }
    }

    /// `--llm-header-env NAME`: the variable's `Name: value` lines reach the server (which insists on them); the
    /// values are in no output, file or error message, a missing variable or a bad line fails naming the variable
    /// (and the line) only, and with --redis the coordinator refuses it like --llm-header-file.
    @Test func headersFromAnEnvironmentVariableReachTheServerAndNeverShow() async throws {
        let gateway = "gw-SECRET-env-7077"
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        var example = Self.examples[3]
        example.headers = ["X-Gateway-Token": gateway, "X-Team": "team-SECRET-2"]
        let simulator = Self.simulator(
            example, truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            func run(_ environment: [String: String], _ extra: [String] = [], out: String) async throws
                -> BuiltProduct.Output
            {
                try await BuiltProduct.run(
                    "gplr",
                    [
                        "run", "--local", "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--out",
                        data.directory.file(out), "--budget", "20", "--iterations", "2", "--llm-users-per-request",
                        "4", "--llm-header-env", "GW_HEADERS",
                    ] + extra + example.flags(port: port),
                    environment: environment.merging(["GPLR_PROGRESS": "off"]) { a, _ in a })
            }
            let ran = try await run(
                ["GW_HEADERS": "# from the secret store\nX-Gateway-Token: \(gateway)\n\nX-Team:team-SECRET-2\n"],
                out: "out")
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(simulator.statistics.unauthorized == 0 && simulator.statistics.completions == 6)

            // Without the variable, and with a line that is no header: the run fails before any request.
            let missing = try await run([:], out: "o1")
            #expect(missing.status != 0 && missing.stderr.contains("$GW_HEADERS"), "\(missing.stderr)")
            let bad = try await run(["GW_HEADERS": "X-Gateway-Token: \(gateway)\nteam-SECRET-2"], out: "o2")
            #expect(bad.status != 0 && bad.stderr.contains("$GW_HEADERS:2"), "\(bad.stderr)")
            // A header the server does not get is refused by it: the values are what reach it.
            let wrong = try await run(["GW_HEADERS": "X-Gateway-Token: other-SECRET\nX-Team: team-SECRET-2"], out: "o3")
            #expect(wrong.status != 0 && simulator.statistics.unauthorized > 0, "\(wrong.stderr)")
            #expect(simulator.statistics.completions == 6)

            let refused = try await BuiltProduct.run(
                "gplr",
                [
                    "run", "--redis", "redis://127.0.0.1:1", "--snapshot", data.snapshotPath, "--personas",
                    data.personasPath, "--out", data.directory.file("o4"), "--llm-header-env", "GW_HEADERS",
                ] + example.flags(port: port),
                environment: ["GW_HEADERS": "X-Gateway-Token: \(gateway)"])
            #expect(refused.status != 0 && refused.stderr.contains("--llm-header-env"), "\(refused.stderr)")

            let texts =
                [ran, missing, bad, wrong, refused].map { ("output", $0.stdout + $0.stderr) }
                + LLMDistributedTests.allFiles(under: data.directory.path)
            for (name, text) in texts {
                #expect(
                    !text.contains(gateway) && !text.contains("team-SECRET") && !text.contains("other-SECRET"),
                    "\(name)")
            }
        }
    }
}
