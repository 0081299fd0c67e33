import GPLRCore
import GPLRLLM

extension LabelJobExecutor {
    /// Labels the job's users with an ``LLMLabeler`` over this spec's client (built on first use).
    func labelWithLLM(
        _ job: LabelJob, spec: LLMLabelerSpec, personas: PersonaSet, graph: PurchaseGraph
    ) async throws -> LabelingBatch {
        guard let context = llm else { throw JobExecutionError(.llm, LLMJobContext.missingKeyMessage) }
        let client = try self.client(for: spec, key: try context.key(for: spec), context: context)
        // The job's run counts its LLM outcomes live (the dashboard's LLM charts), when the worker says which run.
        let observer = JobRunContext.runID.flatMap { run in
            context.redis.map { RedisLLMOutcomeRecorder(redis: $0, keys: context.keys, runID: run) }
        }
        let labeler = LLMLabeler(
            client: client, personas: personas, options: spec.labelerOptions, cache: context.cache(for: spec),
            logger: context.logger, observer: observer)
        return try await JobExecutionError.refusingPastTheCap { try await labeler.label(users: job.users, in: graph) }
    }

    /// The client of `spec`, created once, with the spending cap and the shared rate limit as its admission when
    /// the spec sets them.
    func client(for spec: LLMLabelerSpec, key: LLMAPIKey?, context: LLMJobContext) throws
        -> ChatCompletionClient
    {
        try llmClients.withLock { clients in
            if let client = clients[spec] { return client }
            var admission: (any ChatCompletionAdmission)?
            if spec.rateLimit.isLimited, let redis = context.redis {
                admission = LLMRateLimiter(redis: redis, keys: context.keys, limit: spec.rateLimit)
            }
            let configuration = spec.configuration(apiKey: key, headers: context.headers)
            // The spending cap is asked first; the rate limit only for attempts the cap allows.
            if let cap = spec.maxCostUSD, let runID = spec.spendRunID, let redis = context.redis {
                admission = LLMSpendCap(
                    capUSD: cap, ledger: RedisSpendLedger(redis: redis, keys: context.keys, runID: runID),
                    configuration: configuration, inner: admission)
            }
            let client: ChatCompletionClient
            do {
                client = try ChatCompletionClient(
                    configuration: configuration, admission: admission, logger: context.logger)
            } catch {
                throw JobExecutionError(.llm, "cannot create the LLM client", retriable: true, underlying: error)
            }
            clients[spec] = client
            return client
        }
    }

    /// Shuts down the LLM clients this executor created (call when the worker stops).
    public func shutdown() async {
        let clients = llmClients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in clients { await client.shutdown() }
    }
}
