import GPLRCore

/// `phi-long.csv`: Φ as a long ("tidy") table, one row per (user, persona) — `user,persona,rank,score,source` —
/// for pandas, SQL or a spreadsheet without splitting a joined column.
///
/// `rank` is 1 for a user's first persona (the strongest for an inferred user; a prototype's in its label order),
/// `score` is Ψ[user, persona] as in `psi.npy` (shortest decimal that reads back to the same double), `source` is
/// `prototype` (labeled by the LLM) or `inferred`. Users without a persona (unreachable, or labeled
/// "Unrepresentable") have no row; `phi.csv` lists them.
struct PhiLongWriter {
    static let header = "user,persona,rank,score,source\n"

    private let writer: BufferedFileWriter
    private let names: [String]

    init(path: String, personas: PersonaSet) throws {
        writer = try BufferedFileWriter(path: path)
        names = personas.names
        try writer.write(Self.header)
    }

    /// The rows of one user: `personas` in rank order with their `scores`.
    func append(user: String, personas: [Int], scores: [Double], isPrototype: Bool) throws {
        let source = isPrototype ? ",prototype\n" : ",inferred\n"
        for (rank, (persona, score)) in zip(personas, scores).enumerated() {
            try writer.write(csvField: user)
            try writer.write(",")
            try writer.write(csvField: names[persona])
            try writer.write(",")
            try writer.write(decimal: rank + 1)
            try writer.write(",\(score)")
            try writer.write(source)
        }
    }

    func close() throws {
        try writer.close()
    }
}
