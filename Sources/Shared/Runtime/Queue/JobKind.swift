/// The kind of a job; each kind has its own stream, so workers choose which kinds they take.
public struct JobKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A batch of prototype users → their personas (LLM).
    public static let label: JobKind = "label"
    /// A persona shard → Ψ columns (RevAff / exact pass).
    public static let affinity: JobKind = "affinity"
    /// Persona-set generation, propose step (LLM).
    public static let personaPropose: JobKind = "persona-propose"
    /// Persona-set generation, merge step (LLM).
    public static let personaMerge: JobKind = "persona-merge"
    /// Item labeling (LLM).
    public static let itemLabel: JobKind = "item-label"

    public var description: String { rawValue }
}
