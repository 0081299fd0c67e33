/// What the simulator did so far.
public struct LLMSimulatorStatistics: Sendable, Equatable {
    /// Chat completion requests received.
    public var requests = 0
    /// Requests answered with a chat completion (200), faulty content included.
    public var completions = 0
    /// Injected faults by kind.
    public var faults: [LLMSimulatorFault: Int] = [:]
    /// Requests refused for a missing or wrong API key.
    public var unauthorized = 0
    /// Requests whose body was not a chat completion request.
    public var badRequests = 0
    /// User answers written (one per user per completion).
    public var userAnswers = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// The most requests handled at the same time.
    public var maxConcurrentRequests = 0

    public init() {}

    /// How many times `fault` was injected.
    public subscript(fault: LLMSimulatorFault) -> Int { faults[fault, default: 0] }
}
