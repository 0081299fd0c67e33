import Logging

/// The request loop shared by ``LLMLabeler`` and ``ItemLabeler``: asks about groups of ids (one request per
/// group, many groups in flight), answers from the cache when it can, parses each answer strictly, asks
/// again for the ids an answer left out (bounded), and counts everything.
///
/// Every id asked about ends in ``Result/answers`` (canonical persona names; empty = Unrepresentable) or in
/// ``Result/failures`` with the last error.
struct LLMAnswerCollector: Sendable {
    struct Result: Sendable {
        var answers: [String: [String]] = [:]
        var failures: [String: String] = [:]
        var counters: [String: Int] = [:]
        /// Set when the spending cap refused a request: the batch must not count.
        var capReached: LLMSpendingCapReached?

        mutating func merge(_ other: Result) {
            capReached = capReached ?? other.capReached
            answers.merge(other.answers) { _, new in new }
            failures.merge(other.failures) { _, new in new }
            counters.merge(other.counters, uniquingKeysWith: +)
        }
    }

    let client: ChatCompletionClient
    let cache: LLMResponseCache?
    let parser: LabelingResponseParser
    /// Answers asked for per group, the first included (≥ 1); HTTP retries inside the client come on top.
    let maxAnswerAttempts: Int
    let logger: Logger
    /// Told of every HTTP attempt and of answers from the LLM that did not parse (e.g. the job's run's counters).
    var observer: (any LLMOutcomeObserver)? = nil

    /// Asks about every group, at most ``LLMConfiguration/concurrency`` at once.
    func collect(
        groups: [[String]], makeRequest: @escaping @Sendable ([String]) -> ChatCompletionRequest
    ) async -> Result {
        let concurrency = max(1, client.configuration.concurrency)
        return await withTaskGroup(of: Result.self) { group in
            var result = Result()
            var next = groups.makeIterator()
            for _ in 0..<concurrency {
                guard let ids = next.next() else { break }
                group.addTask { await ask(ids, makeRequest: makeRequest) }
            }
            for await groupResult in group {
                result.merge(groupResult)
                // Past the spending cap every request would be refused: start no more.
                if result.capReached == nil, let ids = next.next() {
                    group.addTask { await ask(ids, makeRequest: makeRequest) }
                }
            }
            return result
        }
    }

    /// One group: ask, parse, re-ask for what is missing.
    private func ask(_ ids: [String], makeRequest: @Sendable ([String]) -> ChatCompletionRequest) async -> Result {
        var result = Result()
        var pending = ids
        var lastError = "not asked"
        var servedFromCache: String?  // a cached answer that left ids missing is not served twice
        for attempt in 1...max(1, maxAnswerAttempts) {
            if Task.isCancelled {
                lastError = "cancelled"
                break
            }
            if attempt > 1 {
                result.counters["llm.retries", default: 0] += 1
                result.counters["llm.reasks", default: 0] += 1
            }
            let request = makeRequest(pending)
            let hash = request.cacheHash(configuration: client.configuration)
            var content: String?
            if let cache, servedFromCache != hash {
                do {
                    if let entry = try await cache.lookup(hash: hash) {
                        content = entry.content
                        result.counters["llm.cache-hits", default: 0] += 1
                        LLMMetrics.cacheLookup("hit")
                    } else {
                        result.counters["llm.cache-misses", default: 0] += 1
                        LLMMetrics.cacheLookup("miss")
                    }
                } catch {
                    result.counters["llm.cache-errors", default: 0] += 1
                    LLMMetrics.cacheLookup("error")
                    logger.warning("llm.cache.lookup-failed", metadata: ["llm.error": "\(error)"])
                }
            }
            let fromCache = content != nil
            if fromCache { servedFromCache = hash }
            var completion: ChatCompletion?
            if content == nil {
                do {
                    let answer = try await client.complete(request, observer: observer)
                    account(answer, into: &result.counters)
                    content = answer.content
                    completion = answer
                } catch {
                    if error.code == .spendingCap {
                        result.capReached = error.underlying as? LLMSpendingCapReached
                        lastError = error.message
                        break
                    }
                    result.counters["llm.requests", default: 0] += max(error.attempts, 0)
                    result.counters["llm.retries", default: 0] += max(error.attempts - 1, 0)
                    result.counters["llm.request-failures", default: 0] += 1
                    lastError = "\(error)"
                    logger.debug("llm.request.failed", metadata: ["llm.error": "\(error.code)"])
                    break  // the client already retried what is worth retrying
                }
            }
            let outcome = parser.parse(content ?? "", askedUserIDs: pending)
            Self.count(outcome, into: &result.counters)
            LLMMetrics.parseFailures(outcome.parseFailures)
            if !fromCache, outcome.parseFailures > 0 { await observer?.answersUnparsed(outcome.parseFailures) }
            for (id, personas) in outcome.personas { result.answers[id] = personas }
            if let completion, let cache, outcome.parseFailures == 0, !outcome.personas.isEmpty {
                do {
                    try await cache.store(
                        .init(content: completion.content, usage: completion.usage, model: completion.model), hash: hash
                    )
                } catch {
                    result.counters["llm.cache-errors", default: 0] += 1
                    logger.warning("llm.cache.store-failed", metadata: ["llm.error": "\(error)"])
                }
            }
            pending = outcome.missingUserIDs
            if pending.isEmpty { break }
            lastError =
                outcome.parseFailures > 0
                ? "the answer\(fromCache ? " (cached)" : "") is not a JSON object keyed by id"
                : "the answer has no usable persona list for this id (absent, not a list, or only unknown names)"
        }
        for id in pending { result.failures[id] = lastError }
        result.counters["llm.failed", default: 0] += pending.count
        return result
    }

    private func account(_ completion: ChatCompletion, into counters: inout [String: Int]) {
        counters["llm.requests", default: 0] += completion.attempts + completion.schemaRefusals
        if completion.schemaRefusals > 0 { counters["llm.schema-refusals", default: 0] += completion.schemaRefusals }
        counters[completion.usedSchema ? "llm.json-schema-answers" : "llm.plain-answers", default: 0] += 1
        counters["llm.retries", default: 0] += completion.attempts - 1
        counters["llm.prompt-tokens", default: 0] += completion.usage.promptTokens
        counters["llm.completion-tokens", default: 0] += completion.usage.completionTokens
        if completion.usage.cachedPromptTokens > 0 {
            counters["llm.cached-prompt-tokens", default: 0] += completion.usage.cachedPromptTokens
        }
        let micros = (client.configuration.cost(of: completion.usage) * 1_000_000).rounded()
        counters["llm.cost-micros", default: 0] += Int(micros)
    }

    static func count(_ outcome: LabelingOutcome, into counters: inout [String: Int]) {
        let values = [
            ("llm.parse-failures", outcome.parseFailures), ("llm.unknown-personas", outcome.unknownPersonaCount),
            ("llm.unexpected-users", outcome.unexpectedUserIDCount),
            ("llm.excess-personas", outcome.excessPersonaCount),
            ("llm.duplicate-personas", outcome.duplicatePersonaCount),
            ("llm.invalid-entries", outcome.invalidEntryCount),
            ("llm.missing-answers", outcome.parseFailures > 0 ? 0 : outcome.missingUserIDs.count),
            ("llm.unrepresentable", outcome.unrepresentableCount),
        ]
        for (name, value) in values where value > 0 { counters[name, default: 0] += value }
    }
}
