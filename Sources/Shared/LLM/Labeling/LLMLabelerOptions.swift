/// How an ``LLMLabeler`` asks.
public struct LLMLabelerOptions: Sendable, Equatable {
    /// Users per request (the paper asks about one; more save the instructions' tokens).
    public var usersPerRequest: Int
    /// How much of each user's history goes into the prompt.
    public var prompt: LabelingPromptOptions
    /// Answers asked for per request when an answer does not parse or leaves users out, the first included.
    public var maxAnswerAttempts: Int
    /// Personas kept per user (the prompt asks for at most 5).
    public var maxPersonasPerUser: Int
    /// `nil` keeps the server's default temperature, as the paper did.
    public var temperature: Double?
    public var maxTokens: Int?

    public init(
        usersPerRequest: Int = 1, prompt: LabelingPromptOptions = LabelingPromptOptions(), maxAnswerAttempts: Int = 3,
        maxPersonasPerUser: Int = 5, temperature: Double? = nil, maxTokens: Int? = nil
    ) {
        self.usersPerRequest = max(1, usersPerRequest)
        self.prompt = prompt
        self.maxAnswerAttempts = max(1, maxAnswerAttempts)
        self.maxPersonasPerUser = max(1, maxPersonasPerUser)
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}
