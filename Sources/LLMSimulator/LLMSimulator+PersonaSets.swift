import GPLRCore
import GPLRLLM

extension LLMSimulator {
    /// A numbered persona list answering a persona-set prompt: for a propose prompt, `count` personas of R
    /// drawn at random (seeded by the prompt); for a merge or final prompt, the `count` names most frequent
    /// among the candidate sets in the prompt, topped up from R when the candidates are too few.
    /// `json`: as `{"personas": [{"name", "description"}]}` (a structured answer).
    func personaSetContent(forPrompt prompt: String, count: Int, json: Bool = false) -> String {
        var random = SimulatorRandom(seed: configuration.seed, key: "personas:" + prompt)
        var chosen: [Persona] = []
        if let heading = prompt.range(of: PersonaGenerationPrompt.candidatesHeading, options: .backwards) {
            let candidates = PersonaListParser.parseNumbered(String(prompt[heading.upperBound...]))
            var frequency: [String: (persona: Persona, count: Int, order: Int)] = [:]
            for (order, candidate) in candidates.enumerated() {
                let key = PersonaSet.normalize(candidate.name)
                if key.isEmpty { continue }
                let entry = frequency[key] ?? (candidate, 0, order)
                frequency[key] = (entry.persona, entry.count + 1, entry.order)
            }
            chosen = frequency.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.order < $1.order }
                .prefix(count).map(\.persona)
        }
        var pool = personas.filter { name in
            !chosen.contains { PersonaSet.normalize($0.name) == PersonaSet.normalize(name) }
        }
        while chosen.count < count, !pool.isEmpty {
            let name = pool.remove(at: Int(random.next() % UInt64(pool.count)))
            chosen.append(Persona(name: name, description: personaDescriptions[name] ?? "Customers who are \(name)."))
        }
        if json {
            return #"{"personas": ["#
                + chosen.map {
                    #"{"name": "# + Self.jsonString($0.name) + #", "description": "#
                        + Self.jsonString($0.description) + "}"
                }.joined(separator: ", ") + "]}"
        }
        return chosen.enumerated().map { index, persona in
            "\(index + 1). \(persona.name)\n - \(persona.description)"
        }.joined(separator: "\n")
    }
}
