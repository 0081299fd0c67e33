import GPLRHTTP
public import GPLRLLM

/// How a worker labels with an LLM: everything an ``LLMLabeler`` needs except the API key.
///
/// Part of the `label` job payload (and of the run record), so it holds no secret: a worker takes the key from
/// its own `OPENAI_API_KEY` or `--llm-key-file`. Two jobs with equal specs share one client on a worker.
public struct LLMLabelerSpec: Codable, Sendable, Hashable {
    /// Server base, e.g. `https://api.openai.com` (a trailing `/v1` is accepted).
    public var baseURL: String
    /// A full chat completions URL used as is (`--llm-endpoint`), e.g. an Azure deployment's with its
    /// `?api-version=`; `nil`: `{baseURL}/v1/chat/completions`. Travels in payloads: it must hold no secret.
    public var endpointURL: String?
    /// How the worker sends its key; `nil`: bearer. Optional so that payloads written before it decode.
    public var auth: LLMAuthStyle?
    /// `false`: no `json_schema` response formats (`--no-llm-structured-outputs`); `nil`: on.
    public var structuredOutputs: Bool?
    public var model: String
    /// Users per request (≥ 1).
    public var usersPerRequest: Int = 1
    /// Products of a user's history shown in the prompt, most bought first.
    public var maxProductsPerUser: Int = 100
    /// Characters of a user's history in the prompt.
    public var maxCharactersPerUser: Int = 4000
    /// `nil`: the server's default temperature (as in the paper).
    public var temperature: Double?
    public var maxTokens: Int?
    /// Answers asked for per request when one does not parse or leaves users out, the first included.
    public var maxAnswerAttempts: Int = 3
    /// HTTP attempts per request (retries on 429/5xx/timeouts), the first included.
    public var maxRequestAttempts: Int = 6
    /// Requests in flight at once through one worker's client.
    public var concurrency: Int = 8
    /// Seconds allowed per attempt.
    public var requestTimeoutSeconds: Double = 120
    /// Answers are cached in Redis (`<prefix>:llmcache:<sha256>`) and reused.
    public var cache: Bool = true
    /// Seconds a cached answer is kept; `nil`: until evicted.
    public var cacheTTLSeconds: Double?
    /// Requests / tokens per minute shared by every worker on this Redis (`nil`: unlimited).
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// USD per 1,000 prompt / completion tokens, for the report's cost.
    public var promptPricePer1K: Double = 0
    public var completionPricePer1K: Double = 0
    /// USD per 1,000 prompt tokens served from the provider's prompt cache; `nil`: the prompt price.
    public var cachedPromptPricePer1K: Double?
    /// The spending cap in USD (`--llm-max-cost`), counted in the ledger of run ``spendRunID``
    /// (``RedisSpendLedger``); `nil`: no cap.
    public var maxCostUSD: Double?
    /// The run whose ledger counts the spend against ``maxCostUSD``.
    public var spendRunID: String?
    /// `batch`: the coordinator labels each step through the Batch API (``LLMBatchLabeler``); `nil`: online.
    public var mode: LLMMode?
    /// Polling and re-submission of batch mode; `nil`: the defaults.
    public var batch: LLMBatchOptions?
    /// The share of the online price a batch answer costs; `nil`: ``LLMConfiguration/defaultBatchPriceFactor``.
    public var batchPriceFactor: Double?

    public init(baseURL: String, model: String) {
        self.baseURL = baseURL
        self.model = model
    }

    /// The labeler's options.
    public var labelerOptions: LLMLabelerOptions {
        LLMLabelerOptions(
            usersPerRequest: usersPerRequest,
            prompt: LabelingPromptOptions(
                maxProductsPerUser: maxProductsPerUser, maxCharactersPerUser: maxCharactersPerUser),
            maxAnswerAttempts: maxAnswerAttempts, temperature: temperature, maxTokens: maxTokens)
    }

    /// Online unless the spec says batch.
    public var llmMode: LLMMode { mode ?? .online }

    /// How the key is sent.
    public var authStyle: LLMAuthStyle { auth ?? .bearer }

