/// A persona of R as shown to the LLM: its exact name and a description.
public struct LabelingPersona: Sendable, Equatable {
    public var name: String
    public var description: String

    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}
