import ArgumentParser
import GPLRCore

/// `--max-personas`, `--max-persona-name-bytes`, `--max-persona-description-bytes`: the persona set a run reads
/// (``PersonaSetLimits``).
struct PersonaLimitOptions: ParsableArguments {
    @Option(help: "Most personas a persona set may hold (each is a column of Ψ and a line of every prompt).")
    var maxPersonas = PersonaSetLimits().maxPersonas

    @Option(help: "Longest persona name accepted, in bytes.")
    var maxPersonaNameBytes = PersonaSetLimits().maxNameBytes

    @Option(help: "Longest persona description accepted, in bytes.")
    var maxPersonaDescriptionBytes = PersonaSetLimits().maxDescriptionBytes

    var limits: PersonaSetLimits {
        PersonaSetLimits(
            maxPersonas: maxPersonas, maxNameBytes: maxPersonaNameBytes,
            maxDescriptionBytes: maxPersonaDescriptionBytes)
    }

    func validate() throws {
        guard maxPersonas >= 1, maxPersonaNameBytes >= 1, maxPersonaDescriptionBytes >= 1 else {
            throw ValidationError("--max-personas and the persona byte limits must be at least 1")
        }
    }
}
