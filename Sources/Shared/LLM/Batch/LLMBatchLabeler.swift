public import GPLRCore
import GPLRSupport
public import Logging

/// The `LLMAnswer` step of Algorithm 1 through a Batch API: one labeling call is one batch (JSON Lines of the
/// same chat completion requests ``LLMLabeler`` sends, `custom_id` = `<run>/<step>/a<attempt>/<first user id>`),
/// uploaded, created, polled with a doubling interval, downloaded and mapped back by `custom_id`.
///
/// Before submitting, the step asks its ``LLMBatchLedger`` for the batches it already submitted (a restarted
/// coordinator) and reads those instead, then the response cache. Users whose line failed, whose batch expired
/// or failed, or whose answer did not parse go into the next batch, up to ``LLMBatchOptions/maxBatches`` batches
/// per step; after that they are label failures (the run's `--max-label-failures` rule decides). Usable
/// answers fill the cache, so an online run of the same prompts later pays nothing.
///
/// Costs are counted at the batch price (``LLMConfiguration/batchPriceFactor``). With an ``LLMSpendCap`` a
/// batch is only submitted while the ledger is under the cap, and its cost is added when it is read; past the
/// cap ``label(users:in:)`` throws ``LLMSpendingCapReached``.
public struct LLMBatchLabeler: PersonaLabeler {
    public let personas: PersonaSet
    public let options: LLMLabelerOptions
    public let batchOptions: LLMBatchOptions
    let client: LLMBatchClient
    let prompt: LabelingPrompt
    let parser: LabelingResponseParser
    let cache: LLMResponseCache?
    let ledger: any LLMBatchLedger
    let spendCap: LLMSpendCap?
    /// Names the run in `custom_id`s and file names.
    let runTag: String
    /// Names the labeling step in progress (`t<iteration>`), read on each call.
    let stepTag: @Sendable () -> String
    /// Called before each wait between two status polls; a throw stops the wait (a cancelled run) and cancels the
    /// step's unread batches at the provider.
    let whileWaiting: @Sendable () async throws -> Void
    let logger: Logger

    /// - Parameters:
    ///   - runTag: the run's id (letters, digits, `.`, `_`, `-`).
    ///   - stepTag: the step of each call, e.g. `{ "t\(RunStep.iteration)" }`: a restarted run asks the same
    ///     step's ledger entries again.
    ///   - whileWaiting: asked before each wait between two polls; its error ends the step, after the step's
    ///     unread batches are cancelled at the provider (`POST /v1/batches/{id}/cancel`). A task cancellation
    ///     (Ctrl-C) does not cancel them: a resumed run reads them.
    public init(
        client: LLMBatchClient, personas: PersonaSet, options: LLMLabelerOptions = LLMLabelerOptions(),
        batchOptions: LLMBatchOptions = LLMBatchOptions(), cache: LLMResponseCache? = nil,
        ledger: any LLMBatchLedger = InMemoryBatchLedger(), spendCap: LLMSpendCap? = nil, runTag: String,
        stepTag: @escaping @Sendable () -> String, whileWaiting: @escaping @Sendable () async throws -> Void = {},
        logger: Logger? = nil
    ) {
        self.client = client
        self.personas = personas
        self.options = options
        self.batchOptions = batchOptions
        prompt = LabelingPrompt(
            personas: personas.personas.map(LabelingPersona.init),
            options: options.prompt)
        parser = LabelingResponseParser(personas: personas.names, maxPersonasPerUser: options.maxPersonasPerUser)
        self.cache = cache
        self.ledger = ledger
        self.spendCap = spendCap
        self.runTag = runTag
        self.stepTag = stepTag
        self.whileWaiting = whileWaiting
        self.logger = logger ?? Logger(label: "gplr.llm", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    public func label(users: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch {
        let (unique, indexByID) = LabelingBatch.distinct(users, ids: graph.userIDs)
        var usersByID: [String: LabelingUser] = [:]
        for user in unique {
            usersByID[graph.userIDs[user]] = LabelingUser(
                user, in: graph, maxProducts: options.prompt.maxProductsPerUser)
        }
        let requests = BatchRequests(prompt: prompt, options: options, users: usersByID)
        var step = LLMBatchStep(
            ids: unique.map { graph.userIDs[$0] }, parser: parser, configuration: client.configuration)
        let tag = stepTag()
        let earlier = try await ledger.submissions(tag: tag)
        if !earlier.isEmpty {
            logger.info(
                "llm batch: step \(tag) submitted \(earlier.count) batch(es) before a restart; reading them",
                metadata: ["llm.step": "\(tag)", "llm.batches": "\(earlier.count)"])
        }
        for (index, submission) in earlier.enumerated() {
            try await collect(submission, into: &step, requests, unread: Array(earlier[index...]))
        }
        await answerFromCache(&step, requests)
        var attempt = (earlier.map(\.attempt).max() ?? 0) + 1
        while !step.remaining.isEmpty, attempt <= batchOptions.maxBatches {
            if attempt > 1 { step.counters["llm.batch-resubmitted-users", default: 0] += step.remaining.count }
            try await admitUnderTheCap(step.remaining.count)
            // Over OpenAI's requests per batch, a round is several batches, all submitted before any is read.
            var submissions: [LLMBatchSubmission] = []
            for chunk in requests.groups(step.remaining).chunked(batchOptions.requestsPerBatch) {
                submissions.append(
                    try await submit(chunk.flatMap { $0 }, tag: tag, attempt: attempt, requests, &step.counters))
            }
            for (index, submission) in submissions.enumerated() {
                try await collect(submission, into: &step, requests, unread: Array(submissions[index...]))
            }
            attempt += 1
        }
        var batch = LabelingBatch(counters: step.counters)
        batch.addAnswers(step.answers, indexByID: indexByID, personas: personas)
        for id in step.remaining {
            guard let user = indexByID[id] else { continue }
            batch.failures[user] =
                "no answer after \(attempt - 1) round\(attempt == 2 ? "" : "s") of batches: "
                + (step.lastError[id] ?? "not answered")
        }
        batch.counters["llm.failed", default: 0] += batch.failures.count
        batch.counters["llm.labeled", default: 0] += batch.labels.count
        return batch
    }

    /// Refuses a new batch once the spending ledger has reached the cap.
    private func admitUnderTheCap(_ users: Int) async throws {
        guard let spendCap else { return }
        try await spendCap.admit(model: client.configuration.model, estimatedTokens: users)
    }

    /// The requests of a step: one per group of ``LLMLabelerOptions/usersPerRequest`` users, as online.
    struct BatchRequests: Sendable {
        let prompt: LabelingPrompt
        let options: LLMLabelerOptions
        let users: [String: LabelingUser]

        func request(for ids: [String]) -> ChatCompletionRequest {
            prompt.request(
                for: ids.compactMap { users[$0] }, temperature: options.temperature, maxTokens: options.maxTokens)
        }

        func groups(_ ids: [String]) -> [[String]] { ids.chunked(options.usersPerRequest) }
    }
}
