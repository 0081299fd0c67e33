/// An extra HTTP header for the LLM server (`--llm-header Name:value`).
///
/// The value is treated as a secret whatever the name (`api-key`, `Authorization`, a gateway token …): it
/// prints, dumps and reflects as `[redacted]`, travels in no job payload, run record or report, and is
/// scrubbed from server error messages. Only the chat client reads ``revealedValue``.
public struct LLMHeader: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The header name, as given.
    public let name: String
    private let value: String

    /// Names the client sets itself, refused as extra headers.
    static let reserved: Set<String> = ["content-type", "content-length", "host", "transfer-encoding", "accept"]

    /// A header, or a ``LLMConfigurationError`` (code `invalidValue`) naming `source` but never the value.
    public init(name: String, value: String, source: String = "--llm-header") throws(LLMConfigurationError) {
        let token = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && scalar.value > 32 && scalar.value < 127
                && !"()<>@,;:\\\"/[]?={}".unicodeScalars
                    .contains(scalar)
        }
        guard !name.isEmpty, token else {
            throw LLMConfigurationError(code: .invalidValue, message: "'\(name)' is not a header name", source: source)
        }
        guard !Self.reserved.contains(name.lowercased()) else {
            throw LLMConfigurationError(
                code: .invalidValue, message: "the header \(name) is set by gplr itself", source: source)
        }
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw LLMConfigurationError(
                code: .invalidValue, message: "the value of header \(name) holds a line break", source: source)
        }
        self.name = name
        self.value = value
    }

    /// Parses `Name:value` (or `Name: value`); surrounding whitespace of both parts is dropped.
    public init(parsing text: String, source: String = "--llm-header") throws(LLMConfigurationError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw LLMConfigurationError(
                code: .invalidValue, message: "a header is written Name:value", source: source)
        }
        try self.init(
            name: text[..<colon].trimmingWhitespace(), value: text[text.index(after: colon)...].trimmingWhitespace(),
            source: source)
    }

    /// The secret value. Use only to build the request.
    public var revealedValue: String { value }

    public var description: String { "\(name): [redacted]" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["name": name, "value": "[redacted]"]) }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
