import GPLRHTTP

/// Where and how to call an OpenAI-compatible chat completions endpoint, and what it costs.
///
/// `description` never shows the API key (see ``LLMAPIKey``).
public struct LLMConfiguration: Sendable, CustomStringConvertible {
    /// Server base, e.g. `https://api.openai.com` or `http://127.0.0.1:8080`. A trailing `/v1` is accepted
    /// (the OpenAI SDK convention for `OPENAI_BASE_URL`) and not doubled.
    public var baseURL: String
    /// A full chat completions URL (query included, e.g. Azure's `?api-version=`) used as is instead of
    /// `{baseURL}/v1/chat/completions`.
    public var endpointURL: String?
    public var model: String
    /// Sent as ``auth`` says; `nil` sends no key (local servers).
    public var apiKey: LLMAPIKey?
    /// How the key is sent: `Authorization: Bearer …` (default), `api-key: …` (Azure) or not at all.
    public var auth: LLMAuthStyle = .bearer
    /// Extra headers sent with every request; their values are secrets (see ``LLMHeader``).
    public var headers: [LLMHeader] = []
    /// Send the prompts' `json_schema` response formats (structured outputs); `false` sends their plain
    /// format (`json_object` or none) as before.
    public var structuredOutputs = true
    public var connectTimeout: Duration
    /// Time allowed for one attempt, from connecting to the last byte.
    public var requestTimeout: Duration
    /// Attempts per request, first one included (≥ 1).
    public var maxAttempts: Int
    /// Requests in flight at once through one client.
    public var concurrency: Int
    /// Exponential backoff: attempt n (1-based) waits a uniformly random time in [0, min(cap, base·2^(n−1))].
    public var backoffBase: Duration
    public var backoffCap: Duration
    /// Upper bound on a server's `Retry-After`.
    public var maxRetryAfter: Duration
    /// USD per 1,000 prompt tokens.
    public var promptPricePer1K: Double
    /// USD per 1,000 completion tokens.
    public var completionPricePer1K: Double
    /// USD per 1,000 prompt tokens served from the provider's prompt cache; `nil`: ``promptPricePer1K``.
    public var cachedPromptPricePer1K: Double?
    /// The share of the online price a Batch API answer costs (OpenAI: 0.5, a 50 % discount).
    public var batchPriceFactor: Double = LLMConfiguration.defaultBatchPriceFactor

    /// OpenAI's (and Anthropic's, Gemini's, Mistral's) batch discount: half the online price.
    public static let defaultBatchPriceFactor = 0.5

    public init(
        baseURL: String = "https://api.openai.com", model: String = "gpt-4o-mini", apiKey: LLMAPIKey? = nil,
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(120), maxAttempts: Int = 6,
        concurrency: Int = 32, backoffBase: Duration = .milliseconds(500), backoffCap: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120), promptPricePer1K: Double = 0, completionPricePer1K: Double = 0
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxAttempts = max(1, maxAttempts)
        self.concurrency = max(1, concurrency)
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.maxRetryAfter = maxRetryAfter
        self.promptPricePer1K = promptPricePer1K
        self.completionPricePer1K = completionPricePer1K
    }

    /// ``endpointURL`` when set, else `{base}/v1/chat/completions`.
    public var chatCompletionsURL: String {
        if let endpointURL { return endpointURL }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        return base + "/v1/chat/completions"
    }

    /// The price of `usage` in USD: uncached prompt tokens at the prompt price, cached ones at the cached price.
    public func cost(of usage: TokenUsage) -> Double {
        let cached = usage.cachedPromptTokens
        return Double(usage.promptTokens - cached) / 1000 * promptPricePer1K
            + Double(cached) / 1000 * (cachedPromptPricePer1K ?? promptPricePer1K)
            + Double(usage.completionTokens) / 1000 * completionPricePer1K
    }

    /// The price of `usage` in USD, answered through the Batch API when `batch` (``batchPriceFactor`` of
    /// ``cost(of:)``).
    public func cost(of usage: TokenUsage, batch: Bool) -> Double {
        batch ? cost(of: usage) * batchPriceFactor : cost(of: usage)
    }

    public var description: String {
        "LLMConfiguration(url: \(HTTPClientRequest.redact(chatCompletionsURL)), model: \(model), "
            + "apiKey: \(apiKey == nil ? "none" : "[redacted]"), auth: \(auth.rawValue), "
            + "headers: \(headers.map(\.name)), connectTimeout: \(connectTimeout), "
            + "requestTimeout: \(requestTimeout), maxAttempts: \(maxAttempts), concurrency: \(concurrency), "
            + "prices per 1K tokens: \(promptPricePer1K) prompt / \(completionPricePer1K) completion)"
    }
}
