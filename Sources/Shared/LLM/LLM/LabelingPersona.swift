import GPLRCore

/// A persona of R as shown to the LLM: its exact name and a description.
struct LabelingPersona: Sendable, Equatable {
    var name: String
    var description: String
}

extension LabelingPersona {
    /// `persona` as the prompts show it.
    init(_ persona: Persona) { self.init(name: persona.name, description: persona.description) }
}
