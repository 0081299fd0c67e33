public import GPLRCore
public import Logging

/// Generates the persona set R with an LLM, in the paper's three steps (Appendix B, Figure 2):
/// ``PersonaSetGenerationOptions/samples`` proposals of ``PersonaSetGenerationOptions/personaCount`` personas,
/// each from the purchases of a random sample of users; ``PersonaSetGenerationOptions/merges`` merges of
/// ``PersonaSetGenerationOptions/mergeSize`` random proposals each; one final pick from the merged sets.
///
/// Calls within a step run concurrently (``LLMConfiguration/concurrency``). An answer with fewer than half
/// the personas asked for is asked again (bounded); a proposal or merge that still fails is left out and
/// counted. The steps are public one by one so the distributed `persona-propose` / `persona-merge` jobs can
/// run them on workers.
public struct PersonaSetGenerator: Sendable {
    public let options: PersonaSetGenerationOptions
    private let client: ChatCompletionClient
    private let logger: Logger

    public init(client: ChatCompletionClient, options: PersonaSetGenerationOptions = .init(), logger: Logger? = nil) {
        self.client = client
        self.options = options
        self.logger = logger ?? Logger(label: "gplr.personas", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// What a generation produced.
    public struct Result: Sendable {
        public var personaSet: PersonaSet
        public var proposals: [[Persona]]
        public var merged: [[Persona]]
        /// `personas.requests`, `personas.retries`, `personas.short-answers`, `personas.failed-calls`,
        /// `personas.prompt-tokens`, `personas.completion-tokens`, `personas.cost-micros`, `personas.final-short`.
        public var counters: [String: Int]
    }

    /// One step call's answer and what it cost.
    public struct StepAnswer: Sendable {
        public var personas: [Persona]
        public var counters: [String: Int]
        /// Why the call produced nothing, when it did not.
        public var error: String?
        /// Set when the spending cap refused the call (``LLMSpendCap``): the generation stops.
        public var capReached: LLMSpendingCapReached?
    }

    /// Runs the three steps over `graph`. Throws ``LLMSpendingCapReached`` when the client's spending cap refused
    /// a call: a step is not finished on part of its answers, and no later step starts.
    public func generate(from graph: PurchaseGraph) async throws -> Result {
        var counters: [String: Int] = [:]
        let samples = userSamples(in: graph)
        guard !samples.isEmpty else {
            throw PersonaSetGenerationError(code: .noUsers, message: "no user has a purchase", step: "propose")
        }
        let proposalAnswers = await concurrently(samples) { sample in await propose(sample: sample, in: graph) }
        let proposals = try collect(proposalAnswers, into: &counters)
        try PersonaSetGenerationError.requireSets(
            proposals, calls: samples.count, what: "proposals", code: .noProposals, step: "propose",
            lastError: proposalAnswers.compactMap(\.error).last)
        let groups = mergeGroups(count: proposals.count)
        let mergeAnswers = await concurrently(groups) { group in
            await merge(group.map { proposals[$0] }, totalSets: proposals.count)
        }
        let merged = try collect(mergeAnswers, into: &counters)
        try PersonaSetGenerationError.requireSets(
            merged, calls: groups.count, what: "merges", code: .noMerges, step: "merge",
            lastError: mergeAnswers.compactMap(\.error).last)
        let finalAnswer = await finalize(merged)
        counters.merge(finalAnswer.counters, uniquingKeysWith: +)
        if let reached = finalAnswer.capReached { throw reached }
        let personaSet = try PersonaSetGenerationError.finalSet(
            finalAnswer.personas, personaCount: options.personaCount, lastError: finalAnswer.error,
            counters: &counters)
        return Result(personaSet: personaSet, proposals: proposals, merged: merged, counters: counters)
    }

    /// Step 1 for one sample of user indices.
    public func propose(sample: [Int], in graph: PurchaseGraph) async -> StepAnswer {
        let users = sample.map { LabelingUser($0, in: graph, maxProducts: options.prompt.maxProductsPerUser) }
        return await ask(
            PersonaGenerationPrompt.propose(
                users: users, count: options.personaCount, datasetName: options.datasetName,
                totalUsers: graph.userCount, options: options.prompt))
    }

    /// Step 2 for one group of proposals.
    public func merge(_ sets: [[Persona]], totalSets: Int) async -> StepAnswer {
        await ask(PersonaGenerationPrompt.merge(sets: sets, count: options.personaCount, totalSets: totalSets))
    }

    /// Step 3 over all merged sets.
    public func finalize(_ sets: [[Persona]]) async -> StepAnswer {
        await ask(PersonaGenerationPrompt.final(sets: sets, count: options.personaCount))
    }

    /// The user samples of step 1: distinct users with a purchase, seeded per sample.
    public func userSamples(in graph: PurchaseGraph) -> [[Int]] {
        let candidates = (0..<graph.userCount).filter { graph.degree(ofUser: $0) > 0 }
        guard !candidates.isEmpty else { return [] }
        return (0..<options.samples).map { index in
            var random = SeededGenerator(seed: options.seed ^ (UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
            return Self.choose(min(options.sampleSize, candidates.count), of: candidates.count, using: &random)
                .map { candidates[$0] }
        }
    }

    /// The proposals (indices) each merge reads, seeded.
    public func mergeGroups(count: Int) -> [[Int]] {
        (0..<options.merges).map { index in
            var random = SeededGenerator(seed: options.seed ^ 0x5EED ^ (UInt64(index + 1) &* 0xBF58_476D_1CE4_E5B9))
            return Self.choose(min(options.mergeSize, count), of: count, using: &random)
        }
    }

    /// `k` distinct indices of `0 ..< n`, in draw order (partial Fisher–Yates).
    static func choose(_ k: Int, of n: Int, using random: inout SeededGenerator) -> [Int] {
        var pool = Array(0..<n)
        for i in 0..<k { pool.swapAt(i, i + Int(random.next() % UInt64(n - i))) }
        return Array(pool.prefix(k))
    }

    // MARK: - Calls

    private func ask(_ messages: [ChatMessage]) async -> StepAnswer {
        var counters: [String: Int] = [:]
        // Structured outputs ask for {"personas": [{name, description}]}; a server that refuses them gets the
        // prompt's numbered list (no response_format), which the parser reads as well.
        let request = ChatCompletionRequest(
            messages: messages, temperature: options.temperature, maxTokens: options.maxTokens,
            schema: .personaSet)
        var best: [Persona] = []
        var lastError: String?
        var capReached: LLMSpendingCapReached?
        for attempt in 1...options.maxAnswerAttempts {
            if attempt > 1 { counters["personas.retries", default: 0] += 1 }
            do {
                let completion = try await client.complete(request)
                counters["personas.requests", default: 0] += completion.attempts + completion.schemaRefusals
                counters["personas.retries", default: 0] += completion.attempts - 1
                if completion.schemaRefusals > 0 {
                    counters["personas.schema-refusals", default: 0] += completion.schemaRefusals
                }
                counters["personas.prompt-tokens", default: 0] += completion.usage.promptTokens
                counters["personas.completion-tokens", default: 0] += completion.usage.completionTokens
                let micros = (client.configuration.cost(of: completion.usage) * 1_000_000).rounded()
                counters["personas.cost-micros", default: 0] += Int(micros)
                let personas = PersonaListParser.parse(completion.content)
                if personas.count > best.count { best = personas }
                if personas.count * 2 >= options.personaCount { break }
                counters["personas.short-answers", default: 0] += 1
                lastError = "the answer lists \(personas.count) of \(options.personaCount) personas"
            } catch {
                counters["personas.requests", default: 0] += error.attempts
                lastError = "\(error)"
                if error.code == .spendingCap { capReached = error.underlying as? LLMSpendingCapReached }
                logger.debug("personas.request.failed", metadata: ["llm.error": "\(error.code)"])
                break
            }
        }
        if best.isEmpty { counters["personas.failed-calls", default: 0] += 1 }
        return StepAnswer(
            personas: best, counters: counters, error: best.isEmpty ? lastError : nil, capReached: capReached)
    }

    private func collect(_ answers: [StepAnswer], into counters: inout [String: Int]) throws -> [[Persona]] {
        for answer in answers { counters.merge(answer.counters, uniquingKeysWith: +) }
        if let reached = answers.lazy.compactMap(\.capReached).first { throw reached }
        return answers.map(\.personas).filter { !$0.isEmpty }
    }

    /// `body` over `inputs`, at most the client's concurrency at once; results in input order.
    private func concurrently<Input: Sendable>(
        _ inputs: [Input], _ body: @escaping @Sendable (Input) async -> StepAnswer
    ) async -> [StepAnswer] {
        let width = max(1, client.configuration.concurrency)
        return await withTaskGroup(of: (Int, StepAnswer).self) { group in
            var results = [StepAnswer?](repeating: nil, count: inputs.count)
            var next = 0
            while next < min(width, inputs.count) {
                let index = next
                group.addTask { (index, await body(inputs[index])) }
                next += 1
            }
            for await (index, answer) in group {
                results[index] = answer
                if next < inputs.count {
                    let index = next
                    group.addTask { (index, await body(inputs[index])) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}

/// The text of a failed call, as an error value for ``PersonaSetGenerationError/underlying``.
struct GenerationCause: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ description: String) { self.description = description }
}
