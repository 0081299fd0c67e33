/// A persona of R as shown to the LLM: its exact name and a description.
struct LabelingPersona: Sendable, Equatable {
    var name: String
    var description: String

    init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}
