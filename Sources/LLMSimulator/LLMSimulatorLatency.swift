/// How long the simulator takes to answer.
public enum LLMSimulatorLatency: Sendable, Equatable {
    case none
    case fixed(Duration)
    /// Log-normal with the given mean and σ of the underlying normal.
    case logNormal(mean: Duration, sigma: Double)
}
