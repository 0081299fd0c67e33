import GPLRCore
import GPLRLLM

/// Runs the LLM jobs of persona-set generation and item labeling on a worker: `persona-propose`,
/// `persona-merge` (a merge or the final pick) and `item-label`.
///
/// The LLM clients are those of a ``LabelJobExecutor`` (one per distinct spec, built with the worker's key,
/// cache and rate limit from its ``LLMJobContext``), so the worker shuts them down once with
/// ``LabelJobExecutor/shutdown()``. A step call that gets no usable answer is not an error: the result carries
/// an empty list and the reason, and the coordinator leaves it out as the in-process generator does.
struct PersonaJobExecutor: Sendable {
    private let clients: LabelJobExecutor

    init(clients: LabelJobExecutor) {
        self.clients = clients
    }

    /// Step 1 for the job's user sample of `graph` (the snapshot `job.snapshot` names).
    func propose(_ job: PersonaProposeJob, graph: PurchaseGraph) async throws -> PersonaJobResult {
        try Self.check(counts: job.counts, spec: job.llm)
        guard !job.users.isEmpty else { throw JobExecutionError(.invalidPayload, "the user sample is empty") }
        try JobExecutionError.requireIndices(job.users, below: graph.userCount, of: "user")
        let generator = try generator(job.counts, spec: job.llm)
        return try Self.result(await generator.propose(sample: job.users, in: graph))
    }

    /// Step 2 (one merge) or step 3 (the final pick) over the job's candidate sets.
    func merge(_ job: PersonaMergeJob) async throws -> PersonaJobResult {
        try Self.check(counts: job.counts, spec: job.llm)
        guard !job.sets.isEmpty, job.sets.allSatisfy({ !$0.isEmpty }) else {
            throw JobExecutionError(.invalidPayload, "a merge needs at least one non-empty candidate set")
        }
        let generator = try generator(job.counts, spec: job.llm)
        let answer =
            job.final
            ? await generator.finalize(job.sets)
            : await generator.merge(job.sets, totalSets: max(job.totalSets, job.sets.count))
        return try Self.result(answer)
    }

    /// The job's result; a call the spending cap refused fails the job instead (not retried: every delivery
    /// would be refused the same way), so no step is finished on part of its answers.
    private static func result(_ answer: PersonaSetGenerator.StepAnswer) throws -> PersonaJobResult {
        if let reached = answer.capReached { throw JobExecutionError(.llm, "\(reached)", underlying: reached) }
        return PersonaJobResult(answer)
    }

    /// Labels the job's items of `graph` with the job's personas.
    func labelItems(_ job: ItemLabelJob, graph: PurchaseGraph) async throws -> ItemLabelJobResult {
        if let problem = job.llm.problem { throw JobExecutionError(.invalidPayload, problem) }
        guard job.itemsPerRequest >= 1 else {
            throw JobExecutionError(.invalidPayload, "items per request must be at least 1, got \(job.itemsPerRequest)")
        }
        try JobExecutionError.requireIndices(job.items, below: graph.itemCount, of: "item")
        let personas = try JobExecutionError.personaSet(job.personas)
        let (client, context) = try client(for: job.llm)
        let labeler = ItemLabeler(
            client: client, personas: personas,
            options: ItemLabelerOptions(
                itemsPerRequest: job.itemsPerRequest, maxAnswerAttempts: job.llm.maxAnswerAttempts,
                temperature: job.llm.temperature, maxTokens: job.llm.maxTokens),
            cache: context.cache(for: job.llm), logger: context.logger)
        return ItemLabelJobResult(
            batch: try await JobExecutionError.refusingPastTheCap {
                try await labeler.label(items: job.items, in: graph)
            })
    }

    // MARK: - Helpers

    private func generator(_ counts: PersonaJobCounts, spec: LLMLabelerSpec) throws -> PersonaSetGenerator {
        let (client, context) = try client(for: spec)
        return PersonaSetGenerator(
            client: client, options: counts.generationOptions(spec: spec), logger: context.logger)
    }

    /// The worker's client for `spec` (its key, never the payload's).
    private func client(for spec: LLMLabelerSpec) throws -> (ChatCompletionClient, LLMJobContext) {
        guard let context = clients.llm else { throw JobExecutionError(.llm, LLMJobContext.missingKeyMessage) }
        return (try clients.client(for: spec, key: try context.key(for: spec), context: context), context)
    }

    private static func check(counts: PersonaJobCounts, spec: LLMLabelerSpec) throws {
        if let problem = counts.problem ?? spec.problem { throw JobExecutionError(.invalidPayload, problem) }
    }
}