    /// The client configuration with `apiKey` and `headers` (which the spec never holds).
    public func configuration(apiKey: LLMAPIKey?, headers: [LLMHeader] = []) -> LLMConfiguration {
        var configuration = LLMConfiguration(
            baseURL: baseURL, model: model, apiKey: apiKey,
            requestTimeout: .milliseconds(Int64(requestTimeoutSeconds * 1000)), maxAttempts: maxRequestAttempts,
            concurrency: concurrency, promptPricePer1K: promptPricePer1K, completionPricePer1K: completionPricePer1K)
        configuration.endpointURL = endpointURL
        configuration.auth = authStyle
        configuration.headers = headers
        configuration.structuredOutputs = structuredOutputs ?? true
        configuration.cachedPromptPricePer1K = cachedPromptPricePer1K
        configuration.batchPriceFactor = batchPriceFactor ?? LLMConfiguration.defaultBatchPriceFactor
        return configuration
    }

    /// The shared rate limit it asks for.
    public var rateLimit: LLMRateLimit {
        LLMRateLimit(requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute)
    }

    /// The name of the first query parameter of `url` that looks like a credential (`key`, `api-key`, `token`,
    /// `secret`, `password`, `sig`, `code` in its name), or `nil`.
    static func secretLookingQueryItem(in url: String) -> String? {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for item in query.split(separator: "&") {
            let name = String(item.prefix { $0 != "=" })
            let lowered = name.lowercased()
            if ["key", "token", "secret", "password", "sig", "code"].contains(where: lowered.contains) { return name }
        }
        return nil
    }

    /// Why the spec cannot be used, or `nil`.
    public var problem: String? {
        for (name, url) in [("base URL", baseURL), ("endpoint", endpointURL)] {
            guard let url else { continue }
            guard let scheme = url.split(separator: ":").first?.lowercased(), scheme == "http" || scheme == "https",
                url.contains("://")
            else { return "the LLM \(name) '\(HTTPClientRequest.redact(url))' is not an http(s) URL" }
            if let secret = Self.secretLookingQueryItem(in: url) {
                return "the LLM \(name)'s query parameter '\(secret)' looks like a secret, and the URL is stored in "
                    + "Redis and job payloads: send it as a header instead (--llm-auth api-key, or a header file "
                    + "on the workers)"
            }
        }
        if model.isEmpty { return "the LLM model is empty" }
        if llmMode == .batch {
            if endpointURL != nil {
                return "batch mode needs the server's base URL (--llm-url): a full --llm-endpoint has no batch URLs"
            }
            if let problem = batch?.problem { return problem }
        }
        if let factor = batchPriceFactor, !(0...1).contains(factor) {
            return "the batch price factor must be in 0 ... 1"
        }
        for (name, value) in [
            ("users per request", usersPerRequest), ("max products per user", maxProductsPerUser),
            ("max characters per user", maxCharactersPerUser), ("max answer attempts", maxAnswerAttempts),
            ("max request attempts", maxRequestAttempts), ("concurrency", concurrency),
        ] where value < 1 {
            return "\(name) must be at least 1, got \(value)"
        }
        if let maxTokens, maxTokens < 1 { return "max tokens must be at least 1, got \(maxTokens)" }
        if let temperature, !(0...2).contains(temperature) { return "temperature must be in 0 ... 2" }
        if !(requestTimeoutSeconds > 0) { return "the request timeout must be positive" }
        if let ttl = cacheTTLSeconds, !(ttl > 0) { return "the cache TTL must be positive" }
        if let rpm = requestsPerMinute, rpm < 1 { return "requests per minute must be at least 1" }
        if let tpm = tokensPerMinute, tpm < 1 { return "tokens per minute must be at least 1" }
        if let cap = maxCostUSD, !(cap > 0) || !cap.isFinite { return "the spending cap must be a positive amount" }
        if !(promptPricePer1K >= 0) || !(completionPricePer1K >= 0) || !((cachedPromptPricePer1K ?? 0) >= 0) {
            return "prices must not be negative"
        }
        return nil
    }
}
