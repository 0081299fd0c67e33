import GPLRSupport

/// When to try a failed chat completion again: exponential backoff with full jitter, or the server's
/// `Retry-After` when it sent one. Pure: the random draw comes from the caller.
struct RetryPolicy: Sendable {
    var maxAttempts: Int
    var base: Duration
    var cap: Duration
    var maxRetryAfter: Duration

    init(configuration: LLMConfiguration) {
        maxAttempts = configuration.maxAttempts
        base = configuration.backoffBase
        cap = configuration.backoffCap
        maxRetryAfter = configuration.maxRetryAfter
    }

    /// The wait after failed attempt `attempt` (1-based); `unit` is uniform in [0, 1).
    func delay(afterAttempt attempt: Int, retryAfter: Duration?, unit: Double) -> (Duration, fromRetryAfter: Bool) {
        if let retryAfter { return (min(max(retryAfter, .zero), maxRetryAfter), true) }
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let ceiling = min(base.inSeconds * Double(1 << Int(exponent)), cap.inSeconds)
        return (.seconds(ceiling * min(max(unit, 0), 1)), false)
    }

    /// `Retry-After` as delay-seconds (integer or decimal); HTTP dates are not used.
    static func parseRetryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Double(value.trimmingWhitespaceForRetryAfter()), seconds.isFinite,
            seconds >= 0
        else { return nil }
        return .seconds(seconds)
    }
}

extension String {
    fileprivate func trimmingWhitespaceForRetryAfter() -> Substring {
        var view = Substring(self)
        while view.first?.isWhitespace == true { view.removeFirst() }
        while view.last?.isWhitespace == true { view.removeLast() }
        return view
    }
}
