/// The name of a job kind; each kind has its own stream, so workers choose which kinds they take. The kinds
/// themselves are ``JobDefinition``s, listed once in ``JobRegistry``.
public struct JobKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }
}
