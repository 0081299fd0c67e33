/// An API key. Prints, dumps and reflects as `[redacted]`: the only way to read it is ``revealedValue``,
/// which the chat client uses to build the `Authorization` header and nothing else should.
public struct LLMAPIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself. Use only to authenticate a request.
    public var revealedValue: String { value }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
    public var customMirror: Mirror { Mirror(self, children: ["value": "[redacted]"]) }
}
