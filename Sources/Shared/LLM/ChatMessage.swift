/// One message of a chat completion request.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// `system`, `user` or `assistant`.
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
}

/// What to ask: the messages and sampling settings of one `POST /v1/chat/completions`.
public struct ChatCompletionRequest: Sendable, Equatable {
    public var messages: [ChatMessage]
    /// `nil` leaves the server's default (the paper used the default temperature).
    public var temperature: Double?
    public var maxTokens: Int?
    /// Sends `response_format: {"type": "json_object"}`.
    public var jsonObjectResponse: Bool
    /// Overrides ``LLMConfiguration/model`` for this request.
    public var model: String?

    public init(
        messages: [ChatMessage], temperature: Double? = nil, maxTokens: Int? = nil,
        jsonObjectResponse: Bool = false, model: String? = nil
    ) {
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.jsonObjectResponse = jsonObjectResponse
        self.model = model
    }
}

/// Token counts reported by the server in `usage`.
public struct TokenUsage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            promptTokens: lhs.promptTokens + rhs.promptTokens,
            completionTokens: lhs.completionTokens + rhs.completionTokens,
            totalTokens: lhs.totalTokens + rhs.totalTokens)
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let prompt = try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        let completion = try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
        self.init(
            promptTokens: prompt, completionTokens: completion,
            totalTokens: try container.decodeIfPresent(Int.self, forKey: .totalTokens))
    }
}

/// One failed attempt that was retried.
public struct ChatCompletionRetry: Sendable, Equatable {
    /// 1-based number of the failed attempt.
    public var attempt: Int
    public var cause: ChatCompletionError.Code
    /// HTTP status of the failed attempt, if a response arrived.
    public var status: Int?
    /// How long the client waited before the next attempt.
    public var delay: Duration
    /// Whether `delay` came from the server's `Retry-After`.
    public var fromRetryAfter: Bool
}

/// A successful completion.
public struct ChatCompletion: Sendable {
    /// `choices[0].message.content`.
    public var content: String
    /// Usage of the successful attempt (failed attempts are usually not billed and report none).
    public var usage: TokenUsage
    /// The model the server says answered.
    public var model: String?
    public var finishReason: String?
    /// Attempts made, the successful one included.
    public var attempts: Int
    public var retries: [ChatCompletionRetry]
}
