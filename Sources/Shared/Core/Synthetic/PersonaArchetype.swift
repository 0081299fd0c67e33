import Foundation

/// A hand-written persona for synthetic data: its name and description (what the LLM sees in R) and the
/// vocabulary its products are named from ("<adjective> <noun>, <variant>"), so that a user's purchases
/// read like the persona to a human or an LLM.
struct PersonaArchetype: Sendable, Hashable, Decodable {
    let name: String
    let description: String
    let adjectives: [String]
    let nouns: [String]

    init(name: String, description: String, adjectives: [String], nouns: [String]) {
        self.name = name
        self.description = description
        self.adjectives = adjectives
        self.nouns = nouns
    }

    /// Pack and size variants shared by all archetypes (some contain commas, to exercise CSV quoting).
    static let variants = [
        "12 oz", "16 oz", "Family Size", "Value Pack", "2 ct", "6 ct", "Single", "Large", "Small",
        "Pack of 6, Assorted", "Resealable Bag", "Organic", "Classic", "Travel Size", "Multipack, 4 x 200 g",
    ]

    /// The built-in archetypes, most popular first in the generator's default persona order: the table
    /// `persona-archetypes.json`, compiled into the binary (`PackageResources`, no resource bundle to install).
    static let all: [PersonaArchetype] = {
        do {
            return try JSONDecoder().decode(
                [PersonaArchetype].self, from: Data(PackageResources.persona_archetypes_json))
        } catch {
            preconditionFailure("the built-in persona archetypes do not decode: \(error)")
        }
    }()
}
