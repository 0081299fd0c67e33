/// The answers of one labeling step's batches as they come in, and what is still unanswered: a value, no I/O.
///
/// Every line is applied at most once per user: a user answered by an earlier line (or an earlier batch, or the
/// cache) is not answered again and the line's usage is not counted again (`llm.batch-duplicate-answers`), so a
/// batch read twice — after a restart, or a line the provider wrote twice — labels and costs once.
struct LLMBatchStep: Sendable {
    let parser: LabelingResponseParser
    let configuration: LLMConfiguration
    /// The user ids of the step, in asking order.
    let order: [String]
    private(set) var unanswered: Set<String>
    private(set) var answers: [String: [String]] = [:]
    var counters: [String: Int] = [:]
    /// Why each unanswered user has no answer yet.
    var lastError: [String: String] = [:]

    init(ids: [String], parser: LabelingResponseParser, configuration: LLMConfiguration) {
        order = ids
        unanswered = Set(ids)
        self.parser = parser
        self.configuration = configuration
    }

    /// The users still without an answer, in asking order.
    var remaining: [String] { order.filter(unanswered.contains) }

    /// An answer worth keeping in the response cache: the content a request for `ids` got.
    struct Cacheable: Sendable {
        var ids: [String]
        var content: String
        var usage: TokenUsage
        var model: String?
    }

    /// Applies one line of a batch's output or error file.
    mutating func apply(_ line: LLMBatchWire.ResultLine, of submission: LLMBatchSubmission) -> Cacheable? {
        guard let ids = submission.requests[line.customID] else {
            counters["llm.batch-unknown-lines", default: 0] += 1
            return nil
        }
        let asked = ids.filter(unanswered.contains)
        guard !asked.isEmpty else {
            counters["llm.batch-duplicate-answers", default: 0] += 1
            return nil
        }
        guard let completion = line.completion, let content = completion.choices.first?.message.content else {
            counters["llm.batch-failed-requests", default: 0] += 1
            let reason = line.error?.message ?? line.response.map { "HTTP \($0.statusCode)" } ?? "no response"
            for id in asked { lastError[id] = "batch \(submission.batchID): the request failed: \(reason)" }
            return nil
        }
        let usage = completion.usage ?? TokenUsage()
        counters["llm.requests", default: 0] += 1
        counters["llm.prompt-tokens", default: 0] += usage.promptTokens
        counters["llm.completion-tokens", default: 0] += usage.completionTokens
        if usage.cachedPromptTokens > 0 {
            counters["llm.cached-prompt-tokens", default: 0] += usage.cachedPromptTokens
        }
        counters["llm.cost-micros", default: 0] += Int(
            (configuration.cost(of: usage, batch: true) * 1_000_000).rounded())
        let answered = apply(content: content, asked: asked, source: "batch \(submission.batchID)")
        guard answered else { return nil }
        return Cacheable(ids: ids, content: content, usage: usage, model: completion.model)
    }

    /// Parses `content`, the answer about `asked`, and takes its usable answers; whether it parsed and answered
    /// anyone (worth caching).
    mutating func apply(content: String, asked: [String], source: String) -> Bool {
        let outcome = parser.parse(content, askedUserIDs: asked)
        LLMAnswerCollector.count(outcome, into: &counters)
        for (id, personas) in outcome.personas where unanswered.contains(id) {
            answers[id] = personas
            unanswered.remove(id)
            lastError[id] = nil
        }
        for id in outcome.missingUserIDs {
            lastError[id] =
                outcome.parseFailures > 0
                ? "the answer (\(source)) is not a JSON object keyed by id"
                : "the answer (\(source)) has no usable persona list for this id"
        }
        return outcome.parseFailures == 0 && !outcome.personas.isEmpty
    }

    /// Marks every user of `ids` still unanswered with `reason`.
    mutating func fail(_ ids: some Sequence<String>, _ reason: String) {
        for id in ids where unanswered.contains(id) && lastError[id] == nil { lastError[id] = reason }
    }
}
