import Foundation
import Logging

extension LLMBatchLabeler {
    /// Uploads one batch of the requests for `ids`, creates it and records it in the ledger.
    func submit(
        _ ids: [String], tag: String, attempt: Int, _ requests: BatchRequests, _ counters: inout [String: Int]
    ) async throws -> LLMBatchSubmission {
        let configuration = client.configuration
        var lines: [LLMBatchWire.RequestLine] = []
        var byCustomID: [String: [String]] = [:]
        for group in requests.groups(ids) {
            let customID = "\(runTag)/\(tag)/a\(attempt)/\(group[0])"  // unique: every user is in one group
            let request = requests.request(for: group)
            let schema = configuration.structuredOutputs && request.schema != nil
            lines.append(
                LLMBatchWire.RequestLine(
                    customID: customID, body: request.wire(configuration: configuration, schema: schema)))
            byCustomID[customID] = group
        }
        let jsonl = try LLMBatchWire.jsonLines(lines)
        let fileID = try await client.upload(jsonl, filename: "gplr-\(runTag)-\(tag)-a\(attempt)-\(ids[0]).jsonl")
        let batch = try await client.createBatch(
            inputFileID: fileID, completionWindow: batchOptions.completionWindow)
        let submission = LLMBatchSubmission(
            tag: tag, attempt: attempt, batchID: batch.id, inputFileID: fileID, requests: byCustomID)
        try await ledger.record(submission)
        counters["llm.batches", default: 0] += 1
        counters["llm.batch-lines", default: 0] += lines.count
        logger.info(
            "llm batch \(batch.id) submitted: \(lines.count) requests for \(ids.count) users (step \(tag), batch \(attempt))",
            metadata: [
                "llm.batch": "\(batch.id)", "llm.step": "\(tag)", "llm.attempt": "\(attempt)",
                "llm.requests": "\(lines.count)", "llm.users": "\(ids.count)",
            ])
        return submission
    }

    /// Polls `submission`'s batch until it ends, then applies its output and error files to `step` and fills the
    /// cache with the usable answers. When ``whileWaiting`` throws (a cancelled run), the batches of `unread`
    /// (this one and those submitted with it but not read yet) are cancelled at the provider before the error is
    /// passed on, so they stop costing.
    func collect(
        _ submission: LLMBatchSubmission, into step: inout LLMBatchStep, _ requests: BatchRequests,
        unread: [LLMBatchSubmission] = []
    ) async throws {
        var batch = try await client.batch(submission.batchID)
        var polls = 0
        while !Self.terminalStatuses.contains(batch.status) {
            do {
                try await whileWaiting()
            } catch {
                await cancelAtTheProvider(unread.isEmpty ? [submission] : unread)
                throw error
            }
            try await Task.sleep(for: batchOptions.pollDelay(polls))
            polls += 1
            batch = try await client.batch(submission.batchID)
        }
        let before = step.counters["llm.cost-micros", default: 0]
        var reason = "batch \(batch.id) \(batch.status) without an answer for this user"
        switch batch.status {
        case "expired": step.counters["llm.batch-expired", default: 0] += 1
        case "failed":
            step.counters["llm.batch-failed", default: 0] += 1
            let why = batch.errors?.data.compactMap(\.message).first ?? "no reason given"
            reason = "batch \(batch.id) failed: \(why)"
        case "cancelled": step.counters["llm.batch-cancelled", default: 0] += 1
        default: break
        }
        for fileID in [batch.outputFileID, batch.errorFileID].compactMap({ $0 }) {
            let bytes = try await client.content(ofFile: fileID)
            let (lines, undecodable) = LLMBatchWire.decodeLines(LLMBatchWire.ResultLine.self, from: bytes)
            if undecodable > 0 { step.counters["llm.batch-undecodable-lines", default: 0] += undecodable }
            for line in lines {
                guard let answer = step.apply(line, of: submission) else { continue }
                await store(answer, requests, &step.counters)
            }
        }
        step.fail(submission.requests.values.joined(), reason)
        let spent = step.counters["llm.cost-micros", default: 0] - before
        if let spendCap, spent > 0 { _ = try? await spendCap.ledger.add(micros: spent) }
        logger.info(
            "llm batch \(batch.id) \(batch.status); \(step.remaining.count) users of the step still unanswered",
            metadata: [
                "llm.batch": "\(batch.id)", "llm.status": "\(batch.status)",
                "llm.unanswered": "\(step.remaining.count)",
            ])
    }

    /// OpenAI's statuses after which a batch changes no more.
    /// Asks the provider to cancel each batch (best effort: a batch that ended meanwhile stays as it is, and a
    /// refusal is logged, not thrown over the error that stopped the run).
    func cancelAtTheProvider(_ submissions: [LLMBatchSubmission]) async {
        for submission in submissions {
            do {
                let batch = try await client.cancelBatch(submission.batchID)
                logger.info(
                    "llm batch \(submission.batchID) cancelled at the provider (\(batch.status))",
                    metadata: ["llm.batch": "\(submission.batchID)", "llm.status": "\(batch.status)"])
            } catch {
                logger.warning(
                    "llm.batch.cancel-failed",
                    metadata: ["llm.batch": "\(submission.batchID)", "llm.error": "\(error)"])
            }
        }
    }

    static let terminalStatuses: Set<String> = ["completed", "expired", "failed", "cancelled"]

    private func store(_ answer: LLMBatchStep.Cacheable, _ requests: BatchRequests, _ counters: inout [String: Int])
        async
    {
        guard let cache else { return }
        let hash = requests.request(for: answer.ids).cacheHash(configuration: client.configuration)
        do {
            try await cache.store(.init(content: answer.content, usage: answer.usage, model: answer.model), hash: hash)
        } catch {
            counters["llm.cache-errors", default: 0] += 1
            logger.warning("llm.cache.store-failed", metadata: ["llm.error": "\(error)"])
        }
    }

    /// Answers what the response cache holds (requests asked before, online or in a batch) at no cost.
    func answerFromCache(_ step: inout LLMBatchStep, _ requests: BatchRequests) async {
        guard let cache else { return }
        for group in requests.groups(step.remaining) {
            let hash = requests.request(for: group).cacheHash(configuration: client.configuration)
            do {
                guard let entry = try await cache.lookup(hash: hash) else {
                    step.counters["llm.cache-misses", default: 0] += 1
                    continue
                }
                step.counters["llm.cache-hits", default: 0] += 1
                _ = step.apply(content: entry.content, asked: group, source: "cached")
            } catch {
                step.counters["llm.cache-errors", default: 0] += 1
                logger.warning("llm.cache.lookup-failed", metadata: ["llm.error": "\(error)"])
            }
        }
    }
}
