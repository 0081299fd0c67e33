import Foundation
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRRuntime

/// Ψ_raw is linear in L_raw: increments add up to the whole, and the runner's incremental Ψ equals one solve.
@Suite(.timeLimit(.minutes(5))) struct IncrementalAffinityTests {
    @Test func exactIncrementsAddUpToOneSolve() throws {
        let graph = AffinityFixtures.graph(seed: 21, userCount: 160, itemCount: 70)
        let all = try AffinityFixtures.labels(seed: 21, userCount: graph.userCount, personaCount: 6, share: 0.4)
        for walkLength in [1, 2] {
            let solver = ExactAffinity(walkLength: walkLength, threadCount: 2)
            let whole = try solver.compute(graph: graph, labels: LabelMatrix(labels: all, userCount: graph.userCount))
            // Three disjoint batches of prototypes, as three iterations would label them.
            var running: AffinityMatrix?
            // The same increments added by the solver into the running matrix in its own last pass.
            var fused = AffinityMatrix(
                trustedUserCount: graph.userCount, personaCount: all.personaCount,
                personas: Array(0..<all.personaCount),
                values: [Double](repeating: 0, count: graph.userCount * all.personaCount))
            for part in 0..<3 {
                var batch = PrototypeLabels(personaCount: all.personaCount)
                for user in all.users where user % 3 == part {
                    try batch.setPersonas(all.personas(ofUser: user)!, forUser: user)
                }
                let labels = try LabelMatrix(labels: batch, userCount: graph.userCount)
                let delta = try solver.compute(graph: graph, labels: labels)
                if running == nil { running = delta } else { try running!.add(delta, threadCount: 2) }
                try solver.add(graph: graph, labels: labels, into: &fused)
            }
            let difference = zip(running!.values, whole.values).map { abs($0 - $1) }.max() ?? 0
            #expect(difference < 1e-12, "ℓ̂ = \(walkLength)")
            let fusedDifference = zip(fused.values, whole.values).map { abs($0 - $1) }.max() ?? 0
            #expect(fusedDifference < 1e-12, "ℓ̂ = \(walkLength), fused")
            #expect(fused.values.contains { $0 > 0 })
            // The same with the kernel's slabs kept between additions, as a run keeps them: batches of 1/6, 1/2 and
            // 1/3 of the prototypes, so a slab grows, then is reused by a smaller batch over the larger one's data.
            let scratch = ExactScratch()
            var kept = AffinityMatrix(
                trustedUserCount: graph.userCount, personaCount: all.personaCount,
                personas: Array(0..<all.personaCount),
                values: [Double](repeating: 0, count: graph.userCount * all.personaCount))
            for sixths in [0..<1, 1..<4, 4..<6] {
                var batch = PrototypeLabels(personaCount: all.personaCount)
                for user in all.users where sixths.contains(user % 6) {
                    try batch.setPersonas(all.personas(ofUser: user)!, forUser: user)
                }
                let labels = try LabelMatrix(labels: batch, userCount: graph.userCount)
                try solver.add(graph: graph, labels: labels, into: &kept, scratch: scratch)
            }
            let keptDifference = zip(kept.values, whole.values).map { abs($0 - $1) }.max() ?? 0
            #expect(keptDifference < 1e-12, "ℓ̂ = \(walkLength), slabs kept")
            // The scratch, which keeps the degrees of the graph it solved on, then given a graph of the same size.
            let other = AffinityFixtures.graph(seed: 22, userCount: graph.userCount, itemCount: graph.itemCount)
            let otherLabels = try LabelMatrix(labels: all, userCount: other.userCount)
            var otherKept = AffinityMatrix(
                trustedUserCount: other.userCount, personaCount: all.personaCount,
                personas: Array(0..<all.personaCount),
                values: [Double](repeating: 0, count: other.userCount * all.personaCount))
            try solver.add(graph: other, labels: otherLabels, into: &otherKept, scratch: scratch)
            let otherWhole = try solver.compute(graph: other, labels: otherLabels)
            let otherDifference = zip(otherKept.values, otherWhole.values).map { abs($0 - $1) }.max() ?? 0
            #expect(otherDifference < 1e-12 && otherWhole.values != whole.values, "ℓ̂ = \(walkLength), other graph")
            var partial = try solver.compute(
                graph: graph, labels: LabelMatrix(labels: all, userCount: graph.userCount), personas: [0, 1])
            #expect(throws: AlgorithmError.self) {
                try solver.add(
                    graph: graph, labels: LabelMatrix(labels: all, userCount: graph.userCount), into: &partial)
            }
        }
    }

    @Test func incrementalRunEqualsOneSolveFromItsPrototypes() async throws {
        let data = try PlantedDataset()
        var parameters = RunParameters()
        parameters.budget = .fraction(0.1)
        parameters.assignment = .topK
        let outcome = try await data.runner(parameters).run()
        #expect(outcome.report.solver == "exact (incremental)")
        // Ψ of the run (de-biased) against one exact solve from the final prototypes, scaled by c_r.
        let labels = try LabelMatrix(labels: outcome.prototypes, userCount: data.graph.userCount, beta: 0.5)
        var reference = try ExactAffinity().compute(graph: data.graph, labels: labels)
        try reference.scaleColumns(by: labels.coefficients)
        let difference = zip(outcome.affinity.values, reference.values).map { abs($0 - $1) }.max() ?? 0
        #expect(difference < 1e-12)
        let assignment = try PersonaAssignment(affinity: reference, labels: outcome.prototypes, k: 5)
        #expect(assignment == outcome.assignment)
    }

    @Test func addAndScaleCheckShapes() throws {
        var a = try AffinityMatrix(userCount: 2, personaCount: 2, personas: [0, 1], values: [1, 2, 3, 4])
        let b = try AffinityMatrix(userCount: 2, personaCount: 2, personas: [0, 1], values: [0.5, 0.5, 0.5, 0.5])
        try a.add(b)
        #expect(a.values == [1.5, 2.5, 3.5, 4.5])
        try a.scaleColumns(by: [2, 0])
        #expect(a.values == [3, 0, 7, 0])
        let shard = try AffinityMatrix(userCount: 2, personaCount: 2, personas: [1], values: [1, 1])
        #expect(throws: AlgorithmError.self) { try a.add(shard) }
        #expect(throws: AlgorithmError.self) { try a.scaleColumns(by: [1]) }
    }
}

