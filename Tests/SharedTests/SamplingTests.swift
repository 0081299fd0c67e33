import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct SamplingTests {
    private let qHat = PersonaDistribution(probabilities: [0.5, 0.25, 0.25], labelCount: 4)

    @Test func duScoreMatchesHandComputation() {
        // β = 0: c_r = 1 for every labeled persona, so Ψ_raw rows are scored as they are (the paper's Eq. 1, α = 0).
        let sampler = DUSampler(floor: 0.01, beta: 0)
        // Ψ_u = [0.2, 0.2, 0] → Q_u = [0.5, 0.5, 0] → floored [0.5, 0.5, 0.01] / 1.01 = [50, 50, 1] / 101.
        // KL = 0.5 ln(101/100) + 0.25 ln(101/200) + 0.25 ln(101/4) = 0.641382491930232
        // H  = (100/101) ln(101/50) + (1/101) ln 101 = 0.741830412456956
        #expect(abs(sampler.score(row: [0.2, 0.2, 0], distribution: qHat) - 1.383212904387189) < 1e-12)
        // Ψ_u = 0 → Q_u uniform: KL = 0.5 ln 1.5 + 0.5 ln 0.75 = 0.058891517828192, H = ln 3.
        #expect(abs(sampler.score(row: [0, 0, 0], distribution: qHat) - 1.157503806496301) < 1e-12)
        #expect(
            sampler.score(row: [0, 0, 0], distribution: qHat) == sampler.score(row: [7, 7, 7], distribution: qHat))
        // Q̂ = [2/3, 1/3, 0]: the third persona adds nothing to KL. Ψ_u = [0.3, 0.1, 0] → [75, 25, 1] / 101.
        let skewed = PersonaDistribution(probabilities: [2.0 / 3, 1.0 / 3, 0], labelCount: 3)
        #expect(abs(sampler.score(row: [0.3, 0.1, 0], distribution: skewed) - 0.6396358764213433) < 1e-12)
        // Default δ = 1e-12: KL = 0.0173720003806712, H = 0.5623351446468771.
        #expect(abs(DUSampler(beta: 0).score(row: [0.3, 0.1, 0], distribution: skewed) - 0.5797071450275483) < 1e-9)
    }

    @Test func selectsTopScoresExcludingPrototypes() throws {
        var random = SamplingRandom(seed: 5)
        // Enough users for several blocks of the parallel selection (8 of 8,750 users with 2 threads).
        let userCount = 70_000, personas = 4
        var values = (0..<userCount * personas).map { _ in random.nextUnit() < 0.3 ? 0 : random.nextUnit() }
        // Identical rows for users 10, 11, 12 and, across a block boundary, 8749 and 8750 (a tie), all-zero rows for
        // 20 and 21.
        let tie = [10, 11, 12, 8749, 8750]
        for u in tie.dropFirst() { for r in 0..<personas { values[u * personas + r] = values[10 * personas + r] } }
        for u in [20, 21] { for r in 0..<personas { values[u * personas + r] = 0 } }
        let affinity = try AffinityMatrix(
            userCount: userCount, personaCount: personas, personas: Array(0..<personas), values: values)
        let labels = try PrototypeLabels(personaCount: personas, labels: [0: [1], 1: [1, 2], 5: [], 20: [3]])
        let sampler = DUSampler(threadCount: 2)
        let scores = try sampler.scores(affinity: affinity, labels: labels)
        let prototypeScores = [0, 5, 20].map { scores[$0] }
        #expect(prototypeScores.allSatisfy { $0 == nil })
        #expect(scores[21] != nil)
        var expected: [(user: Int, score: Double)] = []
        for u in 0..<userCount {
            if let score = scores[u] { expected.append((u, score)) }
        }
        expected.sort { a, b in a.score != b.score ? a.score > b.score : a.user < b.user }
        for count in [1, 7, 500, userCount] {
            let top = try sampler.mostInformative(count: count, affinity: affinity, labels: labels)
            #expect(top.map { $0.user } == expected.prefix(count).map { $0.user })
        }
        // A tie keeps the lower user index first.
        let all = try sampler.mostInformative(count: userCount, affinity: affinity, labels: labels).map { $0.user }
        let position = { (u: Int) in all.firstIndex(of: u)! }
        #expect(zip(tie, tie.dropFirst()).allSatisfy { position($0) + 1 == position($1) })
        #expect(all.count == userCount - 4)
        var generator = SamplingRandom(seed: 1)
        let sampled = try sampler.sample(
            iteration: 2, count: 7, userCount: userCount, affinity: affinity, labels: labels, using: &generator)
        #expect(sampled == expected.prefix(7).map { $0.user }.sorted())
    }

    @Test func uniformSamplingIsSeededAndSkipsPrototypes() throws {
        let labels = try PrototypeLabels(
            personaCount: 2, labels: Dictionary(uniqueKeysWithValues: (0..<50).map { ($0 * 2, [0]) }))
        func draw(_ seed: UInt64) throws -> [Int] {
            var generator = SamplingRandom(seed: seed)
            return try DUSampler().sample(
                iteration: 1, count: 20, userCount: 1000, affinity: nil, labels: labels, using: &generator)
        }
        let first = try draw(42)
        #expect(first.count == 20 && Set(first).count == 20 && first == first.sorted())
        #expect(first.allSatisfy { !labels.isPrototype($0) && $0 >= 0 && $0 < 1000 })
        #expect(try draw(42) == first)
        #expect(try draw(43) != first)
        var generator = SamplingRandom(seed: 3)
        let everyone = try UniformSampler().sample(count: 500, userCount: 100, excluding: labels, using: &generator)
        #expect(everyone == (0..<100).filter { !labels.isPrototype($0) })
    }

    @Test func laterIterationsNeedACompleteAffinity() throws {
        let labels = PrototypeLabels(personaCount: 3)
        let shard = try AffinityMatrix(zerosForUsers: 4, personaCount: 3, personas: [0, 2])
        var generator = SamplingRandom(seed: 1)
        #expect(throws: AlgorithmError.self) {
            try DUSampler().sample(
                iteration: 2, count: 1, userCount: 4, affinity: shard, labels: labels, using: &generator)
        }
        #expect(throws: AlgorithmError.self) {
            try DUSampler().sample(
                iteration: 2, count: 1, userCount: 4, affinity: nil, labels: labels, using: &generator)
        }
        // With no labels at all Q̂ = 0 and the score is the entropy alone: uniform rows score ln 3.
        let zeros = try AffinityMatrix(zerosForUsers: 4, personaCount: 3)
        let scores = try DUSampler().scores(affinity: zeros, labels: labels)
        #expect(scores.allSatisfy { abs(($0 ?? 0) - 1.0986122886681098) < 1e-12 })
    }
}
