import Foundation
import GPLRLLM

/// Checks a JSON text against the subset of JSON Schema gplr's prompts use (`type` object/array/string,
/// `properties`, `required`, `additionalProperties: false`, `items`, `enum`). Pure.
enum JSONSchemaCheck {
    /// Whether `text` parses and fits `schema`.
    static func conforms(_ text: String, to schema: JSONValue) -> Bool {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return false }
        return conforms(value, to: schema)
    }

    static func conforms(_ value: JSONValue, to schema: JSONValue) -> Bool {
        if case .array(let allowed)? = schema["enum"], !allowed.contains(value) { return false }
        switch (schema["type"], value) {
        case (.string("string")?, .string), (nil, _):
            return true
        case (.string("array")?, .array(let elements)):
            guard let items = schema["items"] else { return true }
            return elements.allSatisfy { conforms($0, to: items) }
        case (.string("object")?, .object(let members)):
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = schema["properties"] { properties = declared }
            if case .array(let required)? = schema["required"] {
                for case .string(let name) in required where members[name] == nil { return false }
            }
            for (name, member) in members {
                if let property = properties[name] {
                    if !conforms(member, to: property) { return false }
                } else if schema["additionalProperties"] == .bool(false) {
                    return false
                }
            }
            return true
        default:
            return false
        }
    }
}
