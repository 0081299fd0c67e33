/// Something a ``ChatCompletionClient`` asks before every attempt it sends, retries included: the shared
/// rate limit (``LLMRateLimiter``). It returns when the attempt may go, waiting as long as needed.
public protocol ChatCompletionAdmission: Sendable {
    /// Waits until one more request of `estimatedTokens` tokens to `model` stays within the limits.
    /// Throws `CancellationError` when the calling task is cancelled while waiting.
    func admit(model: String, estimatedTokens: Int) async throws

    /// Told after a successful attempt what it really used, so the token budget can count the difference.
    func settle(model: String, estimatedTokens: Int, usage: TokenUsage) async
}

extension ChatCompletionAdmission {
    public func settle(model: String, estimatedTokens: Int, usage: TokenUsage) async {}
}

extension ChatCompletionRequest {
    /// A cautious token estimate for rate limiting: one token per 4 characters of every message (rounded
    /// up), 4 tokens of framing per message, plus `maxTokens` when set (OpenAI counts it against the
    /// per-minute token limit before answering).
    var estimatedTokens: Int {
        let characters = messages.reduce(0) { $0 + $1.content.count }
        return (characters + 3) / 4 + 4 * messages.count + (maxTokens ?? 0)
    }
}
