import Foundation
import GPLRRedis
import GPLRTestSupport
import Testing

/// Commands about one run fail (exit status 1, `no such run`) on an unknown run id, all alike; `gplr bench queue`
/// against a given Redis leaves no key behind; `llm-sim --help` says how `gplr run` is pointed at it.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CommandExitStatusTests {
    @Test func statusRetryAndCancelOfAnUnknownRunExitOne() async throws {
        try await withRedisServer { server in
            for arguments in [
                ["status", "nope"], ["status", "nope", "--json"], ["retry", "nope", "--failed"],
                ["retry", "nope", "--job", "j1"], ["cancel", "nope"],
            ] {
                let result = try await runOffThePool(arguments + ["--redis", server.url])
                #expect(result.status == 1, "\(arguments): \(result.status) \(result.stdout) \(result.stderr)")
                #expect(result.stderr.contains("run nope: no such run"), "\(arguments): \(result.stderr)")
            }
        }
    }

    @Test func benchQueueRemovesItsKeysFromTheRedisItWasGiven() async throws {
        try await withRedisServer { server in
            let client = try RedisClient(url: server.url)
            try await client.send("SET", "someone-else", "kept")
            let result = try await runOffThePool(
                ["bench", "queue", "--redis", server.url, "--jobs", "3000", "--consumers", "1,2"])
            #expect(result.status == 0, "\(result.stderr)")
            let keys = (try await client.send("KEYS", "*").array ?? []).compactMap(\.string)
            #expect(keys == ["someone-else"])
        }
    }

    @Test func llmSimHelpPointsGplrRunAtLLMURL() async throws {
        let help = try await BuiltProduct.run("gplr", ["llm-sim", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--llm-url <the printed URL>"), "\(help.stdout)")
        #expect(help.stdout.contains("gplr run never reads"), "\(help.stdout)")
    }
}

/// `gplr llm-sim` stops on SIGTERM through the same signal path as the other commands (``TerminationSignals``).
@Suite(.timeLimit(.minutes(5))) struct LLMSimSignalTests {
    @Test func sigtermStopsTheSimulatorWithItsSummaryAndStatusZero() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-llm-sim")
        defer { directory.remove() }
        let truth = directory.file("truth.jsonl"), personas = directory.file("personas.json")
        try Data(#"{"user": "u1", "personas": ["A"]}"#.utf8).write(to: URL(fileURLWithPath: truth))
        try Data(#"[{"name": "A", "description": "a"}]"#.utf8).write(to: URL(fileURLWithPath: personas))
        let simulator = try ProcessHandle(
            product: "gplr", ["llm-sim", "--truth", truth, "--personas", personas, "--port", "0"],
            directory: directory, label: "llm-sim")
        // Listening once it printed its URL.
        let listening = await eventually(timeout: .seconds(15)) {
            ((try? String(contentsOfFile: simulator.stdoutPath, encoding: .utf8)) ?? "").contains("http://")
        }
        #expect(listening, "\(simulator.standardError)")
        simulator.send(SIGTERM)
        let end = await simulator.wait(timeout: .seconds(30))
        #expect(end == .exited(0), "\(simulator.standardError)")
        #expect(simulator.standardError.contains("llm-sim: stopped after 0 requests"), "\(simulator.standardError)")
    }
}
