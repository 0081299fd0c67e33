/// The label matrix, stored sparsely as the *raw* shares L_raw[u, r] = Φ[u, r] / Σ_n Φ[u, n]: one row per prototype
/// with at least one persona; every other row (unlabeled or "Unrepresentable" users) is zero.
///
/// This is the seed of every affinity computation: the exact solver and RevAff both start from it and compute
/// Ψ_raw = Π·L_raw. Eq. (3)'s de-biased L is L_raw with column r scaled by c_r (``coefficients``); since Ψ = Π·L is
/// linear per column, Ψ[:, r] = c_r · Ψ_raw[:, r], and c_r is applied when Ψ is read (DESIGN §3). Pushing the
/// unscaled shares is what gives RevAff's ε its meaning (the paper's and the authors' scale), and it makes the
/// iterations incremental: Ψ_raw is a sum over prototypes, so new prototypes only add their own rows.
public struct LabelMatrix: Sendable, Equatable {
    /// |U|.
    public let userCount: Int
    /// |R|.
    public let personaCount: Int
    /// β used for the coefficients.
    public let beta: Double
    /// c_r of Eq. (3) for every persona, from these rows' own Q̂ (0 for personas no prototype has). Not applied
    /// to ``entryValues``: the reader of Ψ_raw applies them.
    public let coefficients: [Double]
    /// Users with a non-zero row, ascending.
    public let rowUsers: [Int]
    /// `rowUsers.count + 1` offsets into `entryPersonas` / `entryValues`.
    public let rowOffsets: [Int]
    /// Persona of each non-zero entry, ascending within a row.
    public let entryPersonas: [Int]
    /// L_raw[u, r] = 1 / (the prototype's persona count) of each non-zero entry.
    public let entryValues: [Double]

    /// Builds L_raw from the prototypes' labels, and c_r from their own ``PersonaDistribution``.
    /// - Throws: ``AlgorithmError/Code/userOutOfRange`` when a prototype is not a user of the graph,
    ///   ``AlgorithmError/Code/invalidParameter`` for a negative or non-finite β.
    public init(labels: PrototypeLabels, userCount: Int, beta: Double = 0.5) throws {
        try AlgorithmError.checkBeta(beta, context: "LabelMatrix")
        let distribution = PersonaDistribution(labels: labels)
        let coefficients = distribution.debiasCoefficients(beta: beta)
        var rowUsers: [Int] = []
        var rowOffsets = [0]
        var entryPersonas: [Int] = []
        var entryValues: [Double] = []
        for user in labels.users {
            guard user < userCount else {
                throw AlgorithmError(
                    .userOutOfRange, "prototype \(user) is not a user (userCount \(userCount))", context: "LabelMatrix")
            }
            let personas = (labels.personas(ofUser: user) ?? []).sorted()
            guard !personas.isEmpty else { continue }
            let share = 1.0 / Double(personas.count)
            rowUsers.append(user)
            for persona in personas {
                entryPersonas.append(persona)
                entryValues.append(share)
            }
            rowOffsets.append(entryPersonas.count)
        }
        self.userCount = userCount
        self.personaCount = labels.personaCount
        self.beta = beta
        self.coefficients = coefficients
        self.rowUsers = rowUsers
        self.rowOffsets = rowOffsets
        self.entryPersonas = entryPersonas
        self.entryValues = entryValues
    }

    /// Number of users with a non-zero row.
    public var rowCount: Int { rowUsers.count }

    /// The non-zero entries of row `index` (the user is `rowUsers[index]`).
    public func row(at index: Int) -> [(persona: Int, value: Double)] {
        (rowOffsets[index]..<rowOffsets[index + 1]).map { (entryPersonas[$0], entryValues[$0]) }
    }

    /// L_raw[:, persona] as a dense `userCount`-long column.
    public func denseColumn(_ persona: Int) -> [Double] {
        var column = [Double](repeating: 0, count: userCount)
        for (user, value) in sparseColumn(persona) { column[user] = value }
        return column
    }

    /// The non-zero entries of L_raw[:, persona], by ascending user.
    public func sparseColumn(_ persona: Int) -> [(user: Int, value: Double)] {
        var result: [(user: Int, value: Double)] = []
        for index in 0..<rowUsers.count {
            for e in rowOffsets[index]..<rowOffsets[index + 1] where entryPersonas[e] == persona {
                result.append((rowUsers[index], entryValues[e]))
            }
        }
        return result
    }

    /// The non-zero entries of every column at once (index = persona), by ascending user: one pass over L.
    public func sparseColumns() -> [[(user: Int, value: Double)]] {
        var result = [[(user: Int, value: Double)]](repeating: [], count: personaCount)
        for index in 0..<rowUsers.count {
            for e in rowOffsets[index]..<rowOffsets[index + 1] {
                result[entryPersonas[e]].append((rowUsers[index], entryValues[e]))
            }
        }
        return result
    }
}
