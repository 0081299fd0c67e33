import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

/// `gplr run --local --llm-mode batch` against a simulator whose batches expire, fail validation, lose lines and
/// repeat lines: every loss is counted, the users re-submitted, nobody answered or paid for twice; what is still
/// missing after the last batch counts under `--max-label-failures`.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LLMBatchRecoveryTests {
    static func run(
        _ data: DistributedDataset, _ batch: LLMSimulatorBatchConfiguration, _ extra: [String]
    ) async throws -> (BuiltProduct.Output, [String: Int], LLMSimulatorStatistics) {
        let simulator = try LLMBatchRunTests.simulator(data, batch)
        return try await simulator.withRunningServer { port in
            let out = data.directory.file("out-\(UUID().uuidString)")
            let ran = try await BuiltProduct.run(
                "gplr",
                [
                    "run", "--local", "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--out", out,
                    "--budget", "40", "--iterations", "2", "--seed", "5", "--llm-url", "http://127.0.0.1:\(port)",
                ] + LLMBatchRunTests.llm + LLMBatchRunTests.batch + extra,
                environment: ["GPLR_PROGRESS": "off"])
            let counters = ran.status == 0 ? try LLMDistributedTests.counters(out + "/report.json") : [:]
            return (ran, counters, simulator.statistics)
        }
    }

    @Test func expiredFailedAndLostBatchesAreCountedAndTheirUsersResubmittedOnce() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        var faults = LLMSimulatorBatchConfiguration(
            validationDelay: .zero, completionDelay: .milliseconds(100), expiredBatches: [0], failedBatches: [1],
            failedLineRate: 0.2)
        faults.duplicatedBatches = [2]
        let (ran, counters, statistics) = try await Self.run(data, faults, ["--llm-batch-attempts", "8"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(counters["llm_labeled"] == 40 && counters["llm_failed", default: 0] == 0, "\(counters)")
        #expect(counters["llm_batch_expired"] == 1 && counters["llm_batch_failed"] == 1, "\(counters)")
        #expect(statistics.batchesExpired == 1 && statistics.batchesFailed == 1)
        // Expired and failed lines are in the error files; the step counts each and sends its user again.
        #expect(
            statistics.batchLinesFailed > 10 && counters["llm_batch_failed_requests"] == statistics.batchLinesFailed)
        #expect(counters["llm_batch_resubmitted_users", default: 0] >= statistics.batchLinesFailed, "\(counters)")
        #expect(counters["llm_batches"] == statistics.batchesCreated && statistics.batchesCreated > 3)
        // Batch 2's output holds every answer twice: applied and paid once.
        #expect(counters["llm_batch_duplicate_answers", default: 0] > 0, "\(counters)")
        #expect(statistics.answersByUser.count == 40 && statistics.answersByUser.values.allSatisfy { $0 == 1 })
        #expect(counters["llm_requests"] == 40 && counters["llm_prompt_tokens"] == statistics.promptTokens)
        #expect(ran.stdout.contains("1 expired, 1 failed"), "\(ran.stdout)")
    }

    @Test func usersStillUnansweredAfterTheLastBatchAreLabelFailures() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let lossy = LLMSimulatorBatchConfiguration(
            validationDelay: .zero, completionDelay: .milliseconds(50), failedLineRate: 0.5)
        // Some lines fail twice in a row: tolerated failures leave the run done with fewer prototypes.
        let (tolerated, counters, statistics) = try await Self.run(
            data, lossy, ["--llm-batch-attempts", "2", "--max-label-failures", "100%"])
        #expect(tolerated.status == 0, "\(tolerated.stderr)")
        #expect(statistics.batchesCreated == 4, "two batches per iteration")
        let failed = try #require(counters["llm_failed"])
        #expect(failed > 0 && counters["llm_labeled"] == 40 - failed, "\(counters)")
        #expect(statistics.answersByUser.count == 40 - failed)

        // Under the default rule (20 %) that many failures fail the run in its first iteration.
        let refused = LLMSimulatorBatchConfiguration(
            validationDelay: .zero, completionDelay: .milliseconds(50), failedLineRate: 1)
        let (failing, _, failingStatistics) = try await Self.run(data, refused, ["--llm-batch-attempts", "2"])
        #expect(failing.status != 0)
        #expect(failing.stderr.contains("labeling failed in iteration 1"), "\(failing.stderr)")
        #expect(failingStatistics.batchesCreated == 2 && failingStatistics.batchLinesAnswered == 0)
    }

    @Test func theSpendingCapStopsBeforeTheNextBatch() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let quick = LLMSimulatorBatchConfiguration(validationDelay: .zero, completionDelay: .milliseconds(50))
        let (ran, _, statistics) = try await Self.run(data, quick, ["--llm-max-cost", "1"])
        #expect(ran.status != 0)
        #expect(ran.stderr.contains("the LLM spending cap is reached"), "\(ran.stderr)")
        // The first iteration's batch passed the cap; the second was never submitted.
        #expect(statistics.batchesCreated == 1 && statistics.batchLinesAnswered == 20)
    }

    @Test func aStepOverTheRequestsPerBatchIsSplitIntoSeveralBatches() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let quick = LLMSimulatorBatchConfiguration(validationDelay: .zero, completionDelay: .milliseconds(50))
        let (ran, counters, statistics) = try await Self.run(data, quick, ["--llm-batch-max-requests", "7"])
        #expect(ran.status == 0, "\(ran.stderr)")
        // 20 users per iteration, at most 7 requests per batch: 3 batches per iteration.
        #expect(statistics.batchesCreated == 6 && counters["llm_batches"] == 6, "\(counters)")
        #expect(counters["llm_labeled"] == 40 && statistics.answersByUser.values.allSatisfy { $0 == 1 })
    }
}
