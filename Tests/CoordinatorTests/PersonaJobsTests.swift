import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import Coordinator
@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRRedis
@testable import GPLRRuntime
@testable import GPLRSupport

/// `gplr personas generate|label-items --redis`: persona-propose, persona-merge and item-label jobs run by a
/// real `gplr-worker` against the LLM simulator in this process, with the key only in the worker's environment.
@Suite(.serialized, .timeLimit(.minutes(5))) struct PersonaJobsTests {
    static let secret = LLMDistributedTests.secret

    static func results(_ server: RedisServer, run: String) async throws -> [String] {
        let redis = try RedisClient(url: server.url)
        let reply = try await redis.send("HKEYS", RedisArgument(RedisKeys().run(run).results))
        return (reply.array ?? []).compactMap(\.string)
    }

    static func assertNoSecret(
        _ server: RedisServer, _ worker: ProcessHandle, _ outputs: [BuiltProduct.Output],
        directory: String, present: String
    ) async throws {
        let everything = try await RedisDump.everything(try RedisClient(url: server.url))
        #expect(everything.contains { $0.contains(present) }, "the dump holds the run's jobs")
        #expect(!everything.contains { $0.contains(secret) })
        worker.stop()
        _ = await worker.wait(timeout: .seconds(10))
        let texts =
            outputs.map { ("coordinator output", $0.stdout + $0.stderr) }
            + LLMDistributedTests.allFiles(under: directory)
        #expect(texts.contains { $0.0.hasSuffix("worker.stderr") && $0.1.contains("worker started") })
        for (name, text) in texts { #expect(!text.contains(secret), "the key is in \(name)") }
    }

    @Test func generatesThePersonaSetThroughJobsAsTheInProcessPathDoes() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 10)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let truth = try LLMDistributedTests.truth(data)
        let simulator = LLMSimulator(
            truth: truth, personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(expectedAPIKey: Self.secret))
        let sizes = [
            "--samples", "6", "--sample-size", "20", "--merges", "3", "--merge-size", "2", "--final", "8",
            "--seed", "3", "--llm-model", "sim-model",
        ]
        try await simulator.withRunningServer { port in
            let worker = try LLMDistributedTests.worker(server, data.directory, label: "worker", key: Self.secret)
            defer { worker.stop() }
            let out = data.directory.file("personas-jobs.json")
            let arguments =
                [
                    "personas", "generate", "--redis", server.url, "--run-id", "pgen",
                    "--snapshot", data.snapshotPath, "--out", out, "--llm-url", "http://127.0.0.1:\(port)",
                    "--poll-milliseconds", "20", "--timeout", "60",
                ] + sizes
            let ran = try await runOffThePool(arguments)
            #expect(ran.status == 0, "\(ran.stderr)")
            let generated = try PersonaSet(contentsOf: out)
            #expect(generated.count == 8)
            #expect(generated.names.allSatisfy { data.personas.index(ofName: $0) != nil }, "\(generated.names)")
            // One call per job: 6 proposals, 3 merges, 1 final.
            #expect(simulator.statistics.requests == 10)
            #expect(simulator.statistics.unauthorized == 0)
            let jobs = try await Self.results(server, run: "pgen")
            #expect(jobs.filter { $0.hasPrefix("persona-propose-") }.count == 6)
            #expect(jobs.filter { $0.hasPrefix("persona-merge-") && !$0.hasPrefix("persona-merge-final-") }.count == 3)
            #expect(jobs.filter { $0.hasPrefix("persona-merge-final-") }.count == 1)

            // Again with the same run id: every job's result is found, nothing is asked again, same set.
            let again = try await runOffThePool(arguments)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(simulator.statistics.requests == 10)
            #expect(try PersonaSet(contentsOf: out) == generated)
            try await Self.assertNoSecret(
                server, worker, [ran, again], directory: data.directory.path,
                present: "persona-merge-final-")
        }

        // The in-process path (its own key, a simulator with the same seed) draws the same samples and groups and
        // so gets the same answers.
        let local = LLMSimulator(truth: truth, personas: data.personas.names)
        try await local.withRunningServer { port in
            let out = data.directory.file("personas-local.json")
            let ran = try await runOffThePool(
                [
                    "personas", "generate", "--snapshot", data.snapshotPath, "--out", out,
                    "--llm-url", "http://127.0.0.1:\(port)",
                ] + sizes)
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(
                try PersonaSet(contentsOf: out)
                    == (try PersonaSet(contentsOf: data.directory.file("personas-jobs.json"))))
        }
    }

    @Test func labelsItemsThroughJobsAsTheSimulatorsItemTruth() async throws {
        let data = try DistributedDataset(users: 200, items: 120, personas: 6)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        var itemTruth: [String: [String]] = [:]
        for (index, id) in data.graph.itemIDs.enumerated() {
            let names = data.personas.names
            itemTruth[id] =
                index % 5 == 0
                ? [] : Array(Set([names[index % names.count], names[(index / 3) % names.count]])).sorted()
        }
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(expectedAPIKey: Self.secret), itemTruth: itemTruth)
        try await simulator.withRunningServer { port in
            let worker = try LLMDistributedTests.worker(server, data.directory, label: "worker", key: Self.secret)
            defer { worker.stop() }
            let out = data.directory.file("items.jsonl")
            let ran = try await runOffThePool([
                "personas", "label-items", "--redis", server.url, "--run-id", "items1", "--snapshot", data.snapshotPath,
                "--personas", data.personasPath, "--out", out, "--limit", "50", "--item-batch-size", "12",
                "--items-per-request", "5", "--llm-url", "http://127.0.0.1:\(port)", "--llm-model", "sim-model",
                "--poll-milliseconds", "20", "--timeout", "60",
            ])
            #expect(ran.status == 0, "\(ran.stderr)")
            let written = try ItemLabelsFile.read(path: out)
            #expect(written.count == 50)
            let graph = data.graph
            let top = Array(
                (0..<graph.itemCount).sorted {
                    graph.degree(ofItem: $0) != graph.degree(ofItem: $1)
                        ? graph.degree(ofItem: $0) > graph.degree(ofItem: $1) : $0 < $1
                }.prefix(50))
            #expect(Set(written.keys) == Set(top.map { graph.itemIDs[$0] }))
            for (id, personas) in written { #expect(personas.sorted() == itemTruth[id], "item \(id)") }
            // 50 items in jobs of 12: 5 jobs; 5 items per request: 3 + 3 + 3 + 3 + 1 requests.
            let jobs = try await Self.results(server, run: "items1")
            #expect(jobs.count == 5 && jobs.allSatisfy { $0.hasPrefix("item-label-") })
            #expect(simulator.statistics.requests == 13)
            try await Self.assertNoSecret(server, worker, [ran], directory: data.directory.path, present: "item-label-")
        }
    }

    @Test func executorRefusesBadPayloadsAndAWorkerWithoutAKey() async throws {
        let data = try DistributedDataset(users: 50, items: 40, personas: 4)
        defer { data.directory.remove() }
        let spec = LLMLabelerSpec(baseURL: "http://127.0.0.1:1", model: "m")
        let counts = PersonaJobCounts(personaCount: 4, datasetName: "test")
        let keyless = PersonaJobExecutor(clients: LabelJobExecutor(llm: LLMJobContext(apiKey: nil, redis: nil)))
        let withKey = PersonaJobExecutor(
            clients: LabelJobExecutor(
                llm: LLMJobContext(apiKey: LLMAPIKey(Self.secret), redis: nil)))
        func code(_ body: () async throws -> Void) async -> JobExecutionError? {
            do { try await body() } catch let error as JobExecutionError { return error } catch {}
            return nil
        }
        let propose = PersonaProposeJob(snapshot: "x", users: [0, 1], counts: counts, llm: spec)
        let noKey = await code { _ = try await keyless.propose(propose, graph: data.graph) }
        #expect(noKey?.code == .llm && noKey?.message == LLMJobContext.missingKeyMessage && noKey?.isRetriable == false)
        var outside = propose
        outside.users = [data.graph.userCount]
        #expect(await code { _ = try await withKey.propose(outside, graph: data.graph) }?.code == .outOfRange)
        var newer = propose
        newer.version = 2
        #expect(
            await code { _ = try PersonaProposeJobDefinition.decodePayload(try JobCoding.encode(newer)) }?.code
                == .unsupportedVersion)
        let emptyMerge = PersonaMergeJob(sets: [], totalSets: 0, final: true, counts: counts, llm: spec)
        #expect(await code { _ = try await withKey.merge(emptyMerge) }?.code == .invalidPayload)
        let items = ItemLabelJob(
            snapshot: "x", items: [data.graph.itemCount], personas: data.personas.personas, itemsPerRequest: 5,
            llm: spec)
        #expect(await code { _ = try await withKey.labelItems(items, graph: data.graph) }?.code == .outOfRange)
    }

    @Test func distributedPathRefusesACoordinatorKeyFile() async throws {
        let ran = try await BuiltProduct.run(
            "gplr",
            [
                "personas", "generate", "--redis", "redis://127.0.0.1:1", "--snapshot", "s", "--out", "o",
                "--llm-url", "http://127.0.0.1:1", "--llm-key-file", "/k",
            ])
        #expect(ran.status != 0)
        #expect(ran.stderr.contains("own"), "\(ran.stderr)")
    }
}
