extension Duration {
    /// The duration in seconds, as a `Double` (for reports and rates).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
