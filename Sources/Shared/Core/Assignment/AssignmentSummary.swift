import Foundation

/// The shape of a finished run's answer, for the operator: how strong the evidence behind the inferred users'
/// personas is (the distribution of each inferred user's top affinity) and which personas go together in Φ
/// (users who have both). One pass over Ψ's rows and Φ's rows after the assignment; bounded in size whatever |U|
/// (``Histogram/edges`` is fixed, ``CoOccurrence`` keeps at most ``CoOccurrence/maxPersonas`` personas).
public struct AssignmentSummary: Sendable, Codable, Equatable {
    /// Users by their top affinity max_r Ψ[u, r] (de-biased, as `psi.npy` holds it), in fixed bins.
    public struct Histogram: Sendable, Codable, Equatable {
        /// Ascending bin edges: bin i counts values in [edges[i], edges[i + 1]); the last bin also counts its
        /// upper edge and anything above it.
        public var edges: [Double]
        /// Users per bin (`edges.count - 1` bins).
        public var counts: [Int]
        /// The users counted: those whose personas come from Ψ (neither prototypes nor unreachable).
        public var users: Int

        /// 0, then 10⁻⁶ … 1 in tenths of a decade: Ψ is a walk probability scaled by c_r ≤ 1, so it lies in
        /// [0, 1], and its scale depends on the budget and the graph, so the bins are logarithmic. (Half decades
        /// put all 2,700 inferred users of a 3,000-user demo into one bin.)
        public static let defaultEdges: [Double] = [0] + (0...60).map { pow(10, -6 + Double($0) / 10) }

        /// The bin of `value` among `edges` (values below the first edge go to bin 0, above the last to the last).
        public static func bin(of value: Double, edges: [Double]) -> Int {
            var bin = 0
            while bin + 2 < edges.count && value >= edges[bin + 1] { bin += 1 }
            return bin
        }
    }

    /// Persona co-occurrence in Φ: users who have both personas (prototypes with their LLM labels, the others
    /// with their assigned personas).
    struct CoOccurrence: Sendable, Codable, Equatable {
        /// Personas kept at most: with more in R, the ones most users have (ties to the lower index).
        static let maxPersonas = 50
        /// The rows' and columns' personas, in R's order.
        var personas: [String]
        /// `users[i][j]`: users with both `personas[i]` and `personas[j]`; `users[i][i]`: users with `personas[i]`.
        var users: [[Int]]
        /// Personas of R left out (R had more than ``maxPersonas``).
        var omittedPersonas: Int

        enum CodingKeys: String, CodingKey { case personas, users, omittedPersonas = "omitted_personas" }
    }

    public var topAffinity: Histogram
    var coOccurrence: CoOccurrence

    enum CodingKeys: String, CodingKey { case topAffinity = "top_affinity", coOccurrence = "co_occurrence" }

    /// Summarises `assignment` (Φ) and `affinity` (the complete de-biased Ψ it was made from).
    /// - Parameter personaNames: R's names, in index order.
    public init(
        assignment: PersonaAssignment, affinity: AffinityMatrix, labels: PrototypeLabels, personaNames: [String]
    ) {
        let edges = Histogram.defaultEdges
        var counts = [Int](repeating: 0, count: edges.count - 1)
        var users = 0
        let width = affinity.personaCount
        let isPrototype = labels.prototypeMask(userCount: affinity.userCount)
        affinity.values.withUnsafeBufferPointer { values in
            for user in 0..<affinity.userCount where !isPrototype[user] {
                let row = values[(user * width)..<(user * width + width)]
                guard let top = row.max(), top > 0 else { continue }
                counts[Histogram.bin(of: top, edges: edges)] += 1
                users += 1
            }
        }
        topAffinity = Histogram(edges: edges, counts: counts, users: users)
        coOccurrence = Self.coOccurrence(assignment, personaNames: personaNames)
    }

    private static func coOccurrence(_ assignment: PersonaAssignment, personaNames: [String]) -> CoOccurrence {
        let width = personaNames.count
        var holders = [Int](repeating: 0, count: width)
        for persona in assignment.personas where persona < width { holders[persona] += 1 }
        let kept = (0..<width).sorted { holders[$0] != holders[$1] ? holders[$0] > holders[$1] : $0 < $1 }
            .prefix(CoOccurrence.maxPersonas).sorted()
        var slot = [Int](repeating: -1, count: width)
        for (index, persona) in kept.enumerated() { slot[persona] = index }
        let size = kept.count
        var cells = [Int](repeating: 0, count: size * size)
        var slots: [Int] = []
        for user in 0..<assignment.userCount {
            slots.removeAll(keepingCapacity: true)
            for persona in assignment.personas(ofUser: user) where persona < width && slot[persona] >= 0 {
                if !slots.contains(slot[persona]) { slots.append(slot[persona]) }
            }
            for a in slots {
                for b in slots { cells[a * size + b] += 1 }
            }
        }
        return CoOccurrence(
            personas: kept.map { personaNames[$0] },
            users: (0..<size).map { Array(cells[($0 * size)..<($0 * size + size)]) },
            omittedPersonas: width - size)
    }
}
