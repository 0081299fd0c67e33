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
