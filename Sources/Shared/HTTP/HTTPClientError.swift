public import GPLRSupport

/// A failed HTTP exchange (not an HTTP error status: those are responses).
///
/// The message is built from curl's own error text and the request's redacted URL; it never contains request
/// header values, so the API key in `Authorization` cannot leak through it.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public let code: Code
    /// curl's `CURLcode` (or `CURLMcode` for multi-handle failures), when curl reported the failure.
    public let curlCode: Int?
    /// What happened, for humans. Never contains header values.
    public let message: String
    /// The request URL without credentials or query, when known.
    public let url: String?

    public init(code: Code, curlCode: Int? = nil, message: String, url: String? = nil) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
        self.url = url
    }

    /// Whether trying the same request again may succeed (timeouts and broken connections).
    public var isRetriable: Bool { code == .timeout || code == .connection }

    public var description: String {
        var text = "HTTPClientError.\(code): \(message)"
        if let url { text += " (\(url))" }
        if let curlCode { text += " [curl \(curlCode)]" }
        return text
    }
}

extension HTTPClientError {
    /// What kind of failure; compare with the static members.
    public typealias Code = ErrorCode<HTTPClientError>
}

extension ErrorCode<HTTPClientError> {
    /// The connect or total timeout elapsed.
    public static var timeout: Self { Self("timeout") }
    /// Resolving, connecting, sending or receiving failed, or the peer closed the connection.
    public static var connection: Self { Self("connection") }
    /// TLS handshake or certificate verification failed.
    public static var tls: Self { Self("tls") }
    /// The request cannot be sent as given (bad URL, unsupported scheme, CR/LF in a header).
    public static var invalidRequest: Self { Self("invalidRequest") }
    /// The response body exceeded ``HTTPClientConfiguration/maxResponseBytes``.
    public static var responseTooLarge: Self { Self("responseTooLarge") }
    /// The calling task was cancelled.
    public static var cancelled: Self { Self("cancelled") }
    /// The client was shut down before the request finished.
    public static var shutdown: Self { Self("shutdown") }
    /// Any other transfer failure reported by curl.
    public static var transfer: Self { Self("transfer") }
    /// libcurl could not be initialised.
    public static var setup: Self { Self("setup") }
}
