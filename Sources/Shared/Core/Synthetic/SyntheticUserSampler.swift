import Foundation

/// Draws the synthetic users one at a time: degree, latent personas, purchases and planted truth
/// (``SyntheticGenerator`` describes the model). Holds the sampling tables and scratch buffers reused from
/// user to user; nothing of earlier users is kept.
struct SyntheticUserSampler {
    private let config: SyntheticConfig
    /// ``SyntheticGenerator/related`` flattened: persona p's neighbours are
    /// `relatedPersonas[relatedStart[p] ..< relatedStart[p + 1]]` (no array copy per purchase).
    private let relatedPersonas: [Int]
    private let relatedStart: [Int]
    private let stapleItems: Int
    private let personaWeights: [Double]
    private let personaWeightTotal: Double
    private let personaTable: AliasTable
    private let poolTables: [AliasTable]
    private let stapleTable: AliasTable  // a one-item dummy when there are no staples
    /// One bit per item, set for the current user's items and cleared again before the next user: 128 KB at
    /// 1M items, which stays in the L2 where a word per item (4 MB) did not (one random read per draw).
    private var seen: [UInt64]
    private var latent: [Int] = []
    private var interest: [Double] = []  // cumulative weights of `latent`
    private var interestInverse: [Double] = []  // 1 / the weight of each of `latent`
    private var evidence: [Int] = []
    /// The current user's planted personas, sorted.
    private(set) var truth: [Int] = []
    /// The current user's distinct items and purchase counts.
    private(set) var purchases: [(item: Int, count: Int)] = []

    init(generator: SyntheticGenerator) {
        let config = generator.config, p = config.personas
        self.config = config
        relatedPersonas = generator.related.flatMap { $0 }
        relatedStart = generator.related.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        stapleItems = config.stapleItems
        personaWeights = (0..<p).map(config.personaWeight)
        personaWeightTotal = personaWeights.reduce(0, +)
        personaTable = AliasTable(weights: personaWeights)
        // A pool's table depends only on its size, and the pools differ in size by one item at most: two tables
        // serve every persona (1.6 MB at 1M items, where one per persona held 16 MB: generate 54–58 s → 35–39 s at 10M users).
        let poolItems = config.items - stapleItems
        var tableOfSize: [Int: AliasTable] = [:]
        poolTables = (0..<p).map { persona in
            let size = (poolItems - persona + p - 1) / p
            if let table = tableOfSize[size] { return table }
            let table = AliasTable.zipf(count: size, exponent: config.itemSkew)
            tableOfSize[size] = table
            return table
        }
        stapleTable = AliasTable.zipf(count: max(stapleItems, 1), exponent: config.itemSkew)
        seen = [UInt64](repeating: 0, count: (config.items + 63) / 64)
    }

    mutating func drawUser(using rng: inout SeededGenerator) {
        let p = config.personas
        let degreeDraw = Foundation.exp(config.degreeLogMean + config.degreeLogSigma * rng.nextStandardNormal())
        let degree = max(1, min(config.items, Int(min(degreeDraw.rounded(), 1e9))))
        let latentCount = min(
            1 + rng.nextPoisson(mean: config.personasPerLogDegree * Foundation.log(Double(degree))),
            config.maxPersonasPerUser, p)
        drawLatentPersonas(latentCount, using: &rng)

        for (item, _) in purchases { seen[item >> 6] = 0 }
        purchases.removeAll(keepingCapacity: true)
        let noiseShare = config.noiseShare, overlapShare = config.overlapShare
        let stapleBound = stapleItems > 0 ? noiseShare + config.stapleShare : noiseShare
        let noiseScale = Double(p) / noiseShare, interestScale = 1 / (1 - stapleBound), overlapScale = 1 / overlapShare
        for _ in 0..<degree {
            // The pool is decided once per slot, so exhausted pools do not inflate the noise share; a few
            // tries then look for an item of it the user has not bought yet. One uniform decides noise /
            // staple / which persona / whether a related pool and which: each step rescales the part of it
            // left by the one before, which is uniform again (fewer draws: generate stays as fast as before).
            let u = rng.nextUnitDouble()
            var intent = -1  // index into `latent` the purchase is evidence for; -1: noise or staple
            var pool: Int  // persona whose pool the item comes from; -1: the staples
            if u < noiseShare {
                pool = min(p - 1, Int(u * noiseScale))
            } else if u < stapleBound {
                pool = -1
            } else {
                var v: Double
                (intent, v) = pickInterest((u - stapleBound) * interestScale)
                pool = latent[intent]
                let first = relatedStart[pool], neighbours = relatedStart[pool + 1] - first
                if neighbours > 0 && v < overlapShare {
                    v *= overlapScale
                    pool = relatedPersonas[first + min(neighbours - 1, Int(v * Double(neighbours)))]
                }
            }
            for _ in 0..<8 {
                let item =
                    pool < 0
                    ? stapleTable.sample(using: &rng)
                    : stapleItems + pool + poolTables[pool].sample(using: &rng) * p
                let bit: UInt64 = 1 << (item & 63)
                guard seen[item >> 6] & bit == 0 else { continue }
                seen[item >> 6] |= bit
                var count = 1
                while count < 100 && rng.nextUnitDouble() < config.repeatProbability { count += 1 }
                purchases.append((item, count))
                if intent >= 0 { evidence[intent] += 1 }
                break
            }
        }
        plantTruth()
    }

