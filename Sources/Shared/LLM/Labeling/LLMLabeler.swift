public import GPLRCore
import GPLRSupport
public import Logging

/// The LLM behind Algorithm 1's `LLMAnswer`: labels prototype users by asking an OpenAI-compatible chat
/// completions endpoint with the paper's prompt (``LabelingPrompt``, Figure 3).
///
/// Users are grouped ``LLMLabelerOptions/usersPerRequest`` per request and the requests run concurrently
/// (``LLMConfiguration/concurrency``). Answers are parsed strictly (``LabelingResponseParser``); users an
/// answer leaves out, or all of them when it does not parse, are asked about again up to
/// ``LLMLabelerOptions/maxAnswerAttempts`` times. With a ``LLMResponseCache`` a request asked before is
/// answered from Redis at no cost; a shared rate limit is the client's admission (``LLMRateLimiter``).
///
/// The batch's counters (`llm.requests`, `llm.retries`, `llm.reasks`, `llm.parse-failures`,
/// `llm.unknown-personas`, `llm.unexpected-users`, `llm.excess-personas`, `llm.duplicate-personas`,
/// `llm.missing-answers`, `llm.unrepresentable`, `llm.cache-hits`, `llm.cache-misses`, `llm.prompt-tokens`,
/// `llm.completion-tokens`, `llm.cost-micros`, `llm.request-failures`, `llm.failed`) are summed by the run
/// report. Nothing in them, in the failures or in the log holds the API key. When the client's admission is an
/// ``LLMSpendCap`` that refuses a request, ``label(users:in:)`` throws ``LLMSpendingCapReached``. An
/// ``LLMOutcomeObserver`` is told how every HTTP attempt ended and which answers did not parse, as they happen.
public struct LLMLabeler: PersonaLabeler {
    public let personas: PersonaSet
    public let options: LLMLabelerOptions
    private let prompt: LabelingPrompt
    private let collector: LLMAnswerCollector

    public init(
        client: ChatCompletionClient, personas: PersonaSet, options: LLMLabelerOptions = LLMLabelerOptions(),
        cache: LLMResponseCache? = nil, logger: Logger? = nil, observer: (any LLMOutcomeObserver)? = nil
    ) {
        self.personas = personas
        self.options = options
        prompt = LabelingPrompt(
            personas: personas.personas.map(LabelingPersona.init),
            options: options.prompt)
        collector = LLMAnswerCollector(
            client: client, cache: cache, personas: personas, maxPersonas: options.maxPersonasPerUser,
            maxAnswerAttempts: options.maxAnswerAttempts, logger: logger, observer: observer)
    }

    public func label(users: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch {
        let (unique, indexByID) = LabelingBatch.distinct(users, ids: graph.userIDs)
        var usersByID: [String: LabelingUser] = [:]
        for user in unique { usersByID[graph.userIDs[user]] = labelingUser(user, in: graph) }
        let prompt = self.prompt
        let options = self.options
        let groups = unique.map { graph.userIDs[$0] }.chunked(options.usersPerRequest)
        let requestUsers = usersByID
        let result = await collector.collect(groups: groups) { pending in
            prompt.request(
                for: pending.compactMap { requestUsers[$0] }, temperature: options.temperature,
                maxTokens: options.maxTokens)
        }
        try Task.checkCancellation()
        // Past the cap the whole batch does not count: no user of it is labeled, whatever answers arrived.
        var batch = try LabelingBatch(result, indexByID: indexByID, personas: personas)
        batch.counters["llm.labeled", default: 0] += batch.labels.count
        return batch
    }

    /// A user's purchases as the prompt shows them, most bought first, cut to the prompt's product limit.
    func labelingUser(_ user: Int, in graph: PurchaseGraph) -> LabelingUser {
        LabelingUser(user, in: graph, maxProducts: options.prompt.maxProductsPerUser)
    }
}
