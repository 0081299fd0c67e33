import Foundation
import GPLRLLM

extension LLMSimulator {
    /// Ends `batch` once: answers its lines (expiring or failing them as configured), writes its output and error
    /// files and returns its final object; a concurrent poll meanwhile sees `finalizing`.
    func end(_ batch: LLMSimulatorBatchStore.Batch) -> LLMBatchWire.Batch {
        let claimed = state.withLock { state -> Bool in
            guard state.batches.batches[batch.id]?.ended == nil, !state.batches.finalizing.contains(batch.id)
            else { return false }
            state.batches.finalizing.insert(batch.id)
            return true
        }
        guard claimed else {
            return state.withLock { $0.batches.batches[batch.id]?.ended } ?? inProgress(batch, status: "finalizing")
        }
        let ended = run(batch)
        state.withLock { state in
            state.batches.batches[batch.id]?.ended = ended
            state.batches.finalizing.remove(batch.id)
            if ended.status == "expired" { state.statistics.batchesExpired += 1 }
            if ended.status == "failed" { state.statistics.batchesFailed += 1 }
        }
        return ended
    }

    private func run(_ batch: LLMSimulatorBatchStore.Batch) -> LLMBatchWire.Batch {
        let settings = configuration.batch
        let input = state.withLock { $0.batches.files[batch.inputFileID] } ?? []
        let (lines, undecodable) = LLMBatchWire.decodeLines(LLMBatchWire.RequestLine.self, from: input)
        if settings.failedBatches.contains(batch.number) || undecodable > 0 || lines.isEmpty {
            let message =
                settings.failedBatches.contains(batch.number)
                ? "The batch failed validation (simulated)."
                : "The input file holds \(undecodable) lines that are not requests and \(lines.count) that are."
            var failed = inProgress(batch, status: "failed")
            failed.errors = .init(data: [.init(code: "invalid_request", message: message)])
            failed.requestCounts = .init(total: 0, completed: 0, failed: 0)
            return failed
        }
        let expired = settings.expiredBatches.contains(batch.number)
        let answerable = expired ? Int(Double(lines.count) * settings.expiredAnsweredShare) : lines.count
        var output: [LLMBatchWire.ResultLine] = []
        var errors: [LLMBatchWire.ResultLine] = []
        for (index, line) in lines.enumerated() {
            let requestID = "batch_req_sim_\(batch.number)_\(index)"
            var random = SimulatorRandom(seed: configuration.seed, key: "batch-line:\(batch.number):\(index)")
            let failureDraw = random.unit()
            let faultDraw = random.unit()
            if index >= answerable {
                errors.append(
                    .init(
                        id: requestID, customID: line.customID, response: nil,
                        error: .init(
                            code: "batch_expired",
                            message: "This request could not be executed before the completion window expired.")))
                continue
            }
            if line.url != LLMBatchWire.chatEndpoint || failureDraw < settings.failedLineRate {
                let message = line.url != LLMBatchWire.chatEndpoint ? "unknown url" : "The server had an error"
                errors.append(
                    .init(
                        id: requestID, customID: line.customID,
                        response: .init(statusCode: 500, body: Self.jsonValue(errorBody(message))), error: nil))
                continue
            }
            let schema = line.body.responseFormat?.type == "json_schema"
            if schema { state.withLock { $0.statistics.schemaRequests += 1 } }
            let honour = configuration.structuredOutputs == .honour && schema
            let fault = honour ? nil : contentFault(faultDraw)
            if let fault { state.withLock { $0.statistics.faults[fault, default: 0] += 1 } }
            let completion = completion(for: line.body, id: "chatcmpl-\(requestID)", fault: fault, honour: honour)
            let result = LLMBatchWire.ResultLine(
                id: requestID, customID: line.customID,
                response: .init(statusCode: 200, body: Self.jsonValue(completion)), error: nil)
            output.append(result)
            if settings.duplicatedBatches.contains(batch.number) { output.append(result) }
        }
        let (outputID, errorID) = state.withLock { state in
            state.statistics.batchLinesAnswered += output.count
            state.statistics.batchLinesFailed += errors.count
            let outputID = output.isEmpty ? nil : state.batches.addFile((try? LLMBatchWire.jsonLines(output)) ?? [])
            let errorID = errors.isEmpty ? nil : state.batches.addFile((try? LLMBatchWire.jsonLines(errors)) ?? [])
            return (outputID, errorID)
        }
        var ended = inProgress(batch, status: expired ? "expired" : "completed")
        ended.outputFileID = outputID
        ended.errorFileID = errorID
        ended.requestCounts = .init(total: lines.count, completed: lines.count - errors.count, failed: errors.count)
        return ended
    }

    /// The content fault of a batch line for a uniform `draw`, by ``LLMSimulatorConfiguration/faultRates``
    /// (only faults in the content: a batch line has no transport).
    private func contentFault(_ draw: Double) -> LLMSimulatorFault? {
        var draw = draw
        for fault in LLMSimulatorFault.allCases where Self.contentFaults.contains(fault) {
            let rate = configuration.faultRates[fault, default: 0]
            if draw < rate { return fault }
            draw -= rate
        }
        return nil
    }

    private func errorBody(_ message: String) -> ChatCompletionWire.ErrorBody {
        ChatCompletionWire.ErrorBody(error: .init(message: message + " (simulated)", type: "simulated_error"))
    }

    static func jsonValue(_ value: some Encodable) -> JSONValue? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }
}
