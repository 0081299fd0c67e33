import ArgumentParser
import Foundation
import Shared

/// `gplr run`'s LLM labeler flags: they build an ``LLMLabelerSpec`` the workers run with their own API key.
struct LLMRunOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Label with the OpenAI-compatible server at this base URL instead of --labels (run by the workers).",
        valueName: "url"))
    var llmURL: String?

    @Option(help: "Model (with --llm-url; default: GPLR_LLM_MODEL, else gpt-4o-mini).")
    var llmModel: String?

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

    @Option(help: "HTTP attempts per request (retries on 429, 5xx, timeouts).")
    var llmMaxAttempts: Int = 6

    @Option(help: "Requests in flight at once per worker.")
    var llmConcurrency: Int = 8

    @Option(help: "Seconds allowed per attempt.")
    var llmTimeout: Double = 120

    @Flag(inversion: .prefixedNo, help: "Cache answers in Redis and reuse them (re-runs cost nothing).")
    var llmCache = true

    @Option(help: "Days a cached answer is kept (default: until evicted).")
    var llmCacheTTLDays: Double?

    @Option(help: "Requests per minute shared by every worker on this Redis.")
    var llmRPM: Int?

    @Option(help: "Tokens per minute shared by every worker on this Redis.")
    var llmTPM: Int?

    @Option(help: ArgumentHelp(
        "With --local: file holding the API key (default: $OPENAI_API_KEY; none for local servers).",
        discussion: "With --redis the workers use their own key: give it to them, not to the coordinator."))
    var llmKeyFile: String?

    @Option(help: "USD per 1,000 prompt tokens (for the report's cost).")
    var llmPromptPrice: Double = 0

    @Option(help: "USD per 1,000 completion tokens.")
    var llmCompletionPrice: Double = 0

    /// The spec the flags describe, or `nil` without `--llm-url`.
    var spec: LLMLabelerSpec? {
        guard let llmURL else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let model = llmModel ?? environment["GPLR_LLM_MODEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "gpt-4o-mini"
        var spec = LLMLabelerSpec(baseURL: llmURL, model: model)
        spec.usersPerRequest = llmUsersPerRequest
        spec.maxProductsPerUser = llmMaxProducts
        spec.maxCharactersPerUser = llmMaxCharacters
        spec.temperature = llmTemperature
        spec.maxTokens = llmMaxTokens
        spec.maxAnswerAttempts = llmAnswerAttempts
        spec.maxRequestAttempts = llmMaxAttempts
        spec.concurrency = llmConcurrency
        spec.requestTimeoutSeconds = llmTimeout
        spec.cache = llmCache
        spec.cacheTTLSeconds = llmCacheTTLDays.map { $0 * 86_400 }
        spec.requestsPerMinute = llmRPM
        spec.tokensPerMinute = llmTPM
        spec.promptPricePer1K = llmPromptPrice
        spec.completionPricePer1K = llmCompletionPrice
        return spec
    }

    func validate() throws {
        if let problem = spec?.problem { throw ValidationError("--llm-*: \(problem)") }
    }
}

extension LLMRunOptions {
    /// `gplr run --local --llm-url`: Algorithm 1 in this process with an ``LLMLabeler`` whose key comes from
    /// this process (`--llm-key-file`, else `OPENAI_API_KEY`). No Redis: no shared cache or rate limit.
    func runLocally(
        snapshotPath: String, personasPath: String, outputDirectory: String, parameters: RunParameters,
        threads: Int?
    ) async throws -> LocalRun.Result {
        guard let spec else { throw ValidationError("--llm-url is required") }
        let personas = try PersonaSet(contentsOf: personasPath)
        let (graph, info) = try Snapshot.read(from: snapshotPath)
        let key = try LLMConfiguration.load(keyFile: llmKeyFile).apiKey
        let client = try ChatCompletionClient(configuration: spec.configuration(apiKey: key))
        let runner = GPLRRunner(
            graph: graph, personas: personas, parameters: parameters,
            labeler: LLMLabeler(client: client, personas: personas, options: spec.labelerOptions),
            affinityComputer: LocalAffinityComputer(
                walkLength: parameters.walkLength, epsilon: parameters.epsilon, threadCount: threads),
            snapshotHash: info.hash.hex, threadCount: threads)
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
        let files = try RunOutputWriter(directory: outputDirectory).write(outcome, graph: graph, personas: personas)
        return LocalRun.Result(
            outcome: outcome, graph: graph, personas: personas,
            labels: LabelsFile.Contents(labels: [:], users: [], unknownNamesDropped: 0), files: files)
    }
}
