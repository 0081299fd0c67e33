import ArgumentParser
import Foundation
import GPLRLLM
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

    @Option(
        help: ArgumentHelp(
            "Full chat completions URL, used as is (instead of --llm-url).",
            discussion: "E.g. an Azure OpenAI deployment with its ?api-version=, or Gemini's "
                + ".../v1beta/openai/chat/completions. Jobs carry it: it must hold no secret.",
            valueName: "url"))
    var llmEndpoint: String?

    @Option(help: "How the key is sent: bearer (Authorization: Bearer), api-key (Azure's api-key header), none.")
    var llmAuth: String = "bearer"

    @Option(
        help: ArgumentHelp(
            "Extra header Name:value on every LLM request made by this process (repeatable).",
            discussion: "Its value is treated as a secret. With --redis give headers to the workers instead."))
    var llmHeader: [String] = []

    @Option(help: "File of extra headers, one 'Name: value' per line (as --llm-header; '#' starts a comment).")
    var llmHeaderFile: String?

    @Option(
        help: ArgumentHelp(
            "Environment variable holding extra headers, one 'Name: value' per line (as --llm-header-file).",
            discussion: "For secrets handed over by a secret store or CI; the values are never printed.",
            valueName: "name"))
    var llmHeaderEnv: String?

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

    @Option(help: "USD per 1,000 prompt tokens (default: the price table's for --llm-model, else 0).")
    var llmPromptPrice: Double?

    @Option(help: "USD per 1,000 completion tokens (default: the price table's, else 0).")
    var llmCompletionPrice: Double?

    @Option(
        help:
            "USD per 1,000 prompt tokens served from the provider's prompt cache (default: the table's, else the prompt price)."
    )
    var llmCachedPromptPrice: Double?

    @Option(
        help: ArgumentHelp(
            "Price table overriding the built-in one model by model (JSON, USD per 1M tokens).",
            discussion:
                #"{"date": "2025-07-01", "models": {"my-model": {"input": 0.2, "cached_input": 0.1, "output": 0.8}}}"#,
            valueName: "file"))
    var llmPriceFile: String?

    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp(
            "Ask for answers with a strict JSON schema (structured outputs; persona names as an enum).",
            discussion: "A server that refuses json_schema (HTTP 400 naming response_format) is asked in JSON mode "
                + "from then on, and the report counts llm.schema-refusals."))
    var llmStructuredOutputs = true

    @Flag(inversion: .prefixedNo, help: "Cache answers in Redis and reuse them (with --redis; re-runs cost nothing).")
    var llmCache = true

    @Option(help: "Days a cached answer is kept (default: until evicted).")
    var llmCacheTTLDays: Double?

    @Option(help: "Requests per minute shared by every worker on this Redis (needs --redis).")
    var llmRPM: Int?

    @Option(help: "Tokens per minute shared by every worker on this Redis (needs --redis).")
    var llmTPM: Int?

    func validate() throws {
        if llmURL != nil && llmEndpoint != nil { throw ValidationError("give --llm-url or --llm-endpoint, not both") }
        guard LLMAuthStyle(rawValue: llmAuth) != nil else {
            throw ValidationError("--llm-auth must be bearer, api-key or none")
        }
        for text in llmHeader {
            do { _ = try LLMHeader(parsing: text) } catch { throw ValidationError("\(error)") }
        }
        do { _ = try pricing() } catch { throw ValidationError("--llm-price-file: \(error)") }
        guard llmConcurrency > 0, llmMaxAttempts > 0, llmTimeout > 0 else {
            throw ValidationError("--llm-concurrency, --llm-max-attempts and --llm-timeout must be positive")
        }
    }

    /// A command's `--llm-max-cost` (`usd`, if given): positive and, where `needsPrice`, countable at a known price
    /// of ``model``.
    func validate(maxCost usd: Double?, needsPrice: Bool) throws {
        guard let usd else { return }
        guard usd > 0, usd.isFinite else { throw ValidationError("--llm-max-cost must be positive") }
        guard !needsPrice || (try? pricing())?.isKnown == true else {
            throw ValidationError(
                "--llm-max-cost: no price is known for the model \(model); give --llm-prompt-price and "
                    + "--llm-completion-price, or --llm-price-file")
        }
    }

    /// `--llm-model`, else `GPLR_LLM_MODEL`, else `gpt-4o-mini`.
    var model: String {
        llmModel ?? ProcessInfo.processInfo.environment["GPLR_LLM_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "gpt-4o-mini"
    }

    /// The prices of ``model`` (flags, else `--llm-price-file`, else the built-in table).
    func pricing() throws(LLMConfigurationError) -> LLMPricing {
        try LLMPricing.resolve(
            model: model, prompt: llmPromptPrice, cachedPrompt: llmCachedPromptPrice, completion: llmCompletionPrice,
            priceFile: llmPriceFile)
    }

    /// `--llm-endpoint`, else `--llm-url`: the flag that names the server, if any.
    var serverURL: String? { llmEndpoint ?? llmURL }

    /// `--llm-auth`.
    var authStyle: LLMAuthStyle { LLMAuthStyle(rawValue: llmAuth) ?? .bearer }

    /// Whether extra headers were given (refused with --redis: they stay with the process that calls).
    var hasHeaders: Bool { !llmHeader.isEmpty || llmHeaderFile != nil || llmHeaderEnv != nil }

    /// `--llm-header-file`'s headers, then `--llm-header-env`'s, then `--llm-header`'s.
    func headers() throws(LLMConfigurationError) -> [LLMHeader] {
        try LLMConfiguration.readHeaders(file: llmHeaderFile, environmentVariable: llmHeaderEnv, flags: llmHeader)
    }

    /// A spec for `baseURL` (or `--llm-endpoint`, which wins) with the endpoint-level fields of these flags (the labeling fields keep their
    /// defaults): what jobs carry — server, model, limits, never a key.
    func spec(baseURL: String) -> LLMLabelerSpec {
        var spec = LLMLabelerSpec(baseURL: llmEndpoint ?? baseURL, model: model)
        spec.endpointURL = llmEndpoint
        spec.auth = authStyle == .bearer ? nil : authStyle
        spec.structuredOutputs = llmStructuredOutputs ? nil : false
        spec.concurrency = llmConcurrency
        spec.requestTimeoutSeconds = llmTimeout
        spec.maxRequestAttempts = llmMaxAttempts
        // validate() has read the price file already: it cannot fail here but by a race with its removal.
        let prices =
            (try? pricing())
            ?? LLMPricing(
                promptPer1K: llmPromptPrice ?? 0, cachedPromptPer1K: llmCachedPromptPrice,
                completionPer1K: llmCompletionPrice ?? 0, origin: "flags", isKnown: true)
        spec.promptPricePer1K = prices.promptPer1K
        spec.cachedPromptPricePer1K = prices.cachedPromptPer1K
        spec.completionPricePer1K = prices.completionPer1K
        spec.cache = llmCache
        spec.cacheTTLSeconds = llmCacheTTLDays.map { $0 * 86_400 }
        spec.requestsPerMinute = llmRPM
        spec.tokensPerMinute = llmTPM
        return spec
    }
}
