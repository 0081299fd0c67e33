/// Φ for every user (Algorithm 1, line 7): prototypes keep their LLM labels; every other user gets the top-k
/// personas of Ψ[u] among those with Ψ[u, r] > 0, highest first, ties to the lower persona index — k fixed (the
/// paper) or per user (``CalibratedCut``).
///
/// A non-prototype whose Ψ row is all zero has no prototype within reach of the walk: it is listed in
/// ``unreachableUsers`` and gets no persona, never a made-up one.
public struct PersonaAssignment: Sendable, Equatable {
    /// |U|.
    public let userCount: Int
    /// `userCount + 1` offsets into ``personas``.
    public let offsets: [Int]
    /// Personas of each user, row after row: a prototype's in its label order, others by descending affinity.
    public let personas: [Int]
    /// Non-prototype users with an all-zero affinity row, ascending.
    public let unreachableUsers: [Int]

    /// Assigns the top-k personas from a complete Ψ (de-biased: c_r applied).
    /// - Throws: ``AlgorithmError`` when k < 1, Ψ lacks persona columns, or labels and Ψ disagree on |R|.
    public init(affinity: AffinityMatrix, labels: PrototypeLabels, k: Int) throws {
        guard k >= 1 else {
            throw AlgorithmError(.invalidParameter, "k must be ≥ 1, got \(k)", context: "PersonaAssignment")
        }
        try self.init(affinity: affinity, labels: labels, maximum: k) { _ in k }
    }

    /// Assigns each inferred user the top-k(u) personas of a complete Ψ, k(u) from the calibrated cut and the
    /// user's degree in `graph`.
    public init(affinity: AffinityMatrix, labels: PrototypeLabels, cut: CalibratedCut, graph: PurchaseGraph) throws {
        guard graph.userCount == affinity.userCount else {
            throw AlgorithmError(
                .shardMismatch, "affinity has \(affinity.userCount) users, the graph \(graph.userCount)",
                context: "PersonaAssignment")
        }
        try self.init(affinity: affinity, labels: labels, maximum: cut.maximum) {
            cut.personaCount(degree: graph.degree(ofUser: $0))
        }
    }

    private init(affinity: AffinityMatrix, labels: PrototypeLabels, maximum: Int, limit: (Int) -> Int) throws {
        try affinity.requireAllColumns(matching: labels, needs: "assignment needs", context: "PersonaAssignment")
        let width = affinity.personaCount, userCount = affinity.userCount
        var offsets = [0]
        offsets.reserveCapacity(userCount + 1)
        var personas: [Int] = []
        personas.reserveCapacity(userCount * min(maximum, width))
        var unreachable: [Int] = []
        var best: [(value: Double, persona: Int)] = []
        let isPrototype = labels.prototypeMask(userCount: userCount)
        affinity.values.withUnsafeBufferPointer { values in
            for user in 0..<userCount {
                if isPrototype[user], let labeled = labels.personas(ofUser: user) {
                    personas.append(contentsOf: labeled)
                } else {
                    best.removeAll(keepingCapacity: true)
                    let k = limit(user)
                    let row = values.baseAddress! + user * width
                    for r in 0..<width where row[r] > 0 {
                        Self.insert((row[r], r), into: &best, keeping: k)
                    }
                    if best.isEmpty { unreachable.append(user) }
                    for entry in best { personas.append(entry.persona) }
                }
                offsets.append(personas.count)
            }
        }
        self.userCount = userCount
        self.offsets = offsets
        self.personas = personas
        self.unreachableUsers = unreachable
    }

    /// Insertion into a short list kept sorted best first (k is small, ~5); personas arrive in ascending order,
    /// so an equal value never displaces an earlier (lower-index) persona.
    private static func insert(
        _ entry: (value: Double, persona: Int), into list: inout [(value: Double, persona: Int)], keeping k: Int
    ) {
        if list.count == k {
            guard entry.value > list[k - 1].value else { return }
            list.removeLast()
        }
        var position = list.count
        while position > 0 && list[position - 1].value < entry.value { position -= 1 }
        list.insert(entry, at: position)
    }

    /// The personas of `user`, in order (first = strongest for inferred users).
    public func personas(ofUser user: Int) -> ArraySlice<Int> { personas[offsets[user]..<offsets[user + 1]] }

    /// Φ as one list per user.
    public var rows: [[Int]] { (0..<userCount).map { Array(personas(ofUser: $0)) } }
}
