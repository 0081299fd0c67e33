import GPLRSupport

/// Limits on one model's endpoint shared by every worker: requests and tokens per minute.
///
/// Enforced as a sliding-window log over ``window``: at any moment, what was admitted during the last
/// `window` is at most `limit · window / 60 s` (rounded down, at least 1). When `window` divides a minute,
/// no sliding 60-second interval ever holds more than the per-minute limit, and a shorter window spreads
/// the requests over the minute instead of sending a whole minute's budget at once.
public struct LLMRateLimit: Sendable, Equatable {
    /// Requests per minute, or `nil` for no request limit.
    public var requestsPerMinute: Int?
    /// Tokens per minute (estimated prompt tokens + `max_tokens`, corrected by the reported usage), or `nil`.
    public var tokensPerMinute: Int?
    /// The sliding window, between 1 ms and 60 s; 60 s is the plain per-minute limit.
    public var window: Duration

    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, window: Duration = .seconds(10)) {
        self.requestsPerMinute = requestsPerMinute.map { max(1, $0) }
        self.tokensPerMinute = tokensPerMinute.map { max(1, $0) }
        self.window = min(max(window, .milliseconds(1)), .seconds(60))
    }

    /// Whether any limit is set.
    public var isLimited: Bool { requestsPerMinute != nil || tokensPerMinute != nil }

    var windowMilliseconds: Int {
        max(1, Int(window.milliseconds))
    }

    /// What one window may hold of a per-minute `limit`.
    func capacity(perMinute limit: Int) -> Int {
        max(1, Int((Double(limit) * Double(windowMilliseconds) / 60_000).rounded(.down)))
    }
}
