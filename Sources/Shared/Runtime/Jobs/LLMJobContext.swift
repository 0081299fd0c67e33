public import GPLRLLM
public import GPLRRedis
public import Logging

/// What a worker lends the `llm` label jobs it runs: its own API key and its Redis (for the shared response
/// cache and rate limit). The key never travels in a payload: it comes from the worker's `OPENAI_API_KEY` or
/// `--llm-key-file` (see ``LLMConfiguration/load(environment:keyFile:base:)``).
public struct LLMJobContext: Sendable {
    /// `nil`: this worker has no key and fails `llm` jobs non-retriably with ``missingKeyMessage``.
    public var apiKey: LLMAPIKey?
    /// For ``LLMResponseCache`` and ``LLMRateLimiter``; `nil` runs without either.
    public var redis: RedisClient?
    public var keys: RedisKeys
    public var logger: Logger?

    public init(apiKey: LLMAPIKey?, redis: RedisClient?, keys: RedisKeys = RedisKeys(), logger: Logger? = nil) {
        self.apiKey = apiKey
        self.redis = redis
        self.keys = keys
        self.logger = logger
    }

    /// The error text of an `llm` job on a worker without a key.
    public static let missingKeyMessage = "no API key: set OPENAI_API_KEY or --llm-key-file on the worker"
}