/// RevAff pushes the raw shares, so ε means what it means in the paper whatever the de-bias coefficients are.
@Suite(.timeLimit(.minutes(5))) struct RevAffScaleTests {
    /// On the old scale (c_r multiplied into the seeds first) the most common persona's seeds fell under θ and its
    /// column vanished: every user lost the persona most of them have.
    @Test func aCommonPersonaSurvivesThePapersEpsilon() throws {
        let graph = AffinityFixtures.graph(seed: 8, userCount: 300, itemCount: 40)
        // Persona 0 on every prototype (Q̂ large, c_0 small), persona 1 on one in ten.
        var labels = PrototypeLabels(personaCount: 2)
        for user in stride(from: 0, to: graph.userCount, by: 3) {
            try labels.setPersonas(user % 10 == 0 ? [0, 1] : [0], forUser: user)
        }
        let matrix = try LabelMatrix(labels: labels, userCount: graph.userCount, beta: 1)
        #expect(matrix.coefficients[0] < 0.2)
        let exact = try ExactAffinity().compute(graph: graph, labels: matrix)
        let epsilon = 0.02
        let approximate = try RevAff(walkLength: 1, epsilon: epsilon, threadCount: 2)
            .compute(graph: graph, labels: matrix).affinity
        #expect(AffinityBenchmark.errors(approximate, exact).max <= epsilon)
        let reachedExact = (0..<graph.userCount).filter { exact[$0, 0] > 0 }.count
        let reachedApproximate = (0..<graph.userCount).filter { approximate[$0, 0] > 0 }.count
        #expect(reachedApproximate >= reachedExact * 9 / 10)
    }

    /// RevAff at ε = 0.01, both ways a run computes it: locally, each iteration's new prototypes pushed with the
    /// residuals carried (``IncrementalRevAff``), and solved from every prototype each iteration (as affinity jobs
    /// on workers do). Each reaches almost everyone, and its micro-F1 stays near exact's, on the mean of four seeds
    /// (one seed's gap moves by ±0.01 with the users DU happens to pick).
    @Test func runAtTheEpsilonOfTheQualityGoalReachesAlmostEveryoneAndAgreesWithExact() async throws {
        let data = try PlantedDataset(users: 3_000, items: 1_200)
        let reference = data.graph.userIDs.map { data.truth[$0] ?? [] }
        func microF1(_ outcome: RunOutcome) throws -> Double {
            let users = (0..<data.graph.userCount).filter { !outcome.prototypes.isPrototype($0) }
            return try EvaluationReport(predicted: outcome.assignment.rows, reference: reference, users: users).microF1
        }
        var incrementalGap = 0.0, afreshGap = 0.0
        let seeds: [UInt64] = [1, 2, 3, 4]
        for seed in seeds {
            var parameters = RunParameters()
            parameters.seed = seed
            parameters.budget = .fraction(0.1)
            parameters.assignment = .topK
            let exact = try await data.runner(parameters).run()
            parameters.solver = .revAff(epsilon: 0.01)
            let incremental = try await data.runner(parameters).run()
            #expect(incremental.report.solver == "revaff ε=0.01 (incremental)")
            let afresh = try await data.runner(
                parameters,
                affinityComputer: SolvingAfresh(
                    solver: LocalAffinityComputer(walkLength: 1, solver: .revAff(epsilon: 0.01)))
            ).run()
            #expect(afresh.report.solver == "revaff ε=0.01")
            let inferred = data.graph.userCount - incremental.prototypes.count
            #expect(incremental.assignment.unreachableUsers.count <= inferred / 100)
            #expect(afresh.assignment.unreachableUsers.count <= inferred / 100)
            let exactF1 = try microF1(exact)
            incrementalGap += (try microF1(incremental) - exactF1) / Double(seeds.count)
            afreshGap += (try microF1(afresh) - exactF1) / Double(seeds.count)
        }
        #expect(abs(incrementalGap) < 0.02, "ε = 0.01, residuals carried: mean gap \(incrementalGap)")
        #expect(abs(afreshGap) < 0.02, "ε = 0.01, solved afresh: mean gap \(afreshGap)")
    }
}

