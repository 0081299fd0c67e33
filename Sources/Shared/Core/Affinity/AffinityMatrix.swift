/// Ψ (or a persona shard of it): user–persona affinities in one contiguous row-major (user-major) buffer.
///
/// A matrix holds the columns of `personas` (ascending global persona indices, all of `0 ..< personaCount` for
/// a complete Ψ). Workers compute shards holding some personas; the coordinator assembles them with
/// ``assembled(from:)``. Row-major layout is what the global steps (DU sampling, top-k) read user by user.
public struct AffinityMatrix: Sendable, Equatable {
    /// |U|.
    public let userCount: Int
    /// |R| of the whole persona set (not only the columns held).
    public let personaCount: Int
    /// Global persona index of each held column, ascending and unique.
    public let personas: [Int]
    /// `userCount × personas.count` values; Ψ[u, personas[c]] is `values[u * columnCount + c]`.
    public internal(set) var values: [Double]
    /// For each global persona, its column in this matrix or -1.
    private let columnOfPersona: [Int]

    /// A matrix over existing values.
    /// - Throws: ``AlgorithmError`` when personas are out of range, unsorted/duplicated, or `values` has the wrong size.
    public init(userCount: Int, personaCount: Int, personas: [Int], values: [Double]) throws {
        guard userCount >= 0, personaCount >= 0 else {
            throw AlgorithmError(.invalidParameter, "negative dimensions", context: "AffinityMatrix")
        }
        var previous = -1
        for persona in personas {
            guard persona > previous && persona < personaCount else {
                throw AlgorithmError(
                    .personaOutOfRange, "persona columns must be ascending, unique and < \(personaCount): \(personas)",
                    context: "AffinityMatrix")
            }
            previous = persona
        }
        guard values.count == userCount * personas.count else {
            throw AlgorithmError(
                .shardMismatch, "expected \(userCount * personas.count) values, got \(values.count)",
                context: "AffinityMatrix")
        }
        self.init(trustedUserCount: userCount, personaCount: personaCount, personas: personas, values: values)
    }

    /// All-zero affinities for `personas` (every persona when `nil`).
    public init(zerosForUsers userCount: Int, personaCount: Int, personas: [Int]? = nil) throws {
        let columns = personas ?? Array(0..<personaCount)
        try self.init(
            userCount: userCount, personaCount: personaCount, personas: columns,
            values: [Double](repeating: 0, count: userCount * columns.count))
    }

    init(trustedUserCount userCount: Int, personaCount: Int, personas: [Int], values: [Double]) {
        var columnOfPersona = [Int](repeating: -1, count: personaCount)
        for (column, persona) in personas.enumerated() { columnOfPersona[persona] = column }
        self.userCount = userCount
        self.personaCount = personaCount
        self.personas = personas
        self.values = values
        self.columnOfPersona = columnOfPersona
    }

    /// Number of persona columns held.
    public var columnCount: Int { personas.count }
    /// Whether every persona of R has a column (a complete Ψ).
    public var isComplete: Bool { personas.count == personaCount }

    /// The column holding `persona`, or `nil` when this shard does not hold it.
    public func column(ofPersona persona: Int) -> Int? {
        guard persona >= 0 && persona < personaCount else { return nil }
        let column = columnOfPersona[persona]
        return column < 0 ? nil : column
    }

    /// Ψ[user, persona]; `persona` must be held (see ``column(ofPersona:)``).
    public subscript(user: Int, persona: Int) -> Double {
        get {
            guard let column = column(ofPersona: persona) else {
                preconditionFailure("persona \(persona) is not held by this affinity shard")
            }
            return values[user * personas.count + column]
        }
        set {
            guard let column = column(ofPersona: persona) else {
                preconditionFailure("persona \(persona) is not held by this affinity shard")
            }
            values[user * personas.count + column] = newValue
        }
    }

    /// The held values of one user, in column order.
    public func row(_ user: Int) -> ArraySlice<Double> {
        values[user * personas.count..<(user + 1) * personas.count]
    }

    /// Ψ[:, persona] as a `userCount`-long column, or `nil` when not held.
    public func columnValues(ofPersona persona: Int) -> [Double]? {
        guard let column = column(ofPersona: persona) else { return nil }
        let width = personas.count
        return values.withUnsafeBufferPointer { v in
            (0..<userCount).map { v[$0 * width + column] }
        }
    }

    /// The shard holding only `subset` (ascending, each held here).
    public func selecting(personas subset: [Int]) throws -> AffinityMatrix {
        let columns = try subset.map { persona in
            guard let column = column(ofPersona: persona) else {
                throw AlgorithmError(
                    .shardMismatch, "persona \(persona) is not held", context: "AffinityMatrix.selecting")
            }
            return column
        }
        let width = personas.count, newWidth = subset.count
        var out = [Double](repeating: 0, count: userCount * newWidth)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for u in 0..<userCount {
                    for (c, source) in columns.enumerated() { o[u * newWidth + c] = v[u * width + source] }
                }
            }
        }
        return try AffinityMatrix(userCount: userCount, personaCount: personaCount, personas: subset, values: out)
    }
}
