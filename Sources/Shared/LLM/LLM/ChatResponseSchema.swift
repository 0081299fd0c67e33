/// A strict JSON schema for a chat answer, sent as
/// `response_format: {"type": "json_schema", "json_schema": {"name", "strict": true, "schema"}}`.
///
/// Built by the prompts (``LabelingPrompt``, ``ItemLabelingPrompt``, the persona-set prompts). When a server
/// refuses `json_schema` the client falls back to the request's plain format (see
/// ``ChatCompletionClient``).
public struct ChatResponseSchema: Sendable, Hashable {
    /// `^[A-Za-z0-9_-]+$`, at most 64 characters (OpenAI's rule).
    public var name: String
    public var schema: JSONValue

    public init(name: String, schema: JSONValue) {
        self.name = name
        self.schema = schema
    }

    /// An object whose keys are exactly `ids`, each an array of names from `names` (as OpenAI's strict mode
    /// wants: every property required, no others).
    static func labels(name: String, ids: [String], names: [String]) -> ChatResponseSchema {
        var seen = Set<String>()
        let ids = ids.filter { seen.insert($0).inserted }
        let list = JSONValue.object([
            "type": .string("array"),
            "items": .object(["type": .string("string"), "enum": .array(names.map(JSONValue.string))]),
        ])
        return ChatResponseSchema(
            name: name,
            schema: .object([
                "type": .string("object"),
                "properties": .object(Dictionary(ids.map { ($0, list) }, uniquingKeysWith: { first, _ in first })),
                "required": .array(ids.map(JSONValue.string)),
                "additionalProperties": .bool(false),
            ]))
    }

    /// `{"personas": [{"name", "description"}, …]}`, for the persona-set prompts.
    static let personaSet = ChatResponseSchema(
        name: "persona_set",
        schema: .object([
            "type": .string("object"),
            "properties": .object([
                "personas": .object([
                    "type": .string("array"),
                    "items": .object([
                        "type": .string("object"),
                        "properties": .object([
                            "name": .object(["type": .string("string")]),
                            "description": .object(["type": .string("string")]),
                        ]),
                        "required": .array([.string("name"), .string("description")]),
                        "additionalProperties": .bool(false),
                    ]),
                ])
            ]),
            "required": .array([.string("personas")]),
            "additionalProperties": .bool(false),
        ]))
}
