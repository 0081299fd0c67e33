import Foundation
import GPLRHTTP
import LLMSimulator
import Testing

@testable import GPLRLLM

/// The simulator's Batch API through ``LLMBatchClient`` (libcurl, real HTTP): the life of a batch, its files, an
/// expired batch and a refused key.
@Suite(.timeLimit(.minutes(2))) struct LLMSimulatorBatchTests {
    static func lines(_ users: [String]) throws -> [UInt8] {
        let prompt = LabelingPrompt(
            personas: LLMSimulatorTests.personas.map { LabelingPersona(name: $0, description: "about \($0)") })
        let configuration = LLMConfiguration(baseURL: "http://unused", model: "sim")
        return try LLMBatchWire.jsonLines(
            users.map { user in
                let request = prompt.request(for: [
                    LabelingUser(id: user, purchases: [LabelingPurchase(productName: "diapers", count: 2)])
                ])
                return LLMBatchWire.RequestLine(
                    customID: "run/t1/a1/\(user)", body: request.wire(configuration: configuration, schema: true))
            })
    }

    static func client(port: Int, key: String? = nil) throws -> LLMBatchClient {
        var configuration = LLMConfiguration(
            baseURL: "http://127.0.0.1:\(port)/v1", model: "sim", apiKey: key.map(LLMAPIKey.init), maxAttempts: 2)
        configuration.backoffBase = .milliseconds(10)
        return try LLMBatchClient(configuration: configuration)
    }

    @Test func aBatchGoesFromValidatingToCompletedAndItsOutputMapsBackByCustomID() async throws {
        var configuration = LLMSimulatorConfiguration()
        configuration.batch = LLMSimulatorBatchConfiguration(
            validationDelay: .milliseconds(300), completionDelay: .milliseconds(600))
        let simulator = LLMSimulator(
            truth: LLMSimulatorTests.truth, personas: LLMSimulatorTests.personas, configuration: configuration)
        try await simulator.withRunningServer { port in
            let client = try Self.client(port: port)
            let file = try await client.upload(try Self.lines(["u1", "u2"]), filename: "in.jsonl")
            let created = try await client.createBatch(inputFileID: file, completionWindow: "24h")
            #expect(created.status == "validating")
            var seen: [String] = [created.status]
            var batch = created
            while !LLMBatchLabeler.terminalStatuses.contains(batch.status) {
                try await Task.sleep(for: .milliseconds(50))
                batch = try await client.batch(created.id)
                if seen.last != batch.status { seen.append(batch.status) }
            }
            // In this order (a slow machine may poll past in_progress; the next test sees it for sure).
            let order = ["validating", "in_progress", "completed"]
            #expect(seen.first == "validating" && seen.last == "completed", "\(seen)")
            #expect(seen.map { order.firstIndex(of: $0) ?? -1 } == seen.map { order.firstIndex(of: $0) ?? -1 }.sorted())
            #expect(batch.requestCounts == .init(total: 2, completed: 2, failed: 0) && batch.errorFileID == nil)
            let output = try await client.content(ofFile: try #require(batch.outputFileID))
            let (results, undecodable) = LLMBatchWire.decodeLines(LLMBatchWire.ResultLine.self, from: output)
            #expect(undecodable == 0)
            #expect(Set(results.map(\.customID)) == ["run/t1/a1/u1", "run/t1/a1/u2"])
            let u1 = try #require(results.first { $0.customID.hasSuffix("u1") }?.completion?.choices.first)
            let outcome = LabelingResponseParser(personas: LLMSimulatorTests.personas).parse(
                u1.message.content ?? "", askedUserIDs: ["u1"])
            #expect(outcome.personas["u1"].map(Set.init) == ["Busy Parents", "Pet Owner"])
            #expect(simulator.statistics.answersByUser == ["u1": 1, "u2": 1])
            #expect(simulator.statistics.batchesCreated == 1 && simulator.statistics.filesUploaded == 1)
            await client.shutdown()
        }
    }

    @Test func aBatchPastValidationIsInProgressUntilItsDelayHasPassed() async throws {
        var configuration = LLMSimulatorConfiguration()
        configuration.batch = LLMSimulatorBatchConfiguration(validationDelay: .zero, completionDelay: .seconds(60))
        let simulator = LLMSimulator(
            truth: LLMSimulatorTests.truth, personas: LLMSimulatorTests.personas, configuration: configuration)
        try await simulator.withRunningServer { port in
            let client = try Self.client(port: port)
            let file = try await client.upload(try Self.lines(["u1"]), filename: "in.jsonl")
            let id = try await client.createBatch(inputFileID: file, completionWindow: "24h").id
            let batch = try await client.batch(id)
            #expect(batch.status == "in_progress" && batch.outputFileID == nil)
            #expect(simulator.statistics.answersByUser.isEmpty && simulator.statistics.batchPolls == 1)
            await client.shutdown()
        }
    }

    @Test func anExpiredBatchAnswersSomeLinesAndListsTheRestAsExpired() async throws {
        var configuration = LLMSimulatorConfiguration()
        configuration.batch = LLMSimulatorBatchConfiguration(
            validationDelay: .zero, completionDelay: .zero, expiredBatches: [0])
        let simulator = LLMSimulator(
            truth: LLMSimulatorTests.truth, personas: LLMSimulatorTests.personas, configuration: configuration)
        try await simulator.withRunningServer { port in
            let client = try Self.client(port: port)
            let file = try await client.upload(try Self.lines(["u1", "u2", "u3", "u4"]), filename: "in.jsonl")
            let id = try await client.createBatch(inputFileID: file, completionWindow: "24h").id
            let batch = try await client.batch(id)
            #expect(batch.status == "expired")
            #expect(batch.requestCounts == .init(total: 4, completed: 2, failed: 2))
            let errors = try await client.content(ofFile: try #require(batch.errorFileID))
            let lines = LLMBatchWire.decodeLines(LLMBatchWire.ResultLine.self, from: errors).lines
            #expect(lines.map(\.error?.code) == ["batch_expired", "batch_expired"])
            #expect(simulator.statistics.batchesExpired == 1 && simulator.statistics.batchLinesFailed == 2)
            await client.shutdown()
        }
    }

    @Test func aWrongKeyIsRefusedWithoutBeingRepeated() async throws {
        let secret = "sk-batch-SECRET-42"
        let simulator = LLMSimulator(
            truth: LLMSimulatorTests.truth, personas: LLMSimulatorTests.personas,
            configuration: LLMSimulatorConfiguration(expectedAPIKey: "the-right-key"))
        try await simulator.withRunningServer { port in
            let client = try Self.client(port: port, key: secret)
            let lines = try Self.lines(["u1"])
            do throws(LLMBatchError) {
                _ = try await client.upload(lines, filename: "in.jsonl")
                Issue.record("the upload was accepted")
            } catch {
                #expect(error.code == .rejected && error.status == 401 && error.step == "upload")
                #expect(!"\(error)".contains(secret), "\(error)")
            }
            #expect(simulator.statistics.unauthorized == 1 && simulator.statistics.filesUploaded == 0)
            await client.shutdown()
        }
    }
}