/// A computer that cannot carry RevAff's residuals (as the workers' affinity jobs cannot): a RevAff run through it
/// solves from every prototype each iteration.
private struct SolvingAfresh: AffinityComputer {
    let solver: LocalAffinityComputer

    func affinity(graph: PurchaseGraph, labels: LabelMatrix) async throws -> AffinityMatrix {
        try solver.solve(graph: graph, labels: labels)
    }
}

/// DU's prior: how much the walk knows about a user counts, not only the shape of its normalised row.
@Suite(.timeLimit(.minutes(5))) struct DUPriorTests {
    private let qHat = PersonaDistribution(probabilities: [0.5, 0.25, 0.25], labelCount: 4)

    @Test func thePriorReplacesTheFloorWithEvidence() {
        let paper = DUSampler(prior: 0, beta: 0)
        let weak: [Double] = [0.0001, 0, 0], strong: [Double] = [0.5, 0, 0]
        // Eq. (1) as printed sees the same one-sided distribution in both rows, and its KL term is ruled by the
        // floor δ: Q̂(r) · ln(Q̂(r)/δ) for every persona the row misses, so the emptiest rows score highest.
        #expect(abs(paper.score(row: weak, distribution: qHat) - paper.score(row: strong, distribution: qHat)) < 1e-9)
        #expect(paper.score(row: weak, distribution: qHat) > 10)
        let prior = DUSampler(prior: 0.03, beta: 0)
        // With the prior, next to no evidence is next to no information: about the score of an empty row.
        #expect(
            abs(prior.score(row: weak, distribution: qHat) - prior.score(row: [0, 0, 0], distribution: qHat)) < 0.05)
        #expect(prior.score(row: weak, distribution: qHat) < 2)
        // A well-known user whose personas match Q̂ is worth less than one the walk knows nothing about.
        let known: [Double] = [0.25, 0.125, 0.125]
        #expect(prior.score(row: known, distribution: qHat) + 0.05 < prior.score(row: weak, distribution: qHat))
    }

    @Test func scoresTheDebiasedShares() {
        // c = [√(0.25/0.5), 1, 1]: the raw row [√2, 1, 1]/… is uniform once de-biased, so it scores like [1, 1, 1].
        let sampler = DUSampler(beta: 0.5)
        let uniform = sampler.score(row: [1, 1, 1], distribution: qHat)
        let raw = sampler.score(row: [(2.0).squareRoot(), 1, 1], distribution: qHat)
        let plain = DUSampler(beta: 0).score(row: [1, 1, 1], distribution: qHat)
        #expect(abs(raw - plain) < 1e-12)
        #expect(abs(uniform - plain) > 1e-3)
    }

    @Test func refusesANegativePrior() throws {
        let affinity = try AffinityMatrix(zerosForUsers: 3, personaCount: 2)
        let labels = try PrototypeLabels(personaCount: 2, labels: [0: [1]])
        #expect(throws: AlgorithmError.self) {
            try DUSampler(prior: -1).mostInformative(count: 1, affinity: affinity, labels: labels)
        }
    }
}

