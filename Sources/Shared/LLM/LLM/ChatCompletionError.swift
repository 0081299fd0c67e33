import GPLRHTTP
import GPLRSupport

/// A chat completion that failed. Messages never contain the API key: server text is scrubbed of it, and
/// transport errors never carry request headers.
struct ChatCompletionError: Error, CustomStringConvertible, Sendable {
    var code: Code
    var message: String
    /// HTTP status, when a response arrived.
    var status: Int?
    /// Attempts made when the error was raised.
    var attempts = 1
    /// The cause: an ``HTTPClientError``, a decoding error, or for ``Code/attemptsExhausted`` the last
    /// attempt's ``ChatCompletionError``.
    var underlying: (any Error & Sendable)?
    /// `Retry-After` sent with the failure, if any.
    var retryAfter: Duration?

    /// Whether another attempt may succeed.
    var isRetriable: Bool {
        switch code {
        case .rateLimited, .serverError, .invalidResponse: return true
        case .transport: return (underlying as? HTTPClientError)?.isRetriable ?? false
        default: return false
        }
    }

    var description: String {
        var text = "ChatCompletionError.\(code): \(message)"
        if let status { text += " [HTTP \(status)]" }
        if code == .attemptsExhausted, let underlying { text += "; last cause: \(underlying)" }
        return text
    }
}

extension ChatCompletionError {
    /// What kind of failure this is; compare against the statics.
    typealias Code = ErrorCode<ChatCompletionError>
}

extension ErrorCode<ChatCompletionError> {
    /// HTTP 429 (retried).
    static var rateLimited: Self { Self("rateLimited") }
    /// HTTP 5xx or 408 (retried).
    static var serverError: Self { Self("serverError") }
    /// No response: timeout or broken connection (retried when ``HTTPClientError/isRetriable``).
    static var transport: Self { Self("transport") }
    /// A 2xx whose body is not a chat completion (retried).
    static var invalidResponse: Self { Self("invalidResponse") }
    /// Another 4xx, e.g. 400 or 401: the request itself is wrong (not retried).
    static var rejected: Self { Self("rejected") }
    /// The calling task was cancelled.
    static var cancelled: Self { Self("cancelled") }
    /// Every attempt failed; ``ChatCompletionError/underlying`` holds the last cause.
    static var attemptsExhausted: Self { Self("attemptsExhausted") }
    /// The ``ChatCompletionAdmission`` (the shared rate limiter) failed, e.g. Redis is unreachable
    /// (not retried: nothing was sent).
    static var admission: Self { Self("admission") }
    /// The spending cap (``LLMSpendCap``) is reached: nothing was sent (not retried).
    static var spendingCap: Self { Self("spendingCap") }

    /// The value of the `outcome` label of the LLM metrics: snake_case (`rate_limited`).
    var metricValue: String { SnakeCase.convert(description) }
}
