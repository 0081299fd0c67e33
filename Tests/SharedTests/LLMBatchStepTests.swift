import Foundation
import Testing

@testable import GPLRLLM

/// ``LLMBatchStep`` without I/O: lines applied once, failures remembered, costs at the batch price; and the price
/// table's batch discount.
@Suite(.timeLimit(.minutes(1))) struct LLMBatchStepTests {
    static let personas = ["Busy Parents", "Pet Owner"]

    static func step() -> LLMBatchStep {
        var configuration = LLMConfiguration(baseURL: "http://x", promptPricePer1K: 1, completionPricePer1K: 2)
        configuration.batchPriceFactor = 0.5
        return LLMBatchStep(
            ids: ["u1", "u2", "u3"], parser: LabelingResponseParser(personas: personas), configuration: configuration)
    }

    static let submission = LLMBatchSubmission(
        tag: "t1", attempt: 1, batchID: "batch-1", inputFileID: "file-1",
        requests: ["r/t1/a1/u1": ["u1"], "r/t1/a1/u2": ["u2"], "r/t1/a1/u3": ["u3"]])

    static func answer(_ customID: String, _ content: String, tokens: Int = 1000) -> LLMBatchWire.ResultLine {
        let completion = ChatCompletionWire.Response(
            id: "c", created: 0, model: "m",
            choices: [.init(index: 0, message: .init(role: "assistant", content: content), finishReason: "stop")],
            usage: TokenUsage(promptTokens: tokens, completionTokens: tokens))
        let body = try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(completion))
        return LLMBatchWire.ResultLine(
            id: nil, customID: customID, response: .init(statusCode: 200, body: body), error: nil)
    }

    @Test func aLineIsAppliedAndPaidOnceAtTheBatchPrice() {
        var step = Self.step()
        let line = Self.answer("r/t1/a1/u1", #"{"u1": ["Pet Owner"]}"#)
        #expect(step.apply(line, of: Self.submission) != nil)
        #expect(step.apply(line, of: Self.submission) == nil)
        #expect(step.answers == ["u1": ["Pet Owner"]] && step.remaining == ["u2", "u3"])
        #expect(step.counters["llm.requests"] == 1 && step.counters["llm.batch-duplicate-answers"] == 1)
        // 1K prompt tokens at $1 and 1K completion tokens at $2, half price: $1.50.
        #expect(step.counters["llm.cost-micros"] == 1_500_000)
    }

    @Test func failedUnparsedAndUnknownLinesLeaveTheirUsersForTheNextBatch() {
        var step = Self.step()
        let failed = LLMBatchWire.ResultLine(
            id: nil, customID: "r/t1/a1/u2", response: nil,
            error: .init(code: "batch_expired", message: "not executed in time"))
        #expect(step.apply(failed, of: Self.submission) == nil)
        #expect(step.apply(Self.answer("r/t1/a1/u3", "{not json"), of: Self.submission) == nil)
        #expect(step.apply(Self.answer("someone-else", #"{"u9": ["Pet Owner"]}"#), of: Self.submission) == nil)
        #expect(step.remaining == ["u1", "u2", "u3"])
        #expect(step.lastError["u2"]?.contains("not executed in time") == true)
        #expect(step.lastError["u3"]?.contains("not a JSON object") == true)
        #expect(step.counters["llm.batch-failed-requests"] == 1 && step.counters["llm.parse-failures"] == 1)
        #expect(step.counters["llm.batch-unknown-lines"] == 1)
        // The unparsed answer was paid for; the failed line was not.
        #expect(step.counters["llm.requests"] == 1)
    }

    @Test func thePriceTableCarriesTheBatchDiscount() throws {
        let table = try LLMPriceTable(
            json: Data(#"{"date": "d", "batch_discount": 0.4, "models": {"m": {"input": 1, "output": 2}}}"#.utf8),
            source: "test")
        #expect(table.batchDiscount == 0.4)
        #expect(LLMPriceTable(date: "d", models: [:]).overridden(by: table).batchDiscount == 0.4)
        #expect(table.overridden(by: LLMPriceTable(date: "e", models: [:])).batchDiscount == 0.4)
        #expect(LLMPriceTable(date: "d", models: [:]).batchDiscount == 0.5)
        #expect(throws: LLMConfigurationError.self) {
            try LLMPriceTable(json: Data(#"{"batch_discount": 2, "models": {}}"#.utf8), source: "test")
        }
    }
}
