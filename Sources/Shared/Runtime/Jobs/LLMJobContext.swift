public import GPLRLLM
public import GPLRRedis
public import Logging

/// What a worker lends the `llm` label jobs it runs: its own API key and its Redis (for the shared response
/// cache and rate limit). The key never travels in a payload: it comes from the worker's `OPENAI_API_KEY` or
/// `--llm-key-file` (see ``LLMConfiguration/load(environment:keyFile:base:)``), and so do its extra headers.
public struct LLMJobContext: Sendable {
    /// `nil`: this worker has no key and fails `llm` jobs non-retriably with ``missingKeyMessage``.
    public var apiKey: LLMAPIKey?
    /// The worker's extra headers (`--llm-header`, `--llm-header-file`), secrets like the key.
    public var headers: [LLMHeader]
    /// For ``LLMResponseCache`` and ``LLMRateLimiter``; `nil` runs without either.
    public var redis: RedisClient?
    public var keys: RedisKeys
    public var logger: Logger?

    public init(
        apiKey: LLMAPIKey?, headers: [LLMHeader] = [], redis: RedisClient?, keys: RedisKeys = RedisKeys(),
        logger: Logger? = nil
    ) {
        self.apiKey = apiKey
        self.headers = headers
        self.redis = redis
        self.keys = keys
        self.logger = logger
    }

    /// The key for a job of `spec`: the worker's, or `nil` when the spec sends none (auth `none`); throws
    /// ``missingKeyMessage`` when the spec needs one the worker lacks.
    func key(for spec: LLMLabelerSpec) throws -> LLMAPIKey? {
        guard spec.authStyle.needsKey else { return nil }
        guard let apiKey else { throw JobExecutionError(.llm, Self.missingKeyMessage) }
        return apiKey
    }

    /// The error text of an `llm` job on a worker without a key.
    public static let missingKeyMessage = "no API key: set OPENAI_API_KEY or --llm-key-file on the worker"
}
