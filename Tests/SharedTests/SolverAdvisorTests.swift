import Testing

@testable import GPLRCore

/// `--solver auto` (``SolverAdvisor``): decided from counted work and the probe's reach, never from timings.
@Suite(.timeLimit(.minutes(5))) struct SolverAdvisorTests {
    private static let graph = try! RandomGraph(
        userCount: 20_000, itemCount: 4_000, edgeCount: 300_000, seed: 3, threadCount: 2
    ).build()

    private func choose(_ advisor: SolverAdvisor, walkLength: Int = 1, budget: Int = 2_000) throws
        -> SolverAdvisor.Decision
    {
        try advisor.choose(
            graph: Self.graph, personaCount: 20, walkLength: walkLength, budget: budget, iterations: 10, seed: 1)
    }

    @Test func theExactEstimateIsTheCountedWorkAndSmallRunsNeedNoProbe() throws {
        var advisor = SolverAdvisor()
        advisor.minimumExactSeconds = .infinity
        let decision = try choose(advisor)
        #expect(decision.solver == .exact)
        #expect(decision.revAffSeconds.isNaN, "no probe below the minimum")
        #expect(decision.reason.contains("too little to trade"), "\(decision.reason)")
        // ((2ℓ̂ − 1)·|E| + the budget's share of the edges) · |R| updates per solve, T solves.
        let labeledEdges = Int(Double(Self.graph.edgeCount) * 2_000 / Double(Self.graph.userCount))
        let updates = Double((Self.graph.edgeCount + labeledEdges) * 20) * 10
        #expect(abs(decision.exactSeconds - updates * advisor.exactNanosecondsPerUpdate * 1e-9) < 1e-12)
    }

    @Test func eachConditionDecidesAndTheChoiceIsDeterministic() throws {
        var advisor = SolverAdvisor()
        advisor.minimumExactSeconds = 0
        // Every condition waived: RevAff.
        advisor.requiredSpeedUp = 0
        advisor.requiredReach = 0
        let revAff = try choose(advisor, walkLength: 2)
        #expect(revAff.solver == .revAff(epsilon: 0.01), "\(revAff.reason)")
        #expect(revAff.revAffSeconds > 0 && revAff.reason.hasPrefix("auto chose RevAff ε = 0.01"))
        #expect(try choose(advisor, walkLength: 2) == revAff)
        // A reach no solver can have: exact, saying why.
        advisor.requiredReach = 1.01
        let unreached = try choose(advisor, walkLength: 2)
        #expect(unreached.solver == .exact && unreached.reason.contains("must reach"), "\(unreached.reason)")
        // A speed-up RevAff cannot have: exact, decided by the probe's first column alone.
        advisor.requiredReach = 0
        advisor.requiredSpeedUp = 1e12
        let slow = try choose(advisor, walkLength: 2)
        #expect(slow.solver == .exact && slow.reason.contains("cheaper"), "\(slow.reason)")
        #expect(slow.reason.contains("from 1 of 20 persona columns"), "\(slow.reason)")
        #expect(slow.exactSeconds == revAff.exactSeconds)
        // Every column pushed at once: the same estimate as the RevAff decision's.
        advisor.firstProbeColumns = .max
        advisor.probeColumns = .max
        let wholeProbe = try choose(advisor, walkLength: 2)
        #expect(wholeProbe.solver == .exact && !wholeProbe.reason.contains("persona columns"), "\(wholeProbe.reason)")
        #expect(wholeProbe.revAffSeconds == revAff.revAffSeconds)
    }

    /// The probe pushes one persona column, then four, and stops at either only when their estimate, scaled to every
    /// column, is more than that stage's margin past the required speed-up. The columns are alike, so each scaled
    /// estimate is close to the whole probe's; and wherever the probe goes on, its decision is exactly the whole
    /// probe's.
    @Test(arguments: [(1, 0.01), (1, 0.05), (2, 0.01), (2, 0.05)])
    func aFewColumnsDecideOnlyFarFromTheSpeedUp(walkLength: Int, epsilon: Double) throws {
        var advisor = SolverAdvisor()
        advisor.minimumExactSeconds = 0
        advisor.epsilon = epsilon
        advisor.requiredReach = 0
        var whole = advisor
        whole.firstProbeColumns = .max
        whole.probeColumns = .max
        // The speed-up each estimate would need to fail: the staged probe's scaled estimate when it stops early.
        whole.requiredSpeedUp = .infinity
        let full = try choose(whole, walkLength: walkLength)
        advisor.requiredSpeedUp = .infinity
        let one = try choose(advisor, walkLength: walkLength)
        #expect(one.reason.contains("from 1 of 20 persona columns"), "\(one.reason)")
        #expect(abs(one.revAffSeconds / full.revAffSeconds - 1) < advisor.firstProbeMargin - 1, "\(one.revAffSeconds)")
        var second = advisor
        second.firstProbeMargin = .infinity  // the first stage never decides: the second one does
        let four = try choose(second, walkLength: walkLength)
        #expect(four.reason.contains("from 4 of 20 persona columns"), "\(four.reason)")
        #expect(abs(four.revAffSeconds / full.revAffSeconds - 1) < advisor.probeMargin - 1, "\(four.revAffSeconds)")
        // Around the speed-up the whole probe needs, the staged one gives the same decision.
        let needed = full.exactSeconds / full.revAffSeconds
        for factor in [0.5, 0.9, 0.99, 1.01, 1.1, 2] {
            advisor.requiredSpeedUp = needed * factor
            whole.requiredSpeedUp = needed * factor
            let staged = try choose(advisor, walkLength: walkLength)
            let reference = try choose(whole, walkLength: walkLength)
            #expect(staged.solver == reference.solver, "×\(factor): \(staged.reason) | \(reference.reason)")
            if !staged.reason.contains("persona columns") { #expect(staged == reference, "×\(factor)") }
        }
    }

    /// RevAff carrying its residuals (the default: a local run, the coordinator) is estimated at one solve of the final
    /// size plus the measured growth per further iteration; solved afresh each iteration (workers), at (T + 1)/2 solves.
    /// The same probe stands behind both, and the reason says which.
    @Test(arguments: [1, 2])
    func theRevAffEstimateFollowsWhetherItsResidualsAreCarried(walkLength: Int) throws {
        var advisor = SolverAdvisor()
        advisor.minimumExactSeconds = 0
        let carried = try choose(advisor, walkLength: walkLength)
        advisor.revAffCarriesResiduals = false
        let afresh = try choose(advisor, walkLength: walkLength)
        let growth = SolverAdvisor.carriedGrowthPerIteration(walkLength: walkLength)
        #expect(growth > 0 && growth < 0.5)
        let expected = (1 + 9 * growth) / 5.5
        #expect(abs(carried.revAffSeconds / afresh.revAffSeconds - expected) < 1e-9)
        #expect(carried.exactSeconds == afresh.exactSeconds)
        #expect(carried.reason.contains("(incremental"), "\(carried.reason)")
        #expect(afresh.reason.contains("(solved afresh each iteration"), "\(afresh.reason)")
    }

    /// With the defaults and the paper's walk length, a 10 % budget keeps the exact solver: per update RevAff costs
    /// about 13 times what the exact solver's SIMD pass does, and here it touches far more than 1/26 of the updates.
    @Test func thePapersSettingKeepsTheExactSolver() throws {
        var advisor = SolverAdvisor()
        advisor.minimumExactSeconds = 0
        let decision = try choose(advisor)
        #expect(decision.solver == .exact, "\(decision.reason)")
        #expect(decision.revAffSeconds * advisor.requiredSpeedUp > decision.exactSeconds, "\(decision.reason)")
    }

    @Test func theProbeSpreadsTheBudgetOverThePersonas() throws {
        let probe = try SolverAdvisor().probeLabels(graph: Self.graph, personaCount: 20, budget: 400, seed: 7)
        #expect(probe.rowUsers.count == 400)
        let perPersona = (0..<20).map { persona in probe.entryPersonas.filter { $0 == persona }.count }
        #expect(perPersona.allSatisfy { $0 == 60 }, "\(perPersona)")
        #expect(probe.entryValues.allSatisfy { abs($0 - 1.0 / 3) < 1e-15 })
    }

    /// The probe's matrix is the one its prototypes would give (each user's personas taken in turn from the set,
    /// wrapping past the last one), with and without a wrap, and with fewer personas than a probe row holds.
    @Test(arguments: [2, 7, 20])
    func theProbeIsTheMatrixOfItsPrototypes(personaCount: Int) throws {
        let advisor = SolverAdvisor()
        let probe = try advisor.probeLabels(graph: Self.graph, personaCount: personaCount, budget: 500, seed: 3)
        let perUser = min(advisor.probePersonasPerUser, personaCount)
        var labels: [Int: [Int]] = [:]
        for (index, user) in probe.rowUsers.enumerated() {
            labels[user] = (0..<perUser).map { (index * perUser + $0) % personaCount }
        }
        #expect(probe.rowUsers.count == 500)
        #expect(
            probe
                == (try LabelMatrix(
                    labels: PrototypeLabels(personaCount: personaCount, labels: labels),
                    userCount: Self.graph.userCount)))
    }

    /// The probe counts RevAff's work and reach without holding Ψ̂: the same edges and the same reached users as a
    /// full solve, at several ε (some users unreached) and thread counts.
    @Test(arguments: [0.002, 0.01, 0.05])
    func theProbeSeesWhatAFullSolveSees(epsilon: Double) throws {
        let probe = try SolverAdvisor().probeLabels(graph: Self.graph, personaCount: 20, budget: 600, seed: 5)
        for threads in [1, 2] {
            let solver = RevAff(epsilon: epsilon, threadCount: threads)
            let full = try solver.compute(graph: Self.graph, labels: probe)
            let probed = try solver.reach(graph: Self.graph, labels: probe)
            #expect(probed.edgesTouched == full.totalEdgesTouched)
            // In two parts, as the advisor probes: the same edges, the same users.
            let first = try solver.reach(graph: Self.graph, labels: probe, columns: 0..<4)
            let rest = try solver.reach(graph: Self.graph, labels: probe, columns: 4..<20)
            #expect(first.edgesTouched + rest.edgesTouched == probed.edgesTouched)
            #expect(zip(first.reached, rest.reached).map { $0 || $1 } == probed.reached)
            let reachedByFullSolve = (0..<Self.graph.userCount).map { user in
                full.affinity.row(user).contains { $0 != 0 }
            }
            #expect(probed.reached == reachedByFullSolve)
            if epsilon == 0.05 { #expect(reachedByFullSolve.contains(false), "the case must leave users unreached") }
        }
    }
}
