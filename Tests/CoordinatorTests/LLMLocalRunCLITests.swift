import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import Coordinator
@testable import GPLRLLM

/// `gplr run --local` with an LLM: its response cache in a file and `--local --resume OUT`, the built `gplr`
/// against the simulator over HTTP, counted by the simulator's request statistics.
@Suite(.serialized, .timeLimit(.minutes(6))) struct LLMLocalRunCLITests {
    static let flags = ["--budget", "90", "--iterations", "3", "--seed", "11", "--llm-auth", "none"]

    static func start(_ data: DistributedDataset, port: Int, _ arguments: [String]) async throws
        -> BuiltProduct.Output
    {
        try await BuiltProduct.run(
            "gplr", ["run", "--local"] + arguments + ["--llm-url", "http://127.0.0.1:\(port)"],
            environment: ["GPLR_PROGRESS": "off"])
    }

    static func inputs(_ data: DistributedDataset, out: String) -> [String] {
        ["--snapshot", data.snapshotPath, "--personas", data.personasPath, "--out", out] + flags
    }

    static func phi(_ out: String) throws -> String {
        try String(contentsOfFile: out + "/phi.jsonl", encoding: .utf8)
    }

    @Test func aSecondIdenticalLocalRunSendsNoRequest() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 5)
        defer { data.directory.remove() }
        let simulator = LLMSimulator(truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            let out = data.directory.file("out")
            let first = try await Self.start(data, port: port, Self.inputs(data, out: out))
            #expect(first.status == 0, "\(first.stderr)")
            let asked = simulator.statistics.requests
            #expect(asked == 90, "one user per request, 90 users")
            #expect(FileManager.default.fileExists(atPath: out + "/.gplr-local/llm-cache.jsonl"))
            #expect(!FileManager.default.fileExists(atPath: out + "/.gplr-local/checkpoint.json"), "a finished run")

            let phi = try Self.phi(out)
            let second = try await Self.start(data, port: port, Self.inputs(data, out: out))
            #expect(second.status == 0, "\(second.stderr)")
            #expect(simulator.statistics.requests == asked, "the second run must send nothing")
            #expect(try Self.phi(out) == phi)
            let counters = try LLMDistributedTests.counters(out + "/report.json")
            #expect(counters["llm_cache_hits"] == 90 && counters["llm_cache_misses"] == nil, "\(counters)")

            // A shared cache directory serves another output directory; --no-llm-cache asks again.
            let shared = data.directory.file("shared-cache")
            let third = try await Self.start(
                data, port: port, Self.inputs(data, out: data.directory.file("o3")) + ["--llm-cache-dir", shared])
            #expect(third.status == 0 && simulator.statistics.requests == 2 * asked, "\(third.stderr)")
            let fourth = try await Self.start(
                data, port: port, Self.inputs(data, out: data.directory.file("o4")) + ["--llm-cache-dir", shared])
            #expect(fourth.status == 0 && simulator.statistics.requests == 2 * asked, "\(fourth.stderr)")
            #expect(try Self.phi(data.directory.file("o4")) == phi)
            let uncached = try await Self.start(
                data, port: port, Self.inputs(data, out: data.directory.file("o5")) + ["--no-llm-cache"])
            #expect(uncached.status == 0 && simulator.statistics.requests == 3 * asked, "\(uncached.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.directory.file("o5/.gplr-local/llm-cache.jsonl")))
        }
    }

    @Test func aKilledLocalRunResumesWithTheSameResultAndAsksNothingItPaidFor() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 5)
        defer { data.directory.remove() }
        var configuration = LLMSimulatorConfiguration()
        // 30 users an iteration, 2 at a time, 150 ms each: over 2 s an iteration, time to kill in the middle even on
        // a loaded machine (at 60 ms a whole run once ended before the test saw its first checkpoint).
        configuration.latency = .fixed(.milliseconds(150))
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names, configuration: configuration)
        try await simulator.withRunningServer { port in
            let reference = data.directory.file("reference")
            let whole = try await Self.start(
                data, port: port, Self.inputs(data, out: reference) + ["--llm-concurrency", "2"])
            #expect(whole.status == 0, "\(whole.stderr)")
            let asked = simulator.statistics.requests
            #expect(asked == 90)

            let out = data.directory.file("out")
            let killed = try ProcessHandle(
                executable: BuiltProduct.path("gplr"),
                arguments: ["run", "--local"] + Self.inputs(data, out: out) + [
                    "--llm-concurrency", "2", "--llm-url", "http://127.0.0.1:\(port)",
                ],
                environment: ["GPLR_PROGRESS": "off"], stderrPath: data.directory.file("killed.stderr"))
            let state = LocalRunState(outputDirectory: out)
            let checkpointed =
                await poll(timeout: .seconds(15), every: .milliseconds(10)) {
                    (try? state.checkpoint()).flatMap { $0.completedIterations > 0 ? $0.completedIterations : nil }
                } ?? 0
            // Then a few answers of the next iteration, so that the kill interrupts an iteration with paid answers.
            let cacheFile = state.directory + "/" + LLMFileCache.fileName
            func lines() -> Int {
                ((try? Data(contentsOf: URL(fileURLWithPath: cacheFile))) ?? Data()).count { $0 == UInt8(ascii: "\n") }
            }
            _ = await eventually(timeout: .seconds(5), every: .milliseconds(5)) { lines() >= 30 * checkpointed + 5 }
            killed.send(SIGKILL)
            #expect(await killed.wait(timeout: .seconds(10)) == .signaled(SIGKILL))
            try #require(checkpointed >= 1, "no checkpoint: \(killed.standardError)")
            // A request the killed run wrote just before the kill can reach the simulator's handler after it (one did
            // in a loaded run of the suite, and was then counted as the resume's): count once the count is still.
            let sentBeforeKill =
                await settled(timeout: .seconds(10), quiet: .milliseconds(500)) { simulator.statistics.requests }
                - asked
            let checkpoint = try #require(try state.checkpoint())
            #expect(checkpoint.completedIterations < 3, "killed too late to prove anything")
            #expect(!FileManager.default.fileExists(atPath: out + "/phi.jsonl"))
            let paid = try LLMFileCache(directory: state.directory).count
            #expect(paid >= 30 * checkpoint.completedIterations && paid <= sentBeforeKill)

            let resumed = try await BuiltProduct.run(
                "gplr", ["run", "--local", "--resume", out], environment: ["GPLR_PROGRESS": "off"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(
                resumed.stderr.contains("after iteration \(checkpoint.completedIterations) of 3"), "\(resumed.stderr)")
            let sentOnResume = simulator.statistics.requests - asked - sentBeforeKill
            // Every prompt whose answer was cached before the kill is not sent again; the rest is, once.
            #expect(sentOnResume == asked - paid, "resume sent \(sentOnResume), \(paid) of \(asked) were paid")
            #expect(try Self.phi(out) == (try Self.phi(reference)))
            // Resumed from the checkpoint, not from scratch: only the interrupted iteration's paid answers are
            // looked up (the finished iterations are not asked at all), and the report still counts every label.
            let counters = try LLMDistributedTests.counters(out + "/report.json")
            let fromCache = paid - 30 * checkpoint.completedIterations
            #expect(fromCache > 0, "the kill interrupted an iteration with paid answers")
            #expect(counters["llm_cache_hits", default: 0] == fromCache, "\(counters)")
            #expect(counters["llm_labeled"] == 90, "\(counters)")
            #expect(try state.record() == nil && (try state.checkpoint()) == nil, "a finished run forgets its state")

            let again = try await BuiltProduct.run(
                "gplr", ["run", "--local", "--resume", out], environment: ["GPLR_PROGRESS": "off"])
            #expect(again.status != 0 && again.stderr.contains("holds no interrupted local run"), "\(again.stderr)")
            let mixed = try await BuiltProduct.run(
                "gplr", ["run", "--local", "--resume", out, "--personas", data.personasPath],
                environment: ["GPLR_PROGRESS": "off"])
            #expect(mixed.status != 0 && mixed.stderr.contains("drop --personas"), "\(mixed.stderr)")
            let elsewhere = try await BuiltProduct.run(
                "gplr", ["run", "--local", "--resume", out, "--llm-cache-dir", data.directory.file("other")],
                environment: ["GPLR_PROGRESS": "off"])
            #expect(elsewhere.status != 0 && elsewhere.stderr.contains("--llm-cache-dir"), "\(elsewhere.stderr)")
        }
    }
}
