/// One persona of the predefined set R: a short name the LLM answers with, and a description that tells it
/// what the persona means.
public struct Persona: Codable, Sendable, Hashable {
    public var name: String
    public var description: String

    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}
