public import Foundation

/// The knobs of the synthetic purchase generator (`gplr generate`), with defaults that mimic what the paper
/// saw on Instacart and what GPT-4's labels show on the real Online Retail benchmark: personas that share
/// products, staples everybody buys, a long tail of rare personas, and more personas for users who bought
/// more (docs/decisions.md, "Synthetic data").
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
    /// has weight 1/(r − headPersonas + 2)^skew. A user's personas are drawn by these weights without
    /// replacement. With the defaults (20 personas) each of the two head personas is in the truth of ~72% of
    /// users and the rarest 8 (the same 40% of R) together on ~8% — the paper saw 76.2% / 75.8% for the top
    /// two of 51 Instacart personas and 7.4% for the 20 rarest.
    public var personaSkew: Double
    public var headPersonas: Int
    /// A user who bought d distinct items has 1 + Poisson(this × ln d) latent personas (at most
    /// ``maxPersonasPerUser``), so one-item users have one and the count grows with log degree, as GPT-4's
    /// labels do on Online Retail (correlation 0.79 with log degree; 1.6 personas at 1–4 items, 7 at 80–160).
    /// With the defaults the truth has 1.0 persona at 1–4 items, 2.1 at 10–19, 4.6 at 80–159, 2.6 on average
    /// (the earlier generator: 2.4 whatever the degree), correlation ~0.8 with log degree.
    public var personasPerLogDegree: Double
    public var maxPersonasPerUser: Int
    /// How unevenly a user's purchases spread over their latent personas: the j-th persona drawn (0-based)
    /// gets weight decay^j, so the first one dominates and the last ones show in a few purchases only.
    public var interestDecay: Double
    /// The planted truth lists a latent persona only if at least this many of the user's distinct items were
    /// bought for it (always at least the persona with the most, so nobody has an empty truth). The persona
    /// count of the truth therefore grows with degree even beyond the latent count's growth.
    public var minEvidence: Int
    /// Zipf exponent of item popularity within each persona's item pool (and within the staples).
    public var itemSkew: Double
    /// Share of a persona's purchases taken from a related persona's pool (``SyntheticGenerator/related``:
    /// "Health Enthusiast" and "Fitness Buff", "Busy Parents" and "Frozen Food Fan"), so an item is not a
    /// perfect signal of its persona: popular items are bought by the users of several personas, and a rare
    /// persona's items more by a related head persona's users than by its own. The purchase still counts as
    /// evidence for the persona the user bought it for.
    public var overlapShare: Double
    /// Share of a user's purchases taken from the staples, a global pool of popular products every persona
    /// buys (milk, bananas, eggs) that signal no persona.
    public var stapleShare: Double
    /// Share of the items that are staples (at least one when ``stapleShare`` > 0).
    public var stapleItemShare: Double
    /// Share of a user's purchases taken from random personas' pools rather than the user's own (uniformly
    /// over personas; counted as evidence for none of the user's personas).
    public var noiseShare: Double
    /// Purchase counts are 1 + a geometric number of repeats: P(count > k + 1 | count > k) = this.
    public var repeatProbability: Double
    public var seed: UInt64

    public init(
        users: Int = 10_000, items: Int = 5_000, personas: Int = 20,
        degreeLogMean: Double = Foundation.log(30.0) - 0.5, degreeLogSigma: Double = 1.0,
        personaSkew: Double = 2.0, headPersonas: Int = 2, personasPerLogDegree: Double = 1.2,
        maxPersonasPerUser: Int = 8, interestDecay: Double = 0.5, minEvidence: Int = 2,
        itemSkew: Double = 1.0, overlapShare: Double = 0.45, stapleShare: Double = 0.2,
        stapleItemShare: Double = 0.02, noiseShare: Double = 0.1, repeatProbability: Double = 0.35,
        seed: UInt64 = 42
    ) {
        self.users = users
        self.items = items
        self.personas = personas
        self.degreeLogMean = degreeLogMean
        self.degreeLogSigma = degreeLogSigma
        self.personaSkew = personaSkew
        self.headPersonas = headPersonas
        self.personasPerLogDegree = personasPerLogDegree
        self.maxPersonasPerUser = maxPersonasPerUser
        self.interestDecay = interestDecay
        self.minEvidence = minEvidence
        self.itemSkew = itemSkew
        self.overlapShare = overlapShare
        self.stapleShare = stapleShare
        self.stapleItemShare = stapleItemShare
        self.noiseShare = noiseShare
        self.repeatProbability = repeatProbability
        self.seed = seed
    }

    /// Sets μ so that users buy `meanDegree` distinct items on average with the current σ (a log-normal's mean
    /// is exp(μ + σ²/2)): how `gplr generate --mean-degree` and the benchmarks' edge counts size the data.
    public mutating func setMeanDegree(_ meanDegree: Double) {
        degreeLogMean = Foundation.log(meanDegree) - degreeLogSigma * degreeLogSigma / 2
    }

    /// The popularity weight of persona `rank` (0-based).
    public func personaWeight(_ rank: Int) -> Double {
        rank < headPersonas ? 1 : 1 / Foundation.pow(Double(rank - headPersonas + 2), personaSkew)
    }

    /// How many of the items are staples: items `0 ..< stapleItems`; the rest are the personas' pools.
    public var stapleItems: Int {
        guard stapleShare > 0, items > personas else { return 0 }
        return min(items - personas, max(1, Int((Double(items) * stapleItemShare).rounded())))
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
        if !(0...20).contains(personasPerLogDegree) { try fail("personasPerLogDegree must be in [0, 20]") }
        if maxPersonasPerUser < 1 { try fail("maxPersonasPerUser must be at least 1") }
        if !(interestDecay > 0 && interestDecay <= 1) { try fail("interestDecay must be in (0, 1]") }
        if minEvidence < 1 { try fail("minEvidence must be at least 1") }
        for (name, share) in [
            ("noiseShare", noiseShare), ("stapleShare", stapleShare), ("overlapShare", overlapShare),
            ("stapleItemShare", stapleItemShare),
        ] where !(0...1).contains(share) {
            try fail("\(name) must be in [0, 1]")
        }
        if noiseShare + stapleShare > 1 { try fail("noiseShare + stapleShare must be at most 1") }
        if !(0..<1).contains(repeatProbability) { try fail("repeatProbability must be in [0, 1)") }
    }
}
