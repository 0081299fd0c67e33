/// Noise, latency and faults of an ``LLMSimulator``.
public struct LLMSimulatorConfiguration: Sendable {
    /// Seeds every random choice: answers per user, and faults/latency per request number.
    public var seed: UInt64
    /// Probability p of dropping each true persona from an answer.
    public var dropRate: Double
    /// Probability q of adding one wrong persona (from R, not in the truth).
    public var wrongPersonaRate: Double
    /// Probability r of answering "Unrepresentable" instead.
    public var unrepresentableRate: Double
    /// Probability of writing a user's persona names in other case and spacing (still valid after
    /// normalisation).
    public var nameVariationRate: Double
    public var latency: LLMSimulatorLatency
    /// Probability of each fault per request (their sum should stay ≤ 1).
    public var faultRates: [LLMSimulatorFault: Double]
    /// Faults for the first requests in arrival order (`nil`: none), overriding ``faultRates``; makes
    /// exact fault counts possible in tests.
    public var faultSchedule: [LLMSimulatorFault?]
    /// Sent as `Retry-After` with 429 (whole seconds unless given finer).
    public var retryAfter: Duration
    public var hangDuration: Duration
    /// Tokens are counted as characters / this, rounded up.
    public var charactersPerToken: Int
    /// When set, requests without `Authorization: Bearer <key>` get a 401 (see also ``expectedHeaders``).
    public var expectedAPIKey: String?
    /// The name added by ``LLMSimulatorFault/unknownPersona``.
    public var unknownPersonaName: String
    /// The path chat completions are served on (other paths get 404), e.g. an Azure deployment's
    /// `/openai/deployments/D/chat/completions` or Gemini's `/v1beta/openai/chat/completions`.
    public var chatPath: String = "/v1/chat/completions"
    /// Query parameters every request must carry with these values (e.g. `api-version`); else 400.
    public var expectedQuery: [String: String] = [:]
    /// Headers (name case-insensitive) every request must carry with exactly these values; else 401.
    public var expectedHeaders: [String: String] = [:]
    /// Share of each prompt's tokens reported as served from the prompt cache
    /// (`usage.prompt_tokens_details.cached_tokens`, rounded down), as OpenAI reports cache hits.
    public var cachedPromptTokenRate: Double = 0
    /// What `json_schema` response formats get.
    public var structuredOutputs: LLMSimulatorStructuredOutputs
    /// How the Files and Batches endpoints behave.
    public var batch = LLMSimulatorBatchConfiguration()
    /// Headers no request may carry (e.g. `Authorization` for an `api-key` server); else 401.
    public var absentHeaders: [String] = []

    public init(
        seed: UInt64 = 1, dropRate: Double = 0, wrongPersonaRate: Double = 0, unrepresentableRate: Double = 0,
        nameVariationRate: Double = 0, latency: LLMSimulatorLatency = .none,
        faultRates: [LLMSimulatorFault: Double] = [:], faultSchedule: [LLMSimulatorFault?] = [],
        retryAfter: Duration = .seconds(1), hangDuration: Duration = .seconds(30), charactersPerToken: Int = 4,
        expectedAPIKey: String? = nil, unknownPersonaName: String = "Time Traveller",
        structuredOutputs: LLMSimulatorStructuredOutputs = .ignore
    ) {
        self.structuredOutputs = structuredOutputs
        self.seed = seed
        self.dropRate = dropRate
        self.wrongPersonaRate = wrongPersonaRate
        self.unrepresentableRate = unrepresentableRate
        self.nameVariationRate = nameVariationRate
        self.latency = latency
        self.faultRates = faultRates
        self.faultSchedule = faultSchedule
        self.retryAfter = retryAfter
        self.hangDuration = hangDuration
        self.charactersPerToken = max(1, charactersPerToken)
        self.expectedAPIKey = expectedAPIKey
        self.unknownPersonaName = unknownPersonaName
    }
}
