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
