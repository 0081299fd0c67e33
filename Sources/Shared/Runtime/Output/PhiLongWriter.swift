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
    /// Each persona's name as its CSV field, escaped once: every row names one (2.58M rows at 1M users, counted;
    /// ~30M at 10M by the file's size).
    private let nameFields: [[UInt8]]

    init(path: String, personas: PersonaSet) throws {
        writer = try BufferedFileWriter(path: path)
        nameFields = personas.names.map(BufferedFileWriter.csvFieldBytes)
        try writer.write(Self.header)
    }

    /// The rows of one user: `personas` in rank order, each with its score `score(persona)`.
    func append(
        user: String, personas: some Collection<Int>, score: (Int) -> Double, isPrototype: Bool
    ) throws {
        guard !personas.isEmpty else { return }
        let source = isPrototype ? ",prototype\n" : ",inferred\n"
        // The user's field once for all its rows: its bytes as they are, or quoted when it needs it.
        let userField = BufferedFileWriter.csvFieldBytes(user)
        for (rank, persona) in personas.enumerated() {
            try userField.withUnsafeBytes { try writer.write($0) }
            try writer.write(byte: 0x2C)
            try nameFields[persona].withUnsafeBytes { try writer.write($0) }
            try writer.write(byte: 0x2C)
            try writer.write(decimal: rank + 1)
            try writer.write(byte: 0x2C)
            try writer.write(score(persona).description)
            try writer.write(source)
        }
    }

    func close() throws {
        try writer.close()
    }
}
