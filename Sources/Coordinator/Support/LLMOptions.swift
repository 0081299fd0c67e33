import ArgumentParser
import Foundation
import GPLRCore
import GPLRLLM
import GPLRRuntime

/// `gplr run`'s LLM labeler flags: they build an ``LLMLabelerSpec`` the workers run with their own API key.
struct LLMRunOptions: ParsableArguments {
    @OptionGroup var endpoint: LLMEndpointOptions

    @Option(help: "Users per request.")
    var llmUsersPerRequest: Int = 1

    @Option(help: "Products of a user's history shown in the prompt.")
    var llmMaxProducts: Int = 100

    @Option(help: "Characters of a user's history shown in the prompt.")
    var llmMaxCharacters: Int = 4000

    @Option(help: "Sampling temperature (default: the server's).")
    var llmTemperature: Double?

    @Option(help: "Completion token limit per request (default: none).")
    var llmMaxTokens: Int?

    @Option(help: "Answers asked for when one does not parse or leaves users out.")
    var llmAnswerAttempts: Int = 3

    @Option(
        help: ArgumentHelp(
            "Stop spending at this many USD: the run fails with a clear message and no user half-labeled.",
            discussion: "Counted at the model's prices (--llm-*-price, --llm-price-file or the built-in table), "
                + "across every worker with --redis. Requests in flight when it is reached still finish and count.",
            valueName: "usd"))
    var llmMaxCost: Double?

    @Option(
        help: ArgumentHelp(
            "online: one chat completion per request; batch: each iteration's requests as one Batch API job.",
            discussion: "Batch answers cost half (the price table's batch discount) and arrive within the batch's "
                + "24 h window; each iteration waits for its batch. The coordinator submits and polls with its own key "
                + "(--llm-key-file or OPENAI_API_KEY); needs --llm-url (the server's base). docs/decisions.md.",
            valueName: "online|batch"))
    var llmMode: LLMMode = .online

    @Option(help: "Batch mode: seconds before the first status poll (each later wait doubles, up to 5 minutes).")
    var llmBatchPollSeconds: Double = 5

    @Option(help: "Batch mode: batches per iteration, the first included (expired, failed or unparsed lines go again).")
    var llmBatchAttempts: Int = 3

    @Option(help: .hidden)
    var llmBatchMaxRequests: Int?

    /// The spec the flags describe, or `nil` without `--llm-url` or `--llm-endpoint`.
    var spec: LLMLabelerSpec? {
        guard let url = endpoint.serverURL else { return nil }
        var spec = endpoint.spec(baseURL: url)
        spec.usersPerRequest = llmUsersPerRequest
        spec.maxProductsPerUser = llmMaxProducts
        spec.maxCharactersPerUser = llmMaxCharacters
        spec.temperature = llmTemperature
        spec.maxTokens = llmMaxTokens
        spec.maxAnswerAttempts = llmAnswerAttempts
        spec.maxCostUSD = llmMaxCost
        if llmMode == .batch {
            spec.mode = .batch
            spec.batch = LLMBatchOptions(
                pollSeconds: llmBatchPollSeconds, maxPollSeconds: max(300, llmBatchPollSeconds),
                maxBatches: llmBatchAttempts)
            spec.batch?.maxRequestsPerBatch = llmBatchMaxRequests
            spec.batchPriceFactor = (try? endpoint.pricing())?.batchFactor
        }
        return spec
    }

    func validate() throws {
        if let problem = spec?.problem { throw ValidationError("--llm-*: \(problem)") }
        guard llmBatchPollSeconds > 0, llmBatchAttempts >= 1 else {
            throw ValidationError("--llm-batch-poll-seconds must be positive and --llm-batch-attempts at least 1")
        }
        if llmMode == .batch, endpoint.llmEndpoint != nil {
            throw ValidationError(
                "--llm-mode batch needs --llm-url (the server's base URL): the Batch API's /v1/files and /v1/batches "
                    + "have no counterpart of a full --llm-endpoint")
        }
        if let llmMaxCost {
            guard llmMaxCost > 0, llmMaxCost.isFinite else { throw ValidationError("--llm-max-cost must be positive") }
        }
        // Without a server this is a --resume (RunCommand refuses the rest), which keeps the record's prices.
        if llmMaxCost != nil, endpoint.serverURL != nil {
            guard (try? endpoint.pricing())?.isKnown == true else {
                throw ValidationError(
                    "--llm-max-cost: no price is known for the model \(endpoint.model); give --llm-prompt-price and "
                        + "--llm-completion-price, or --llm-price-file")
            }
        }
    }
}

