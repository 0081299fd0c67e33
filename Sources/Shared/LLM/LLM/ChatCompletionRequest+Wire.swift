import GPLRHTTP

extension ChatCompletionRequest {
    /// The request's wire body at `configuration`'s model: with its `json_schema` response format when `schema`
    /// is set and the request has one, else `json_object` when it asks for JSON mode, else none.
    func wire(configuration: LLMConfiguration, schema: Bool) -> ChatCompletionWire.Request {
        var format: ChatCompletionWire.Request.ResponseFormat?
        if schema, let responseSchema = self.schema {
            format = .init(
                type: "json_schema",
                jsonSchema: .init(name: responseSchema.name, strict: true, schema: responseSchema.schema))
        } else if jsonObjectResponse {
            format = .init(type: "json_object")
        }
        return ChatCompletionWire.Request(
            model: model ?? configuration.model, messages: messages, temperature: temperature, maxTokens: maxTokens,
            responseFormat: format)
    }
}

extension LLMConfiguration {
    /// The key in the header ``auth`` names, then the extra headers: what every request to the provider carries.
    /// Their values are secrets: never logged, never stored.
    func credentialHeaders() -> [HTTPHeader] {
        var result: [HTTPHeader] = []
        if let key = apiKey {
            switch auth {
            case .bearer: result.append(HTTPHeader(name: "Authorization", value: "Bearer \(key.revealedValue)"))
            case .apiKey: result.append(HTTPHeader(name: "api-key", value: key.revealedValue))
            case .none: break
            }
        }
        return result + headers.map { HTTPHeader(name: $0.name, value: $0.revealedValue) }
    }
}
