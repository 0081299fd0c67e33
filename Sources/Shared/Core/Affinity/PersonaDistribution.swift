import Foundation

/// Q̂: the share of each persona among all persona labels of the prototypes (DESIGN §3), and the de-bias
/// coefficients c_r of Eq. (3) derived from it.
///
/// When the prototypes carry no label at all (no prototypes, or all "Unrepresentable"), every Q̂(r) is 0.
public struct PersonaDistribution: Sendable, Equatable {
    /// Q̂(r) for r in `0 ..< personaCount`; sums to 1 unless `labelCount == 0`.
    public let probabilities: [Double]
    /// Σ_{u∈U_s, n} Φ[u, n]: how many (prototype, persona) labels Q̂ was counted from.
    public let labelCount: Int

    public init(labels: PrototypeLabels) {
        var counts = [Int](repeating: 0, count: labels.personaCount)
        for user in labels.users {
            for persona in labels.personas(ofUser: user) ?? [] { counts[persona] += 1 }
        }
        self.init(counts: counts)
    }

    /// Q̂ from how many labels each persona has (``LabelMatrix``'s equal rows count them without prototypes).
    package init(counts: [Int]) {
        let total = counts.reduce(0, +)
        self.labelCount = total
        self.probabilities = counts.map { total == 0 ? 0 : Double($0) / Double(total) }
    }

    /// A distribution given directly (tests, or a Q̂ reduced elsewhere). Values are used as given.
    public init(probabilities: [Double], labelCount: Int) {
        self.probabilities = probabilities
        self.labelCount = labelCount
    }

    public var personaCount: Int { probabilities.count }

    /// c_r = (min_{n: Q̂(n)>0} Q̂(n) / Q̂(r))^β for every persona with Q̂(r) > 0, so the rarest labeled persona
    /// gets 1 and common ones less. Personas with Q̂(r) = 0 get 0: no prototype carries them, so their label
    /// column is zero whatever the coefficient. β = 0 disables the de-biasing (all labeled personas get 1).
    public func debiasCoefficients(beta: Double) -> [Double] {
        let minimum = probabilities.filter { $0 > 0 }.min() ?? 0
        return probabilities.map { q in q > 0 ? pow(minimum / q, beta) : 0 }
    }
}
