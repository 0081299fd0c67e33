extension AffinityMatrix {
    /// Throws unless this matrix holds every persona column and as many personas as `labels`: what a step that
    /// ranks all of R for each user needs (assignment, DU scores).
    /// - Parameters:
    ///   - needs: the start of the message, e.g. "assignment needs" (… "all 20 persona columns, got 5").
    ///   - context: the ``AlgorithmError/context`` of the errors.
    /// - Throws: ``AlgorithmError/Code/incompleteAffinity`` or ``AlgorithmError/Code/shardMismatch``.
    func requireAllColumns(matching labels: PrototypeLabels, needs: String, context: String) throws(AlgorithmError) {
        guard isComplete else {
            throw AlgorithmError(
                .incompleteAffinity, "\(needs) all \(personaCount) persona columns, got \(columnCount)",
                context: context)
        }
        guard personaCount == labels.personaCount else {
            throw AlgorithmError(
                .shardMismatch, "affinity has \(personaCount) personas, labels \(labels.personaCount)",
                context: context)
        }
    }
}
