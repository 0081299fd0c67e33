public import GPLRCore

extension PersonaSetGenerationError {
    /// Throws `code` ("all <calls> <what> failed", `lastError` as the cause) when a step's calls left no persona
    /// list: how ``PersonaSetGenerator`` and the distributed generation (`persona-*` jobs) end a failed step alike.
    public static func requireSets(
        _ sets: [[Persona]], calls: Int, what: String, code: Code, step: String, lastError: String?
    ) throws(PersonaSetGenerationError) {
        guard sets.isEmpty else { return }
        throw PersonaSetGenerationError(
            code: code, message: "all \(calls) \(what) failed", step: step,
            underlying: lastError.map(GenerationCause.init))
    }

    /// R from the final pick's `personas`: the first `personaCount` (counting `personas.final-short` in `counters`
    /// when there are fewer); ``Code/noFinalSet`` (`lastError` as the cause) when there is none.
    public static func finalSet(
        _ personas: [Persona], personaCount: Int, lastError: String?, counters: inout [String: Int]
    ) throws -> PersonaSet {
        guard !personas.isEmpty else {
            throw PersonaSetGenerationError(
                code: .noFinalSet, message: "the final pick produced no persona", step: "final",
                underlying: lastError.map(GenerationCause.init))
        }
        let chosen = Array(personas.prefix(personaCount))
        if chosen.count < personaCount { counters["personas.final-short", default: 0] += 1 }
        return try PersonaSet(chosen)
    }
}