    /// `count` distinct personas by popularity, into `latent`, with their cumulative interest weights.
    private mutating func drawLatentPersonas(_ count: Int, using rng: inout SeededGenerator) {
        latent.removeAll(keepingCapacity: true)
        var chosenWeight = 0.0
        while latent.count < count {
            // Two tries of the alias table (usually enough while popular personas are left), then a draw
            // from the personas left, weighted directly.
            var pick = personaTable.sample(using: &rng)
            if latent.contains(pick) { pick = personaTable.sample(using: &rng) }
            if latent.contains(pick) {
                var x = rng.nextUnitDouble() * (personaWeightTotal - chosenWeight)
                for (persona, weight) in personaWeights.enumerated() where !latent.contains(persona) {
                    pick = persona
                    x -= weight
                    if x < 0 { break }
                }
            }
            latent.append(pick)
            chosenWeight += personaWeights[pick]
        }
        interest.removeAll(keepingCapacity: true)
        interestInverse.removeAll(keepingCapacity: true)
        var weight = 1.0, total = 0.0
        for _ in latent {
            total += weight
            interest.append(total)
            interestInverse.append(1 / weight)
            weight *= config.interestDecay
        }
        evidence.removeAll(keepingCapacity: true)
        evidence.append(contentsOf: repeatElement(0, count: latent.count))
    }

    /// Which of the user's latent personas a purchase is for (an index into `latent`), from a uniform `u`
    /// in [0, 1); also the position of `u` within that persona's share, a uniform in [0, 1) again.
    @inline(__always)
    private func pickInterest(_ u: Double) -> (Int, Double) {
        let last = interest.count - 1
        let x = u * interest[last]
        var j = 0
        while j < last && x >= interest[j] { j += 1 }
        let low = j == 0 ? 0 : interest[j - 1]
        return (j, min((x - low) * interestInverse[j], 0.999_999_999))
    }

    /// The latent personas with enough evidence, or the one with the most.
    private mutating func plantTruth() {
        truth.removeAll(keepingCapacity: true)
        var best = 0
        for (j, persona) in latent.enumerated() {
            if evidence[j] >= config.minEvidence { truth.append(persona) }
            if evidence[j] > evidence[best] { best = j }
        }
        if truth.isEmpty { truth.append(latent[best]) }
        truth.sort()
    }
}

extension SeededGenerator {
    /// A Poisson deviate with the given mean ≥ 0: Knuth's product of uniforms up to a mean of 30, a rounded
    /// normal approximation beyond.
    mutating func nextPoisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * nextStandardNormal()).rounded())) }
        let limit = Foundation.exp(-mean)
        var product = nextUnitDouble(), count = 0
        while product > limit {
            product *= nextUnitDouble()
            count += 1
        }
        return count
    }
}
