/// Settings of one ``HTTPClient``.
public struct HTTPClientConfiguration: Sendable {
    /// Requests on the wire at once; more are queued in submission order.
    public var maxConcurrentRequests: Int
    /// A response body larger than this fails the request with ``HTTPClientError/Code/responseTooLarge``.
    public var maxResponseBytes: Int
    /// Sent as `User-Agent`.
    public var userAgent: String

    public init(maxConcurrentRequests: Int = 32, maxResponseBytes: Int = 16 << 20, userAgent: String = "gplr") {
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.maxResponseBytes = max(1, maxResponseBytes)
        self.userAgent = userAgent
    }
}
