import Foundation
import GPLRCore
import GPLRLLM
import Testing

@testable import GPLRRuntime

/// Algorithm 1's control flow without a graph, a labeler or Redis: the machine is fed the results a runner
/// would get and must answer with the right next step.
@Suite(.timeLimit(.minutes(5))) struct RunStateMachineTests {
    static let personaCount = 3

    static func machine(
        iterations: Int = 2, users: Int = 100, budget: LabelBudget = .count(10), epsilon: Double? = nil,
        maxFailureShare: Double = 0.2, resumingFrom checkpoint: RunCheckpoint? = nil,
        carriesRevAffResiduals: Bool = false
    ) throws -> RunStateMachine {
        var parameters = RunParameters()
        parameters.iterations = iterations
        parameters.budget = budget
        parameters.solver = AffinitySolver(epsilon: epsilon)
        parameters.maxLabelFailureShare = maxFailureShare
        let report = RunReport(
            parameters: parameters, snapshotHash: "s", users: users, items: 10, edges: 50,
            personas: (0..<personaCount).map { "P\($0)" })
        return try RunStateMachine(
            parameters: parameters, personaCount: personaCount, report: report, resumingFrom: checkpoint,
            carriesRevAffResiduals: carriesRevAffResiduals)
    }

    /// Every user answered with persona `user % 3` (user 0 of a sample "Unrepresentable" when `unrepresentable`).
    static func answers(_ users: [Int], unrepresentable: Set<Int> = []) -> LabelingBatch {
        LabelingBatch(
            labels: Dictionary(uniqueKeysWithValues: users.map { ($0, unrepresentable.contains($0) ? [] : [$0 % 3]) }))
    }

    @Test func aFreshRunSamplesLabelsAddsAffinityAndCheckpointsEachIterationThenAssigns() throws {
        var machine = try Self.machine()
        #expect(machine.start() == .sample(iteration: 1, count: 5))

        let first = [10, 11, 12, 13, 14]
        #expect(machine.sampled(first, seconds: 0.1) == .label(iteration: 1, users: first, probing: true))
        guard case .computeAffinity(1, let labels, .replace) = try machine.labeled(Self.answers(first), seconds: 1)
        else { Issue.record("the first iteration solves from its prototypes"); return }
        #expect(labels.users == first)
        guard case .checkpoint(let checkpoint) = machine.affinityReady(seconds: 2) else {
            Issue.record("a checkpoint follows the affinity"); return
        }
        #expect(checkpoint.completedIterations == 1)
        #expect(checkpoint.prototypes.users == first)
        #expect(checkpoint.report.iterations.map(\.sampled) == [5])
        #expect(checkpoint.report.timings.labeling == 1 && checkpoint.report.timings.affinity == 2)

        #expect(machine.checkpointed() == .sample(iteration: 2, count: 5))
        let second = [20, 21, 22, 23, 24]
        #expect(machine.sampled(second, seconds: 0.1) == .label(iteration: 2, users: second, probing: false))
        // Exact solver: only the iteration's new prototypes are propagated, and added to the running Ψ_raw.
        guard case .computeAffinity(2, let added, .add) = try machine.labeled(Self.answers(second), seconds: 1)
        else { Issue.record("later iterations add their new rows"); return }
        #expect(added.users == second)
        guard case .checkpoint(let last) = machine.affinityReady(seconds: 1) else {
            Issue.record("no checkpoint"); return
        }
        #expect(last.completedIterations == 2 && last.prototypes.users == first + second)
        // Each iteration keeps its own step seconds (what the dashboard's timeline draws), and RunProgress with it.
        #expect(last.report.iterations.map(\.samplingSeconds) == [0.1, 0.1])
        #expect(last.report.iterations.map(\.labelingSeconds) == [1, 1])
        #expect(last.report.iterations.map(\.affinitySeconds) == [2, 1])
        #expect(RunProgress(last).iterations == last.report.iterations)
        #expect(machine.checkpointed() == .assign(try last.prototypes.labels()))
        #expect(machine.report.labelBudgetSpent == 10)
        #expect(machine.attemptedUsers == Set(first + second))
    }

    @Test func anIterationRecordedBeforeStepSecondsDecodesWithoutThem() throws {
        let old = #"{"iteration":1,"sampled":5,"labeled":4,"unrepresentable":1,"failed":0,"seconds":1.5}"#
        let iteration = try JSONDecoder().decode(RunReport.Iteration.self, from: Data(old.utf8))
        #expect(iteration.seconds == 1.5 && iteration.labeled == 4)
        #expect(iteration.samplingSeconds == nil && iteration.labelingSeconds == nil)
        #expect(iteration.affinitySeconds == nil)
    }

    /// RevAff's affinity steps: with its residuals carried, each iteration's new prototypes added (the first to an
    /// empty Ψ̂), as for the exact solver; without, every prototype so far, replacing Ψ_raw.
    @Test(arguments: [true, false]) func revAffAffinityStepsFollowWhetherResidualsAreCarried(carries: Bool) throws {
        var machine = try Self.machine(epsilon: 0.01, carriesRevAffResiduals: carries)
        #expect(machine.report.solver == (carries ? "revaff ε=0.01 (incremental)" : "revaff ε=0.01"))
        func labels(_ users: ClosedRange<Int>) throws -> PrototypeLabels {
            try PrototypeLabels(
                personaCount: Self.personaCount,
                labels: Dictionary(uniqueKeysWithValues: users.map { ($0, [$0 % 3]) }))
        }
        _ = machine.start()
        _ = machine.sampled([1, 2, 3, 4, 5], seconds: 0)
        #expect(
            try machine.labeled(Self.answers([1, 2, 3, 4, 5]), seconds: 0)
                == .computeAffinity(iteration: 1, labels: try labels(1...5), mode: carries ? .add : .replace))
        _ = machine.affinityReady(seconds: 0)
        _ = machine.checkpointed()
        _ = machine.sampled([6, 7, 8, 9, 10], seconds: 0)
        #expect(
            try machine.labeled(Self.answers([6, 7, 8, 9, 10]), seconds: 0)
                == (carries
                    ? .computeAffinity(iteration: 2, labels: try labels(6...10), mode: .add)
                    : .computeAffinity(iteration: 2, labels: try labels(1...10), mode: .replace)))
    }

    /// A first iteration whose prototypes have no persona still asks for Ψ_raw (all zeros), with or without
    /// carried residuals: iteration 2 then samples from it, as a run resumed after iteration 1 does, whose
    /// rebuild gives the same zeros (skipping it would leave no Ψ_raw, and iteration 2 would sample uniformly).
    @Test(arguments: [true, false]) func aFirstIterationWithoutPersonasStillBuildsAnAffinity(carries: Bool) throws {
        var machine = try Self.machine(epsilon: 0.01, carriesRevAffResiduals: carries)
        _ = machine.start()
        _ = machine.sampled([1, 2, 3, 4, 5], seconds: 0)
        let nobody = LabelingBatch(labels: Dictionary(uniqueKeysWithValues: (1...5).map { ($0, [Int]()) }))
        guard case .computeAffinity(1, let labels, _) = try machine.labeled(nobody, seconds: 0) else {
            Issue.record("the first iteration computes Ψ_raw"); return
        }
        #expect(labels.users == Array(1...5))
    }

    @Test func tooManyFailuresFailTheRunAndAMissingAnswerCountsAsOne() throws {
        var machine = try Self.machine(maxFailureShare: 0.2)
        _ = machine.start()
        let sample = [1, 2, 3, 4, 5]
        _ = machine.sampled(sample, seconds: 0)
        // One failure reported, one user not answered at all: 2 of 5 > 20 %.
        var batch = Self.answers([1, 2, 3])
        batch.failures[4] = "HTTP 500"
        guard case .fail(let failure) = try machine.labeled(batch, seconds: 0) else {
            Issue.record("the run must fail"); return
        }
        #expect(failure.description.contains("2 of 5"), "\(failure)")
    }

    @Test func failuresWithinTheShareAreNeverSampledAgain() throws {
        var machine = try Self.machine(maxFailureShare: 0.2)
        _ = machine.start()
        _ = machine.sampled([1, 2, 3, 4, 5], seconds: 0)
        var batch = Self.answers([1, 2, 3, 4])
        batch.failures[5] = "timeout"
        guard case .computeAffinity = try machine.labeled(batch, seconds: 0) else { Issue.record("goes on"); return }
        guard case .checkpoint(let checkpoint) = machine.affinityReady(seconds: 0) else { Issue.record(); return }
        #expect(checkpoint.failedUsers == [5])
        #expect(machine.attemptedUsers.contains(5) && !machine.prototypes.isPrototype(5))
        #expect(checkpoint.report.iterations.first?.failed == 1)
    }

    @Test func anIterationWhoseNewPrototypesHaveNoPersonaSkipsTheAffinityStep() throws {
        var machine = try Self.machine()
        _ = machine.start()
        _ = machine.sampled([1, 2, 3, 4, 5], seconds: 0)
        _ = try machine.labeled(Self.answers([1, 2, 3, 4, 5]), seconds: 0)
        _ = machine.affinityReady(seconds: 0)
        _ = machine.checkpointed()
        _ = machine.sampled([6, 7], seconds: 0)
        // Both "Unrepresentable": Π·L_raw of their rows is zero.
        guard
            case .checkpoint(let checkpoint) = try machine.labeled(
                Self.answers([6, 7], unrepresentable: [6, 7]), seconds: 0)
        else { Issue.record("no affinity step for all-empty rows"); return }
        #expect(checkpoint.completedIterations == 2 && checkpoint.report.iterations.last?.unrepresentable == 2)
    }

    @Test func anEmptySampleEndsTheLoop() throws {
        var machine = try Self.machine(iterations: 3)
        _ = machine.start()
        #expect(machine.sampled([], seconds: 0) == .assign(PrototypeLabels(personaCount: Self.personaCount)))
        #expect(machine.takeEvents() == [.sampled(iteration: 1, of: 3, sampled: 0)])
    }

    @Test func aResumedRunRebuildsAffinityThenContinuesAfterItsCheckpoint() throws {
        var first = try Self.machine(iterations: 3, maxFailureShare: 0.5)
        _ = first.start()
        _ = first.sampled([1, 2, 3, 4], seconds: 0)
        var batch = Self.answers([1, 2, 3])
        batch.failures[4] = "no answer"
        _ = try first.labeled(batch, seconds: 0)
        guard case .checkpoint(let checkpoint) = first.affinityReady(seconds: 0) else { Issue.record(); return }

        var resumed = try Self.machine(iterations: 3, resumingFrom: checkpoint)
        #expect(
            resumed.start()
                == .rebuildAffinity(
                    iteration: 1, labels: try checkpoint.prototypes.labels(),
                    batches: [try checkpoint.prototypes.labels()]))
        #expect(checkpoint.prototypeIterations == checkpoint.prototypes.users.map { _ in 1 })
        #expect(resumed.affinityReady(seconds: 5) == .sample(iteration: 2, count: 3))  // 10 over 3: 4, 3, 3
        #expect(resumed.attemptedUsers == [1, 2, 3, 4])
        // The rebuild is not an iteration: its time is not the run's affinity time.
        #expect(resumed.report.timings.affinity == checkpoint.report.timings.affinity)
        _ = resumed.sampled([7, 8, 9], seconds: 0)
        // The incremental path resumes too: Ψ_raw exists after the rebuild.
        guard case .computeAffinity(2, _, .add) = try resumed.labeled(Self.answers([7, 8, 9]), seconds: 0) else {
            Issue.record("a resumed exact run adds to the rebuilt Ψ_raw"); return
        }
    }

    @Test func aLabelOutsideThePersonaSetIsAnError() throws {
        var machine = try Self.machine()
        _ = machine.start()
        _ = machine.sampled([1], seconds: 0)
        #expect(throws: AlgorithmError.self) {
            _ = try machine.labeled(LabelingBatch(labels: [1: [Self.personaCount]]), seconds: 0)
        }
    }
}
