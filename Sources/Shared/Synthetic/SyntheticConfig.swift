import Foundation

/// The knobs of the synthetic purchase generator (`gplr generate`), with defaults that mimic what the paper
/// saw on Instacart.
public struct SyntheticConfig: Sendable, Equatable {
    public var users: Int
    public var items: Int
    /// |R|. The first ``PersonaArchetype/all`` archetypes are used; beyond them, archetypes repeat with a
    /// numeric suffix (their items are separate pools named from the same vocabulary).
    public var personas: Int
    /// μ and σ of the log-normal number of distinct items per user. The defaults (μ = ln 30 − σ²/2, σ = 1)
    /// give a mean degree of about 30.
    public var degreeLogMean: Double
    public var degreeLogSigma: Double
    /// Persona popularity: the first ``headPersonas`` personas share the top weight 1, persona r beyond them
    /// has weight 1/(r − headPersonas + 2)^skew. With the defaults each of the two head personas is planted on
    /// ~75% of users and the rarest half of 20 personas on ~9% together — the paper saw 76.2% / 75.8% for
    /// the top two of 51 Instacart personas and 7.4% for the 20 rarest.
    public var personaSkew: Double
    public var headPersonas: Int
    /// Relative weights of a user having 1, 2, 3, … personas.
    public var personasPerUserWeights: [Double]
    /// Zipf exponent of item popularity within each persona's item pool.
    public var itemSkew: Double
    /// Share of a user's purchases taken from random personas' pools rather than the user's own.
    public var noiseShare: Double
    /// Purchase counts are 1 + a geometric number of repeats: P(count > k + 1 | count > k) = this.
    public var repeatProbability: Double
    public var seed: UInt64

    public init(
        users: Int = 10_000, items: Int = 5_000, personas: Int = 20,
        degreeLogMean: Double = Foundation.log(30.0) - 0.5, degreeLogSigma: Double = 1.0,
        personaSkew: Double = 2.0, headPersonas: Int = 2, personasPerUserWeights: [Double] = [0.2, 0.35, 0.3, 0.15],
        itemSkew: Double = 1.0, noiseShare: Double = 0.1, repeatProbability: Double = 0.35, seed: UInt64 = 42
    ) {
        self.users = users
        self.items = items
        self.personas = personas
        self.degreeLogMean = degreeLogMean
        self.degreeLogSigma = degreeLogSigma
        self.personaSkew = personaSkew
        self.headPersonas = headPersonas
        self.personasPerUserWeights = personasPerUserWeights
        self.itemSkew = itemSkew
        self.noiseShare = noiseShare
        self.repeatProbability = repeatProbability
        self.seed = seed
    }

    /// The popularity weight of persona `rank` (0-based).
    public func personaWeight(_ rank: Int) -> Double {
        rank < headPersonas ? 1 : 1 / Foundation.pow(Double(rank - headPersonas + 2), personaSkew)
    }

    /// Checks the configuration, describing the first problem.
    public func validate() throws {
        func fail(_ message: String) throws -> Never {
            throw DatasetError(.invalidConfiguration, message, file: "synthetic configuration")
        }
        if users < 1 { try fail("users must be at least 1") }
        if personas < 1 { try fail("personas must be at least 1") }
        if items < personas { try fail("items (\(items)) must be at least personas (\(personas))") }
        if items > Int(UInt32.max) || users > Int(UInt32.max) { try fail("users and items must fit in 32 bits") }
        if !(degreeLogSigma >= 0) || !degreeLogMean.isFinite { try fail("degree parameters must be finite, σ ≥ 0") }
        if !(personaSkew >= 0) || !(itemSkew >= 0) { try fail("skews must be ≥ 0") }
        if headPersonas < 0 { try fail("headPersonas must be ≥ 0") }
        if personasPerUserWeights.isEmpty || personasPerUserWeights.contains(where: { !($0 >= 0) })
            || personasPerUserWeights.reduce(0, +) <= 0
        {
            try fail("personasPerUserWeights must be non-negative with a positive sum")
        }
        if !(0 ... 1).contains(noiseShare) { try fail("noiseShare must be in [0, 1]") }
        if !(0 ..< 1).contains(repeatProbability) { try fail("repeatProbability must be in [0, 1)") }
    }
}
