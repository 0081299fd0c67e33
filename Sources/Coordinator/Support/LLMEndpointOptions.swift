import ArgumentParser
import Foundation
import GPLRRuntime

/// The flags that name an OpenAI-compatible endpoint and bound its use — server, model, key file, concurrency,
/// timeouts, attempts, prices, the Redis response cache and the shared rate limit — common to `gplr run` and
/// `gplr personas generate|label-items` (each adds its own flags around them).
struct LLMEndpointOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Base URL of an OpenAI-compatible server.",
            discussion: "gplr run labels with it instead of --labels; gplr personas defaults to $OPENAI_BASE_URL, "
                + "else https://api.openai.com.",
            valueName: "url"))
    var llmURL: String?

    @Option(help: "Model (default: $GPLR_LLM_MODEL, else gpt-4o-mini).")
    var llmModel: String?

    @Option(
        help: ArgumentHelp(
            "File holding the API key for calls made by this process (default: $OPENAI_API_KEY; none for local servers).",
            discussion: "With --redis the workers make the calls with their own key: give it to them, not here."))
    var llmKeyFile: String?

    @Option(help: "Requests in flight at once (per worker with --redis).")
    var llmConcurrency: Int = 8

    @Option(help: "Seconds allowed per attempt.")
    var llmTimeout: Double = 120

    @Option(help: "HTTP attempts per request (retries on 429, 5xx, timeouts).")
    var llmMaxAttempts: Int = 6

    @Option(help: "USD per 1,000 prompt tokens (for the reported cost).")
    var llmPromptPrice: Double = 0

    @Option(help: "USD per 1,000 completion tokens.")
    var llmCompletionPrice: Double = 0

    @Flag(inversion: .prefixedNo, help: "Cache answers in Redis and reuse them (with --redis; re-runs cost nothing).")
    var llmCache = true

    @Option(help: "Days a cached answer is kept (default: until evicted).")
    var llmCacheTTLDays: Double?

    @Option(help: "Requests per minute shared by every worker on this Redis (needs --redis).")
    var llmRPM: Int?

    @Option(help: "Tokens per minute shared by every worker on this Redis (needs --redis).")
    var llmTPM: Int?

    func validate() throws {
        guard llmConcurrency > 0, llmMaxAttempts > 0, llmTimeout > 0 else {
            throw ValidationError("--llm-concurrency, --llm-max-attempts and --llm-timeout must be positive")
        }
    }

    /// `--llm-model`, else `GPLR_LLM_MODEL`, else `gpt-4o-mini`.
    var model: String {
        llmModel ?? ProcessInfo.processInfo.environment["GPLR_LLM_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "gpt-4o-mini"
    }

    /// A spec for `baseURL` with the endpoint-level fields of these flags (the labeling fields keep their
    /// defaults): what jobs carry — server, model, limits, never a key.
    func spec(baseURL: String) -> LLMLabelerSpec {
        var spec = LLMLabelerSpec(baseURL: baseURL, model: model)
        spec.concurrency = llmConcurrency
        spec.requestTimeoutSeconds = llmTimeout
        spec.maxRequestAttempts = llmMaxAttempts
        spec.promptPricePer1K = llmPromptPrice
        spec.completionPricePer1K = llmCompletionPrice
        spec.cache = llmCache
        spec.cacheTTLSeconds = llmCacheTTLDays.map { $0 * 86_400 }
        spec.requestsPerMinute = llmRPM
        spec.tokensPerMinute = llmTPM
        return spec
    }
}
