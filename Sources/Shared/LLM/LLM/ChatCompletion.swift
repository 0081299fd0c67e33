/// One failed attempt that was retried.
public struct ChatCompletionRetry: Sendable, Equatable {
    /// 1-based number of the failed attempt.
    public var attempt: Int
    public var cause: ChatCompletionError.Code
    /// HTTP status of the failed attempt, if a response arrived.
    public var status: Int?
    /// How long the client waited before the next attempt.
    public var delay: Duration
    /// Whether `delay` came from the server's `Retry-After`.
    public var fromRetryAfter: Bool
}

/// A successful completion.
public struct ChatCompletion: Sendable {
    /// `choices[0].message.content`.
    public var content: String
    /// Usage of the successful attempt (failed attempts are usually not billed and report none).
    public var usage: TokenUsage
    /// The model the server says answered.
    public var model: String?
    public var finishReason: String?
    /// Attempts made, the successful one included.
    public var attempts: Int
    public var retries: [ChatCompletionRetry]
}
