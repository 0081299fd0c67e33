import GPLRHTTP

/// A chat completion that failed. Messages never contain the API key: server text is scrubbed of it, and
/// transport errors never carry request headers.
public struct ChatCompletionError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case rateLimited, serverError, transport, invalidResponse, rejected, cancelled, attemptsExhausted, admission
        }
        private let base: Base

        /// HTTP 429 (retried).
        public static let rateLimited = Code(base: .rateLimited)
        /// HTTP 5xx or 408 (retried).
        public static let serverError = Code(base: .serverError)
        /// No response: timeout or broken connection (retried when ``HTTPClientError/isRetriable``).
        public static let transport = Code(base: .transport)
        /// A 2xx whose body is not a chat completion (retried).
        public static let invalidResponse = Code(base: .invalidResponse)
        /// Another 4xx, e.g. 400 or 401: the request itself is wrong (not retried).
        public static let rejected = Code(base: .rejected)
        /// The calling task was cancelled.
        public static let cancelled = Code(base: .cancelled)
        /// Every attempt failed; ``ChatCompletionError/underlying`` holds the last cause.
        public static let attemptsExhausted = Code(base: .attemptsExhausted)
        /// The ``ChatCompletionAdmission`` (the shared rate limiter) failed, e.g. Redis is unreachable
        /// (not retried: nothing was sent).
        public static let admission = Code(base: .admission)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// HTTP status, when a response arrived.
    public let status: Int?
    /// Attempts made when the error was raised.
    public let attempts: Int
    /// The cause: an ``HTTPClientError``, a decoding error, or for ``Code/attemptsExhausted`` the last
    /// attempt's ``ChatCompletionError``.
    public let underlying: (any Error & Sendable)?
    /// `Retry-After` sent with the failure, if any.
    public let retryAfter: Duration?

    public init(
        code: Code, message: String, status: Int? = nil, attempts: Int = 1, underlying: (any Error & Sendable)? = nil,
        retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.attempts = attempts
        self.underlying = underlying
        self.retryAfter = retryAfter
    }

    /// Whether another attempt may succeed.
    public var isRetriable: Bool {
        switch code {
        case .rateLimited, .serverError, .invalidResponse: return true
        case .transport: return (underlying as? HTTPClientError)?.isRetriable ?? false
        default: return false
        }
    }

    public var description: String {
        var text = "ChatCompletionError.\(code): \(message)"
        if let status { text += " [HTTP \(status)]" }
        if code == .attemptsExhausted, let underlying { text += "; last cause: \(underlying)" }
        return text
    }
}
