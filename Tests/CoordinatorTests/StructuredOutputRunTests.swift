import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRCore
@testable import GPLRRedis

/// `gplr run --local` with structured outputs, the built binary against the simulator: a server that honours
/// the schema gives no parse failure where JSON mode has them, and one that refuses it is reported.
@Suite(.serialized, .timeLimit(.minutes(5))) struct StructuredOutputRunTests {
    static func run(
        _ data: DistributedDataset, _ configuration: LLMSimulatorConfiguration, extra: [String] = []
    ) async throws -> (BuiltProduct.Output, [String: Int], LLMSimulatorStatistics) {
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names, configuration: configuration)
        return try await simulator.withRunningServer { port in
            let out = data.directory.file("out-\(UUID().uuidString)")
            let ran = try await BuiltProduct.run(
                "gplr",
                [
                    "run", "--local", "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--out", out,
                    "--budget", "40", "--iterations", "2", "--llm-users-per-request", "2", "--llm-answer-attempts", "6",
                    "--llm-url", "http://127.0.0.1:\(port)", "--llm-auth", "none",
                ] + extra,
                environment: ["GPLR_PROGRESS": "off"])
            let counters = ran.status == 0 ? try LLMDistributedTests.counters(out + "/report.json") : [:]
            return (ran, counters, simulator.statistics)
        }
    }

    @Test func honouredSchemasLeaveNoParseFailureWhereJSONModeHasSome() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let faulty = LLMSimulatorConfiguration(
            seed: 3, nameVariationRate: 0.3, faultRates: [.malformedJSON: 0.25, .unknownPersona: 0.2],
            structuredOutputs: .honour)
        let (plain, plainCounters, plainStatistics) = try await Self.run(
            data, faulty, extra: ["--no-llm-structured-outputs"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plainStatistics.schemaRequests == 0)
        #expect(plainCounters["llm_parse_failures", default: 0] > 0, "\(plainCounters)")

        let (structured, counters, statistics) = try await Self.run(data, faulty)
        #expect(structured.status == 0, "\(structured.stderr)")
        #expect(counters["llm_parse_failures"] == nil && counters["llm_unknown_personas"] == nil, "\(counters)")
        #expect(counters["llm_labeled"] == 40)
        #expect(statistics.schemaRequests == statistics.requests && statistics.schemaViolations == 0)
        #expect(structured.stdout.contains(", 0 parse failures"), "\(structured.stdout)")
        #expect(!structured.stdout.contains("refused structured outputs"))
    }

    @Test func aRefusalIsCountedAndSummarised() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let (ran, counters, statistics) = try await Self.run(
            data, LLMSimulatorConfiguration(structuredOutputs: .refuse), extra: ["--llm-concurrency", "1"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(statistics.schemaRefusals == 1 && counters["llm_schema_refusals"] == 1, "\(counters)")
        #expect(counters["llm_labeled"] == 40 && counters["llm_plain_answers"] == 20, "\(counters)")
        #expect(ran.stdout.contains("refused structured outputs (json_schema, 1 refused)"), "\(ran.stdout)")
    }
}

extension StructuredOutputRunTests {
    @Test func aWorkerDetectsTheRefusalOnceForAllItsJobs() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(structuredOutputs: .refuse))
        try await simulator.withRunningServer { port in
            let worker = try LLMDistributedTests.worker(
                server, data.directory, label: "worker", key: nil, extra: ["--concurrency", "1"])
            defer { worker.stop() }
            let ran = try await runOffThePool([
                "run", "--redis", server.url, "--run-id", "refused", "--snapshot", data.snapshotPath, "--personas",
                data.personasPath, "--out", data.directory.file("out"), "--budget", "30", "--iterations", "3",
                "--label-batch-size", "4", "--poll-milliseconds", "20", "--timeout", "60", "--llm-url",
                "http://127.0.0.1:\(port)", "--llm-auth", "none", "--llm-concurrency", "1",
            ])
            #expect(ran.status == 0, "\(ran.stderr)")
            // One worker, one request at a time: the first request of the run is refused, no later one carries a
            // schema, whichever job it belongs to.
            #expect(simulator.statistics.schemaRequests == 1 && simulator.statistics.schemaRefusals == 1)
            let counters = try LLMDistributedTests.counters(data.directory.file("out/report.json"))
            #expect(counters["llm_schema_refusals"] == 1 && counters["llm_labeled"] == 30, "\(counters)")
            #expect(ran.stdout.contains("refused structured outputs (json_schema, 1 refused)"), "\(ran.stdout)")
        }
    }
}
