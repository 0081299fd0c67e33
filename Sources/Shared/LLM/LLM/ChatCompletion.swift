/// One failed attempt that was retried.
struct ChatCompletionRetry: Sendable, Equatable {
    /// 1-based number of the failed attempt.
    var attempt: Int
    var cause: ChatCompletionError.Code
    /// HTTP status of the failed attempt, if a response arrived.
    var status: Int?
    /// How long the client waited before the next attempt.
    var delay: Duration
    /// Whether `delay` came from the server's `Retry-After`.
    var fromRetryAfter: Bool
}

/// A successful completion.
struct ChatCompletion: Sendable {
    /// `choices[0].message.content`.
    var content: String
    /// Usage of the successful attempt (failed attempts are usually not billed and report none).
    var usage: TokenUsage
    /// The model the server says answered.
    var model: String?
    var finishReason: String?
    /// Attempts made, the successful one included.
    var attempts: Int
    var retries: [ChatCompletionRetry]
    /// Requests the server refused because of their `json_schema` response format before the client fell back
    /// (not counted in ``attempts``).
    var schemaRefusals = 0
    /// Whether the answer was asked for with a `json_schema` response format.
    var usedSchema = false
}