/// The calibrated cut: k(u) from the prototypes' label counts and degrees, tuned on leave-one-out affinities.
@Suite(.timeLimit(.minutes(5))) struct CalibratedCutTests {
    @Test func selfReturnIsTheDiagonalOfTheWalk() throws {
        let graph = AffinityFixtures.graph(seed: 4, userCount: 60, itemCount: 30)
        let users = [0, 7, 13, 29, 42]
        for walkLength in [1, 2, 3, 4] {
            let values = SelfReturn.probabilities(graph: graph, users: users, walkLength: walkLength)
            for (index, user) in users.enumerated() {
                // Π[:, u] is Ψ_raw of a single prototype u labeled with one persona.
                let single = try PrototypeLabels(personaCount: 1, labels: [user: [0]])
                let column = try ExactAffinity(walkLength: walkLength)
                    .compute(graph: graph, labels: LabelMatrix(labels: single, userCount: graph.userCount))
                #expect(abs(values[index] - column[user, 0]) < 1e-12, "user \(user), ℓ̂ = \(walkLength)")
            }
        }
    }

    /// Users who buy more have more personas (as on real data); the fit finds it and the cut follows degree.
    @Test func fitFollowsTheLabelCountsOfThePrototypes() throws {
        let graph = AffinityFixtures.graph(seed: 12, userCount: 400, itemCount: 80)
        var labels = PrototypeLabels(personaCount: 8)
        for user in stride(from: 0, to: graph.userCount, by: 2) where graph.degree(ofUser: user) > 0 {
            let count = min(8, max(1, graph.degree(ofUser: user) - 1))
            try labels.setPersonas(Array((user % 8..<user % 8 + count).map { $0 % 8 }), forUser: user)
        }
        let matrix = try LabelMatrix(labels: labels, userCount: graph.userCount)
        let raw = try ExactAffinity().compute(graph: graph, labels: matrix)
        let cut = try #require(
            try CalibratedCut.fit(
                graph: graph, prototypes: labels, rawAffinity: raw, coefficients: matrix.coefficients, walkLength: 1))
        #expect(cut.slope > 1)
        #expect(cut.maximum == 8)
        #expect(cut.calibrationUsers == labels.count)
        #expect(cut.personaCount(degree: 1) < cut.personaCount(degree: 9))
        var scaled = raw
        try scaled.scaleColumns(by: matrix.coefficients)
        let assignment = try PersonaAssignment(affinity: scaled, labels: labels, cut: cut, graph: graph)
        for user in 0..<graph.userCount where !labels.isPrototype(user) {
            let reachable = scaled.row(user).filter { $0 > 0 }.count
            let expected = min(reachable, cut.personaCount(degree: graph.degree(ofUser: user)))
            #expect(assignment.personas(ofUser: user).count == expected)
        }
    }

    @Test func nothingToLearnFromGivesNoCut() throws {
        let graph = AffinityFixtures.graph(seed: 3)
        let labels = try PrototypeLabels(personaCount: 2, labels: [0: [], 1: []])
        let raw = try AffinityMatrix(zerosForUsers: graph.userCount, personaCount: 2)
        #expect(
            try CalibratedCut.fit(
                graph: graph, prototypes: labels, rawAffinity: raw, coefficients: [0, 0], walkLength: 1) == nil)
    }

    @Test func oldParameterRecordsDecodeAsThePapersMethod() throws {
        // A checkpoint written before `assignment` and `duPrior` existed resumes with what it ran with.
        let json =
            #"{"budget":{"fraction":{"_0":0.1}},"iterations":10,"topK":5,"walkLength":1,"beta":0.5,"#
            + #""sampling":"du","duFloor":1e-12,"seed":1}"#
        let parameters = try JSONDecoder().decode(RunParameters.self, from: Data(json.utf8))
        #expect(parameters.assignment == .topK && parameters.duPrior == 0 && parameters.solver == .exact)
        let current = try JSONDecoder().decode(RunParameters.self, from: JSONEncoder().encode(RunParameters()))
        #expect(current == RunParameters())
        // Before the solver was a value, RevAff was an optional `epsilon`: such a record resumes with RevAff.
        let revAffJSON = json.replacingOccurrences(of: #""beta":0.5,"#, with: #""beta":0.5,"epsilon":0.02,"#)
        let revAff = try JSONDecoder().decode(RunParameters.self, from: Data(revAffJSON.utf8))
        #expect(revAff.solver == .revAff(epsilon: 0.02))
        var withRevAff = RunParameters()
        withRevAff.solver = .revAff(epsilon: 0.02)
        let encoded = try JSONEncoder().encode(withRevAff)
        let fields = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(fields["solver"] != nil && fields["epsilon"] == nil)
        #expect(try JSONDecoder().decode(RunParameters.self, from: encoded) == withRevAff)
    }
}

