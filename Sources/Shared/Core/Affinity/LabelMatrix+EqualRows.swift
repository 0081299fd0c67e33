extension LabelMatrix {
    /// L_raw of prototypes that each carry `personasPerRow` personas: row `i` is user `rowUsers[i]` with the personas
    /// `entryPersonas[i·personasPerRow ..< (i + 1)·personasPerRow]`. The same matrix as ``init(labels:userCount:beta:)``
    /// of those prototypes, built without a dictionary of them: `--solver auto`'s probe labels the whole budget
    /// (a million users at 10M), and going through ``PrototypeLabels`` took ~2 s of one core there.
    /// - Throws: ``AlgorithmError`` when the users are not ascending users of the graph, a row's personas are not
    ///   ascending and distinct personas of the set, or the counts do not match.
    package init(
        rowUsers: [Int], personasPerRow: Int, entryPersonas: [Int], personaCount: Int, userCount: Int,
        beta: Double = 0.5
    ) throws {
        try AlgorithmError.checkBeta(beta, context: "LabelMatrix")
        guard personasPerRow >= 1, entryPersonas.count == rowUsers.count * personasPerRow else {
            throw AlgorithmError(
                .invalidParameter,
                "\(entryPersonas.count) personas do not fill \(rowUsers.count) rows of \(personasPerRow)",
                context: "LabelMatrix")
        }
        var counts = [Int](repeating: 0, count: personaCount)
        for (index, user) in rowUsers.enumerated() {
            guard user >= 0 && user < userCount && (index == 0 || rowUsers[index - 1] < user) else {
                throw AlgorithmError(
                    .userOutOfRange, "row user \(user) is not an ascending user of 0 ..< \(userCount)",
                    context: "LabelMatrix")
            }
            var previous = -1
            for persona in entryPersonas[index * personasPerRow..<(index + 1) * personasPerRow] {
                guard persona >= 0 && persona < personaCount else {
                    throw AlgorithmError(
                        .personaOutOfRange, "user \(user) has persona \(persona), expected 0 ..< \(personaCount)",
                        context: "LabelMatrix")
                }
                guard persona > previous else {
                    throw AlgorithmError(
                        .invalidParameter, "user \(user)'s personas are not ascending and distinct",
                        context: "LabelMatrix")
                }
                counts[persona] += 1
                previous = persona
            }
        }
        let distribution = PersonaDistribution(counts: counts)
        self.userCount = userCount
        self.personaCount = personaCount
        self.beta = beta
        self.coefficients = distribution.debiasCoefficients(beta: beta)
        self.rowUsers = rowUsers
        self.rowOffsets = (0...rowUsers.count).map { $0 * personasPerRow }
        self.entryPersonas = entryPersonas
        self.entryValues = [Double](repeating: 1.0 / Double(personasPerRow), count: entryPersonas.count)
    }
}
