/// What to ask: the messages and sampling settings of one `POST /v1/chat/completions`.
struct ChatCompletionRequest: Sendable, Equatable {
    var messages: [ChatMessage]
    /// `nil` leaves the server's default (the paper used the default temperature).
    var temperature: Double?
    var maxTokens: Int?
    /// Sends `response_format: {"type": "json_object"}` (when no ``schema`` is sent).
    var jsonObjectResponse: Bool
    /// Sends `response_format: {"type": "json_schema", …}` unless the client has found the server refuses it
    /// or structured outputs are off; then ``jsonObjectResponse`` decides.
    var schema: ChatResponseSchema?
    /// Overrides ``LLMConfiguration/model`` for this request.
    var model: String?

    init(
        messages: [ChatMessage], temperature: Double? = nil, maxTokens: Int? = nil,
        jsonObjectResponse: Bool = false, schema: ChatResponseSchema? = nil, model: String? = nil
    ) {
        self.schema = schema
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.jsonObjectResponse = jsonObjectResponse
        self.model = model
    }
}
