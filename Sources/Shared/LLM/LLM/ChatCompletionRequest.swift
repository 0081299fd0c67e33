/// What to ask: the messages and sampling settings of one `POST /v1/chat/completions`.
struct ChatCompletionRequest: Sendable, Equatable {
    var messages: [ChatMessage]
    /// `nil` leaves the server's default (the paper used the default temperature).
    var temperature: Double?
    var maxTokens: Int?
    /// Sends `response_format: {"type": "json_object"}`.
    var jsonObjectResponse: Bool
    /// Overrides ``LLMConfiguration/model`` for this request.
    var model: String?

    init(
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
