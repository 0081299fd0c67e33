import GPLRHTTP
import GPLRSupport

/// A chat completion that failed. Messages never contain the API key: server text is scrubbed of it, and
/// transport errors never carry request headers.
struct ChatCompletionError: Error, CustomStringConvertible, Sendable {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case rateLimited, serverError, transport, invalidResponse, rejected, cancelled, attemptsExhausted, admission
            case spendingCap
        }
        private let base: Base

        /// HTTP 429 (retried).
        static let rateLimited = Code(base: .rateLimited)
        /// HTTP 5xx or 408 (retried).
        static let serverError = Code(base: .serverError)
        /// No response: timeout or broken connection (retried when ``HTTPClientError/isRetriable``).
        static let transport = Code(base: .transport)
        /// A 2xx whose body is not a chat completion (retried).
        static let invalidResponse = Code(base: .invalidResponse)
        /// Another 4xx, e.g. 400 or 401: the request itself is wrong (not retried).
        static let rejected = Code(base: .rejected)
        /// The calling task was cancelled.
        static let cancelled = Code(base: .cancelled)
        /// Every attempt failed; ``ChatCompletionError/underlying`` holds the last cause.
        static let attemptsExhausted = Code(base: .attemptsExhausted)
        /// The ``ChatCompletionAdmission`` (the shared rate limiter) failed, e.g. Redis is unreachable
        /// (not retried: nothing was sent).
        static let admission = Code(base: .admission)
        /// The spending cap (``LLMSpendCap``) is reached: nothing was sent (not retried).
        static let spendingCap = Code(base: .spendingCap)

        var description: String { base.rawValue }

        /// The value of the `outcome` label of the LLM metrics: snake_case (`rate_limited`).
        var metricValue: String { SnakeCase.convert(base.rawValue) }
    }

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
