public import GPLRCore
import GPLRSupport
public import Logging

/// How an ``ItemLabeler`` asks.
public struct ItemLabelerOptions: Sendable, Equatable {
    /// Products per request.
    public var itemsPerRequest: Int
    /// Answers asked for per request when an answer does not parse or leaves items out, the first included.
    public var maxAnswerAttempts: Int
    public var maxPersonasPerItem: Int
    public var temperature: Double?
    public var maxTokens: Int?

    public init(
        itemsPerRequest: Int = 20, maxAnswerAttempts: Int = 3, maxPersonasPerItem: Int = 5,
        temperature: Double? = nil, maxTokens: Int? = nil
    ) {
        self.itemsPerRequest = max(1, itemsPerRequest)
        self.maxAnswerAttempts = max(1, maxAnswerAttempts)
        self.maxPersonasPerItem = max(1, maxPersonasPerItem)
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}

/// Item → persona answers for one batch of items: the users' ``LabelingBatch`` keyed by item index (an empty
/// list: no persona fits), with the same `llm.*` counters as ``LLMLabeler``'s.
public typealias ItemLabelingBatch = LabelingBatch

/// Asks an LLM which personas each product pertains to, for the item side of the tripartite graph.
///
/// Items go ``ItemLabelerOptions/itemsPerRequest`` per request (``ItemLabelingPrompt``), concurrently, with the
/// same strict parsing, re-asking, caching and counters as ``LLMLabeler``.
public struct ItemLabeler: Sendable {
    public let personas: PersonaSet
    public let options: ItemLabelerOptions
    private let prompt: ItemLabelingPrompt
    private let collector: LLMAnswerCollector

    public init(
        client: ChatCompletionClient, personas: PersonaSet, options: ItemLabelerOptions = ItemLabelerOptions(),
        cache: LLMResponseCache? = nil, logger: Logger? = nil
    ) {
        self.personas = personas
        self.options = options
        prompt = ItemLabelingPrompt(personas: personas.personas)
        collector = LLMAnswerCollector(
            client: client, cache: cache, personas: personas, maxPersonas: options.maxPersonasPerItem,
            maxAnswerAttempts: options.maxAnswerAttempts, logger: logger)
    }

    /// Labels `items` (dense item indices of `graph`).
    public func label(items: [Int], in graph: PurchaseGraph) async throws -> ItemLabelingBatch {
        let (unique, indexByID) = LabelingBatch.distinct(items, ids: graph.itemIDs)
        var names: [String: String] = [:]
        for item in unique { names[graph.itemIDs[item]] = graph.itemNames[item] }
        let prompt = self.prompt
        let options = self.options
        let itemNames = names
        let groups = unique.map { graph.itemIDs[$0] }.chunked(options.itemsPerRequest)
        let result = await collector.collect(groups: groups) { pending in
            prompt.request(
                for: pending.map { (id: $0, name: itemNames[$0] ?? $0) }, temperature: options.temperature,
                maxTokens: options.maxTokens)
        }
        try Task.checkCancellation()
        // Past the spending cap the command fails: a file of items labeled up to wherever the money ran out would
        // look complete.
        return try ItemLabelingBatch(result, indexByID: indexByID, personas: personas)
    }
}
