/// What labeling a run's budget will take, estimated without a request (`gplr run --dry-run`): requests,
/// prompt and completion tokens, and one rendered prompt. Built by ``StandInLabeler``.
public struct LabelingEstimate: Sendable {
    public var requests = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Users the requests asked about.
    public var users = 0
    /// The first request: its system and user message.
    public var examplePrompt: [ChatMessage] = []
    /// The users of that request.
    public var exampleUserIDs: [String] = []

    public init() {}

    public var totalTokens: Int { promptTokens + completionTokens }

    /// The cost at `configuration`'s prices (no prompt-cache discount).
    public func costUSD(_ configuration: LLMConfiguration) -> Double {
        configuration.cost(of: TokenUsage(promptTokens: promptTokens, completionTokens: completionTokens))
    }

    /// Tokens of `messages` as the client estimates them for rate limits: characters / 4 (rounded up) + 4 per
    /// message.
    public static func tokens(_ messages: [ChatMessage]) -> Int {
        ChatCompletionRequest(messages: messages).estimatedTokens
    }
}