extension LLMRunOptions {
    /// The key (`--llm-key-file`, else `OPENAI_API_KEY`; `OPENAI_BASE_URL` is never read) and the extra headers
    /// of this process, for the calls it makes itself.
    func credentials() throws -> LLMCredentials {
        let environment = ProcessInfo.processInfo.environment.filter { $0.key == "OPENAI_API_KEY" }
        let key = try LLMConfiguration.load(environment: environment, keyFile: endpoint.llmKeyFile).apiKey
        return LLMCredentials(key: key, headers: try endpoint.headers())
    }

    /// `gplr run --local --llm-url`: Algorithm 1 in this process with an ``LLMLabeler`` whose key comes from
    /// this process (`--llm-key-file`, else `OPENAI_API_KEY`). No Redis: no shared cache or rate limit.
    func runLocally(
        snapshotPath: String, personasPath: String, outputDirectory: String, parameters: RunParameters,
        threads: Int?, personaLimits: PersonaSetLimits = PersonaSetLimits()
    ) async throws -> LocalRun.Result {
        guard let spec else { throw ValidationError("--llm-url or --llm-endpoint is required") }
        let personas = try PersonaSet(contentsOf: personasPath, limits: personaLimits)
        let (graph, info) = try Snapshot.read(from: snapshotPath)
        try RunInputCheck.requireNonEmpty(graph, snapshot: snapshotPath)
        var parameters = parameters
        if let reason = try parameters.resolveAutoSolver(
            graph: graph, personaCount: personas.count, threadCount: threads)
        {
            Console.status("solver: \(reason)")
        }
        // Only the key comes from the environment: the server is --llm-url (OPENAI_BASE_URL is not read here).
        let environment = ProcessInfo.processInfo.environment.filter { $0.key == "OPENAI_API_KEY" }
        let key = try LLMConfiguration.load(environment: environment, keyFile: endpoint.llmKeyFile).apiKey
        let configuration = spec.configuration(apiKey: key, headers: try endpoint.headers())
        Console.status(try endpoint.pricing().summary)
        let cap = spec.maxCostUSD.map {
            LLMSpendCap(capUSD: $0, ledger: LocalSpendLedger(), configuration: configuration)
        }
        let client = try ChatCompletionClient(configuration: configuration, admission: cap)
        let labeler: any PersonaLabeler
        if spec.llmMode == .batch {
            Console.status("labeling through the Batch API: each iteration waits for its batch (--llm-mode batch)")
            labeler = LLMBatchLabeler(
                client: try LLMBatchClient(configuration: configuration), personas: personas,
                options: spec.labelerOptions, batchOptions: spec.batch ?? .init(), spendCap: cap, runTag: "local",
                stepTag: CoordinatorBatchLabeler.stepTag, logger: Console.logger)
        } else {
            labeler = LLMLabeler(client: client, personas: personas, options: spec.labelerOptions)
        }
        var runner = GPLRRunner(
            graph: graph, personas: personas, parameters: parameters, labeler: labeler,
            affinityComputer: LocalAffinityComputer(
                walkLength: parameters.walkLength, epsilon: parameters.epsilon, threadCount: threads),
            snapshotHash: info.hash.hex, threadCount: threads)
        runner.preflight = spec.llmMode == .online
        let outcome: RunOutcome
        let progress = LocalRun.iterationProgress(parameters)
        do {
            outcome = try await runner.run(observe: { event in
                LocalRun.describe(event, log: Console.status)
                LocalRun.track(event, on: progress)
            })
        } catch {
            progress.finish()
            await client.shutdown()
            throw error
        }
        progress.finish()
        await client.shutdown()
        let files = try RunOutputWriter(directory: outputDirectory, provenance: .thisBuild(.llm, model: spec.model))
            .write(outcome, graph: graph, personas: personas)
        return LocalRun.Result(
            outcome: outcome, graph: graph, personas: personas,
            labels: LabelsFile.Contents(labels: [:], users: [], unknownNamesDropped: 0), files: files)
    }
}
