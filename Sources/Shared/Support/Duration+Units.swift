extension Duration {
    /// The duration in seconds, as a `Double` (for reports, rates and log lines).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// Whole milliseconds, rounded down, at least 0 (Redis and curl take milliseconds).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Whole nanoseconds, rounded down, at least 0 (swift-metrics' timers take nanoseconds).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
