import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRCore

/// `gplr run --dry-run`: the built binary prints a prompt and an estimate without sending a request, and the
/// estimate is within 10 % of the tokens the real run then uses (the simulator counts them) on demo-sized data.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DryRunTests {
    /// The number after `label` on the line starting with `prefix` (thousands separators removed).
    static func number(_ output: String, line prefix: String, after label: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
            let range = line.range(of: label)
        else { return nil }
        let digits = line[range.upperBound...].drop(while: { $0 == " " })
            .prefix(while: { $0.isNumber || $0 == "," || $0 == "." || $0 == "\u{202F}" })
        return Int(digits.filter(\.isNumber))
    }

    @Test func theEstimateIsWithinTenPercentOfTheRealRunAndSendsNothing() async throws {
        // The demo's data and run parameters (`gplr demo`: 20 personas, items = users / 2 + 1000, budget 10 %,
        // 10 iterations, DU sampling), with fewer users.
        let data = try DistributedDataset(users: 6000, items: 4000, personas: 20)
        defer { data.directory.remove() }
        let simulator = LLMSimulator(truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            let common = [
                "run", "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--budget", "10%",
                "--iterations", "10", "--llm-url", "http://127.0.0.1:\(port)", "--llm-auth", "none", "--llm-model",
                "gpt-4o-mini", "--llm-users-per-request", "2",
            ]
            let dry = try await BuiltProduct.run(
                "gplr", common + ["--local", "--dry-run", "--llm-max-cost", "0.01"],
                environment: ["GPLR_PROGRESS": "off"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(simulator.statistics.requests == 0)
            #expect(dry.stdout.contains("--- system") && dry.stdout.contains("Here is the data of user "))
            #expect(dry.stdout.contains("estimated cost: $") && dry.stdout.contains("with a batch API (50 %)"))
            #expect(dry.stdout.contains("--llm-max-cost $0.0100: the estimate passes it"), "\(dry.stdout)")
            let estimated = try #require(
                Self.number(dry.stdout, line: "estimated tokens:", after: "="), "\(dry.stdout)")
            let requests = try #require(Self.number(dry.stdout, line: "budget", after: "per request:"))
            // 10 % of 6,000 users in 10 iterations of 60, 2 per request.
            #expect(requests == 300)

            // With --redis nothing is contacted either (port 1 has no Redis).
            let distributed = try await BuiltProduct.run(
                "gplr", common + ["--redis", "redis://127.0.0.1:1", "--dry-run"], environment: ["GPLR_PROGRESS": "off"])
            #expect(distributed.status == 0, "\(distributed.stderr)")
            #expect(simulator.statistics.requests == 0)

            let real = try await BuiltProduct.run(
                "gplr", common + ["--local", "--out", data.directory.file("out")], environment: ["GPLR_PROGRESS": "off"]
            )
            #expect(real.status == 0, "\(real.stderr)")
            let statistics = simulator.statistics
            let used = statistics.promptTokens + statistics.completionTokens
            #expect(statistics.requests == requests)
            let error = abs(Double(estimated - used)) / Double(used)
            #expect(error <= 0.10, "estimated \(estimated) tokens, the run used \(used) (\(error * 100) %)")
        }
    }
}
