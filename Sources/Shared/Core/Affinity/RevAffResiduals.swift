/// The residuals RevAff's pushes left below θ for some personas, in a form that can leave the process: what a
/// stateless worker needs, beside an iteration's new prototypes, to continue a persona's running Ψ̂ as
/// ``IncrementalRevAff`` does in one process (``RevAff/increment(graph:labels:personas:carrying:)``).
///
/// Sparse, per persona and hop: the nodes (users at even hops, items at odd ones) that hold a residual, ascending,
/// with their values (> 0, < θ). A persona with nothing carried has no hops. Equal residuals compare equal
/// whatever process held them, which is how the tests check that a chain of jobs carries what a local run does.
public struct RevAffResiduals: Sendable, Equatable {
    /// One hop's residuals.
    struct Hop: Sendable, Equatable {
        /// Ascending node indices.
        var nodes: [UInt32] = []
        /// Parallel to `nodes`.
        var values: [Double] = []
    }

    /// Ascending persona indices.
    public private(set) var personas: [Int]
    /// Per persona (parallel to `personas`): no hops, or one per hop of the walk (2ℓ̂).
    private(set) var hops: [[Hop]]

    /// Nothing carried, for no persona.
    public init() {
        personas = []
        hops = []
    }

    /// - Precondition: `personas` ascending, one hop list each.
    init(personas: [Int], hops: [[Hop]]) {
        precondition(personas.count == hops.count && zip(personas, personas.dropFirst()).allSatisfy { $0 < $1 })
        self.personas = personas
        self.hops = hops
    }

    /// Residuals held, over every persona and hop.
    public var count: Int { hops.reduce(0) { $0 + $1.reduce(0) { $0 + $1.nodes.count } } }

    /// The residuals of the personas of `subset` this value holds (the others carry nothing).
    public func restricted(to subset: some Sequence<Int>) -> RevAffResiduals {
        let wanted = Set(subset)
        let kept = personas.indices.filter { wanted.contains(personas[$0]) }
        return RevAffResiduals(personas: kept.map { personas[$0] }, hops: kept.map { hops[$0] })
    }

    /// These residuals with `other`'s personas replaced by (or added as) what `other` holds for them.
    public func merging(_ other: RevAffResiduals) -> RevAffResiduals {
        var byPersona = Dictionary(uniqueKeysWithValues: zip(personas, hops))
        for (persona, hops) in zip(other.personas, other.hops) { byPersona[persona] = hops }
        let order = byPersona.keys.sorted()
        return RevAffResiduals(personas: order, hops: order.map { byPersona[$0]! })
    }

    /// The carry of `persona` as the push keeps it (one dense array per hop), after checking it against the graph
    /// and solver: no hops or 2ℓ̂ of them, every node on its hop's side, every value below θ (a larger one would
    /// never be pushed where no new mass reaches it, and the bound ε would not hold).
    func carry(of persona: Int, graph: PurchaseGraph, walkLength: Int, threshold: Double) throws -> RevAffCarry {
        guard let index = personas.firstIndex(of: persona), !hops[index].isEmpty else { return RevAffCarry() }
        let personaHops = hops[index]
        guard personaHops.count == 2 * walkLength else {
            throw AlgorithmError(
                .shardMismatch,
                "persona \(persona) carries residuals for \(personaHops.count) hops; a walk of length \(walkLength) "
                    + "has \(2 * walkLength)", context: "RevAff residuals")
        }
        var carry = RevAffCarry()
        carry.hops = try personaHops.enumerated().map { hop, residuals in
            guard !residuals.nodes.isEmpty else { return [] }
            let size = hop % 2 == 0 ? graph.userCount : graph.itemCount
            guard let last = residuals.nodes.last, Int(last) < size else {
                throw AlgorithmError(
                    .shardMismatch,
                    "persona \(persona) carries a residual on node \(residuals.nodes.last ?? 0) of hop \(hop), which "
                        + "has \(size) \(hop % 2 == 0 ? "users" : "items")", context: "RevAff residuals")
            }
            if let bad = residuals.values.first(where: { !($0 < threshold) }) {
                throw AlgorithmError(
                    .shardMismatch,
                    "persona \(persona) carries the residual \(bad) on hop \(hop), not below θ = \(threshold)",
                    context: "RevAff residuals")
            }
            var dense = [Double](repeating: 0, count: size)
            for (node, value) in zip(residuals.nodes, residuals.values) { dense[Int(node)] = value }
            return dense
        }
        return carry
    }

    /// The sparse form of a push's carry.
    static func hops(of carry: RevAffCarry) -> [Hop] {
        guard carry.hops.contains(where: { $0.contains { $0 != 0 } }) else { return [] }
        return carry.hops.map { dense in
            var hop = Hop()
            for (node, value) in dense.enumerated() where value != 0 {
                hop.nodes.append(UInt32(node))
                hop.values.append(value)
            }
            return hop
        }
    }
}