/// A labeler that fails for too many users stops the run instead of letting it end "done" on too little evidence.
@Suite(.timeLimit(.minutes(5))) struct LabelFailureTests {
    @Test func tooManyFailuresFailTheRunNamingTheReason() async throws {
        let data = try PlantedDataset()
        let nobody = TruthLabeler(truthByUserID: [:], graph: data.graph, personaCount: data.personas.count)
        var parameters = RunParameters()
        parameters.budget = .count(100)
        do {
            _ = try await data.runner(parameters, labeler: nobody).run()
            Issue.record("a run whose labeler answers for nobody finished")
        } catch let failure as RunFailure {
            #expect(failure.code == .labelingFailed && failure.iteration == 1)
            // The preflight: the first users asked all failed, so the rest of the sample was never sent.
            #expect(failure.message.contains("no answer for any of the \(GPLRRunner.probeSize) users asked first"))
            #expect(failure.message.contains("(\(GPLRRunner.probeSize) users): no label for user … in the labels file"))
        }
    }

    /// Past the preflight (some of the first users answer), the share decides: half the sample failing stops the run.
    @Test func tooManyFailuresPastThePreflightFailTheRun() async throws {
        let data = try PlantedDataset()
        var parameters = RunParameters()
        parameters.budget = .count(100)
        let some = data.truth.filter { Int($0.key)! % 2 == 0 }
        let labeler = TruthLabeler(truthByUserID: some, graph: data.graph, personaCount: data.personas.count)
        do {
            _ = try await data.runner(parameters, labeler: labeler).run()
            Issue.record("a run whose labeler fails for half of each iteration finished")
        } catch let failure as RunFailure {
            #expect(failure.message.contains("more than the allowed 20 %"), "\(failure.message)")
        }
    }

    @Test func failuresWithinTheAllowedShareAreCountedNotFatal() async throws {
        let data = try PlantedDataset()
        // Every 10th user is missing: about 10 % of each iteration, under the default 20 %.
        let most = data.truth.filter { Int($0.key)! % 10 != 0 }
        let labeler = TruthLabeler(truthByUserID: most, graph: data.graph, personaCount: data.personas.count)
        var parameters = RunParameters()
        parameters.budget = .count(200)
        let outcome = try await data.runner(parameters, labeler: labeler).run()
        #expect(outcome.report.labelerCounters["missing-from-labels-file", default: 0] > 0)
        parameters.maxLabelFailureShare = 0
        await #expect(throws: RunFailure.self) { try await data.runner(parameters, labeler: labeler).run() }
    }
}
