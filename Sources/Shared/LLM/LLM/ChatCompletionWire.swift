/// The JSON bodies of `POST /v1/chat/completions` (the OpenAI wire format, the subset gplr uses).
/// Public so the test/demo simulator speaks exactly the same format.
public enum ChatCompletionWire {
    public struct Request: Codable, Sendable {
        /// `response_format`: `json_object`, or `json_schema` with its ``JSONSchemaFormat``.
        public struct ResponseFormat: Codable, Sendable {
            public var type: String
            public var jsonSchema: JSONSchemaFormat?
            enum CodingKeys: String, CodingKey {
                case type
                case jsonSchema = "json_schema"
            }
        }

        /// `{"name", "strict", "schema"}` of a `json_schema` response format.
        public struct JSONSchemaFormat: Codable, Sendable {
            public var name: String
            public var strict: Bool?
            public var schema: JSONValue
        }

        public var model: String
        public var messages: [ChatMessage]
        public var temperature: Double?
        public var maxTokens: Int?
        public var responseFormat: ResponseFormat?

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature
            case maxTokens = "max_tokens"
            case responseFormat = "response_format"
        }
    }

    public struct Response: Codable, Sendable {
        public struct Message: Codable, Sendable {
            public var role: String?
            public var content: String?
            public init(role: String?, content: String?) {
                self.role = role
                self.content = content
            }
        }

        public struct Choice: Codable, Sendable {
            public var index: Int?
            public var message: Message
            public var finishReason: String?
            public init(index: Int?, message: Message, finishReason: String?) {
                self.index = index
                self.message = message
                self.finishReason = finishReason
            }
            enum CodingKeys: String, CodingKey {
                case index, message
                case finishReason = "finish_reason"
            }
        }

        public var id: String?
        public var object: String?
        public var created: Int?
        public var model: String?
        public var choices: [Choice]
        public var usage: TokenUsage?

        public init(
            id: String?, object: String? = "chat.completion", created: Int?, model: String?, choices: [Choice],
            usage: TokenUsage?
        ) {
            self.id = id
            self.object = object
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }
    }

    /// `{"error": {"message": …, "type": …}}`, as OpenAI-compatible servers report failures.
    public struct ErrorBody: Codable, Sendable {
        public struct Detail: Codable, Sendable {
            public var message: String?
            public var type: String?
            public init(message: String?, type: String?) {
                self.message = message
                self.type = type
            }
        }
        public var error: Detail
        public init(error: Detail) { self.error = error }
    }
}
