/// How large a persona set may be. Each persona costs a column of Ψ (8 bytes per user: 200,000 personas are
/// 3.2 GB of `psi.npy` for 2,000 users) and its name and description go into every labeling prompt, so a set
/// past these limits is refused, naming the file and the entry (`gplr run --max-personas`, ...).
public struct PersonaSetLimits: Sendable, Equatable {
    /// Most personas in a set.
    public var maxPersonas: Int
    /// Longest persona name, in bytes (UTF-8).
    public var maxNameBytes: Int
    /// Longest persona description, in bytes (UTF-8).
    public var maxDescriptionBytes: Int

    /// 1,000 personas, 256-byte names, 4,096-byte descriptions.
    public init(maxPersonas: Int = 1000, maxNameBytes: Int = 256, maxDescriptionBytes: Int = 4096) {
        self.maxPersonas = maxPersonas
        self.maxNameBytes = maxNameBytes
        self.maxDescriptionBytes = maxDescriptionBytes
    }

    /// Why `personas` break these limits, naming the entry (1-based), or `nil`.
    func violation(_ personas: [Persona]) -> String? {
        if personas.count > maxPersonas {
            return "the set has \(personas.count) personas, more than the limit of \(maxPersonas) (--max-personas)"
        }
        for (i, persona) in personas.enumerated() {
            if persona.name.utf8.count > maxNameBytes {
                return "persona #\(i + 1) '\(persona.name.prefix(60))…' has a \(persona.name.utf8.count)-byte name, "
                    + "more than the limit of \(maxNameBytes) (--max-persona-name-bytes)"
            }
            if persona.description.utf8.count > maxDescriptionBytes {
                return "persona #\(i + 1) '\(persona.name.prefix(60))' has a \(persona.description.utf8.count)-byte "
                    + "description, more than the limit of \(maxDescriptionBytes) (--max-persona-description-bytes)"
            }
        }
        return nil
    }
}
