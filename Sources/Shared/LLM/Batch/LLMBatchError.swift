public import GPLRSupport

/// A Files or Batches call that failed after its retries. The message names the step and the redacted URL and
/// carries the server's scrubbed error text: never the API key or a header value.
public struct LLMBatchError: Error, CustomStringConvertible, Sendable {
    public let code: Code
    /// `upload`, `create`, `status` or `download`.
    public let step: String
    public let message: String
    /// The HTTP status of the last response, if one arrived.
    public let status: Int?
    public let underlying: (any Error & Sendable)?

    init(_ code: Code, step: String, _ message: String, status: Int? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.step = step
        self.message = message
        self.status = status
        self.underlying = underlying
    }

    public var description: String {
        var text = "LLMBatchError.\(code) (\(step)): \(message)"
        if let status { text += " [HTTP \(status)]" }
        return text
    }
}

extension LLMBatchError {
    /// What went wrong; compare with the static members.
    public typealias Code = ErrorCode<LLMBatchError>
}

extension ErrorCode<LLMBatchError> {
    /// A 4xx other than 408/429: the request is wrong (a bad key, an unknown file); not retried.
    public static var rejected: Self { Self("rejected") }
    /// 429, 5xx, timeouts and broken connections, on every attempt.
    public static var unavailable: Self { Self("unavailable") }
    /// A 2xx whose body is not what the endpoint returns.
    public static var invalidResponse: Self { Self("invalidResponse") }
    /// The calling task was cancelled.
    public static var cancelled: Self { Self("cancelled") }
}
