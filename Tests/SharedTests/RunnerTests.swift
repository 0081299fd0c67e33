import Foundation
import GPLRTestSupport
import Synchronization
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRRuntime

/// A small planted dataset, generated and ingested once per test.
struct PlantedDataset {
    let graph: PurchaseGraph
    let personas: PersonaSet
    let truth: [String: [Int]]

    init(users: Int = 1_500, items: Int = 600, personas: Int = 8, seed: UInt64 = 3) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let generator = try SyntheticGenerator(
            config: SyntheticConfig(users: users, items: items, personas: personas, seed: seed))
        try generator.write(to: directory.path)
        (graph, _) = try ingestDataset(IngestSource(format: .generic, path: directory.path), options: IngestOptions())
        self.personas = generator.personaSet
        truth = try LabelsFile.read(path: directory.file(SyntheticGenerator.truthFile), personas: generator.personaSet)
            .labels
    }

    func runner(
        _ parameters: RunParameters, labeler: (any PersonaLabeler)? = nil,
        affinityComputer: (any AffinityComputer)? = nil
    ) -> GPLRRunner {
        GPLRRunner(
            graph: graph, personas: personas, parameters: parameters,
            labeler: labeler ?? TruthLabeler(truthByUserID: truth, graph: graph, personaCount: personas.count),
            affinityComputer: affinityComputer
                ?? LocalAffinityComputer(walkLength: parameters.walkLength, solver: parameters.solver),
            snapshotHash: "test")
    }
}

@Suite(.timeLimit(.minutes(5))) struct LabelBudgetTests {
    @Test func parsesSharesAndCounts() {
        #expect(LabelBudget(parsing: "10%") == .fraction(0.1))
        #expect(LabelBudget(parsing: "0.25") == .fraction(0.25))
        #expect(LabelBudget(parsing: "500") == .count(500))
        #expect(LabelBudget(parsing: "0") == nil)
        #expect(LabelBudget(parsing: "150%") == nil)
        #expect(LabelBudget(parsing: "ten") == nil)
    }

    @Test func iterationsSpendExactlyTheBudget() {
        for (budget, users, iterations) in [
            (LabelBudget.count(103), 1000, 10), (.fraction(0.1), 777, 7), (.count(5), 50, 10),
        ] {
            let split = (1...iterations).map { budget.perIteration($0, of: iterations, userCount: users) }
            #expect(split.reduce(0, +) == budget.total(userCount: users))
            #expect(split.max()! - split.min()! <= 1)
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct GPLRRunnerTests {
    @Test func sameSeedSamePhiAndBudgetSpentExactly() async throws {
        let data = try PlantedDataset()
        var parameters = RunParameters()
        parameters.budget = .count(150)
        let first = try await data.runner(parameters).run()
        let second = try await data.runner(parameters).run()
        #expect(first.assignment == second.assignment)
        #expect(first.prototypes == second.prototypes)
        #expect(first.report.labelBudgetSpent == 150)
        #expect(first.prototypes.count == 150)
        #expect(first.report.iterations.count == 10)
        // Prototypes keep exactly their labels.
        for user in first.prototypes.users {
            #expect(Array(first.assignment.personas(ofUser: user)) == data.truth[data.graph.userIDs[user]]!.sorted())
        }
        // Another seed samples other prototypes.
        parameters.seed = 99
        let other = try await data.runner(parameters).run()
        #expect(other.prototypes.users != first.prototypes.users)
    }

    @Test func inferredPersonasRecoverThePlantedOnes() async throws {
        let data = try PlantedDataset()
        var parameters = RunParameters()
        parameters.budget = .fraction(0.1)
        let outcome = try await data.runner(parameters).run()
        let evaluated = (0..<data.graph.userCount).filter { !outcome.prototypes.isPrototype($0) }
        let reference = data.graph.userIDs.map { data.truth[$0] ?? [] }
        let scores = try EvaluationReport(predicted: outcome.assignment.rows, reference: reference, users: evaluated)
        // The top persona is one the user really has far more often than a random guess among 8 would be.
        #expect(scores.precisionAtOne > 0.6)
        #expect(scores.microRecall > 0.7)
    }

    @Test func revAffRunAgreesWithExactRun() async throws {
        let data = try PlantedDataset()
        var parameters = RunParameters()
        parameters.budget = .count(200)
        let exact = try await data.runner(parameters).run()
        parameters.solver = .revAff(epsilon: 0)
        let revAff = try await data.runner(parameters).run()
        // ε = 0 equals exact up to rounding: same prototypes chosen, same Φ.
        #expect(revAff.prototypes == exact.prototypes)
        #expect(revAff.assignment == exact.assignment)
    }

    @Test func usersTheLabelerCannotAnswerAreCountedAndNotSampledAgain() async throws {
        let data = try PlantedDataset()
        // Drop a third of the truth: those users fail whenever sampled.
        let partial = data.truth.filter { Int($0.key)! % 3 != 0 }
        let labeler = TruthLabeler(truthByUserID: partial, graph: data.graph, personaCount: data.personas.count)
        var parameters = RunParameters()
        parameters.budget = .count(300)
        parameters.maxLabelFailureShare = 1  // a third fails: more than the default 20 % would allow
        let outcome = try await data.runner(parameters, labeler: labeler).run()
        let failed = outcome.report.iterations.reduce(0) { $0 + $1.failed }
        #expect(failed > 0)
        #expect(outcome.report.labelerCounters["missing-from-labels-file"] == failed)
        #expect(outcome.report.labelBudgetSpent == 300)
        #expect(outcome.prototypes.count == 300 - failed)
        for user in outcome.prototypes.users { #expect(Int(data.graph.userIDs[user])! % 3 != 0) }
    }

    @Test func uniformSamplingRunsToo() async throws {
        let data = try PlantedDataset()
        var parameters = RunParameters()
        parameters.budget = .count(100)
        parameters.sampling = .uniform
        let outcome = try await data.runner(parameters).run()
        #expect(outcome.prototypes.count == 100)
    }

    @Test func invalidParametersAreRefused() async throws {
        let data = try PlantedDataset(users: 200, items: 100, personas: 4)
        var parameters = RunParameters()
        parameters.iterations = 0
        await #expect(throws: AlgorithmError.self) { try await data.runner(parameters).run() }
    }
}

@Suite(.timeLimit(.minutes(5))) struct TruthLabelerTests {
    @Test func noiseDependsOnlyOnSeedAndUserNotOnBatching() async throws {
        let data = try PlantedDataset(users: 600, items: 300)
        let labeler = TruthLabeler(
            truthByUserID: data.truth, graph: data.graph, personaCount: data.personas.count,
            dropProbability: 0.3, addProbability: 0.3, seed: 11)
        let users = Array(0..<data.graph.userCount)
        let whole = try await labeler.label(users: users, in: data.graph)
        var pieces = LabelingBatch()
        for chunk in stride(from: 0, to: users.count, by: 37).map({
            Array(users.reversed()[$0..<min($0 + 37, users.count)])
        }) {
            pieces.merge(try await labeler.label(users: chunk, in: data.graph))
        }
        #expect(whole.labels == pieces.labels)
        // The noise is really there, at roughly the asked rates.
        let trueCount = users.reduce(0) { $0 + data.truth[data.graph.userIDs[$1]]!.count }
        let dropped = Double(whole.counters["noise-dropped"] ?? 0) / Double(trueCount)
        let added = Double(whole.counters["noise-added"] ?? 0) / Double(users.count)
        #expect(abs(dropped - 0.3) < 0.06)
        #expect(abs(added - 0.3) < 0.06)
    }

    @Test func noNoiseAnswersTheTruth() async throws {
        let data = try PlantedDataset(users: 300, items: 200)
        let labeler = TruthLabeler(truthByUserID: data.truth, graph: data.graph, personaCount: data.personas.count)
        let batch = try await labeler.label(users: [0, 5, 9], in: data.graph)
        for user in [0, 5, 9] { #expect(batch.labels[user] == data.truth[data.graph.userIDs[user]]!.sorted()) }
        #expect(batch.failures.isEmpty)
    }
}

@Suite(.timeLimit(.minutes(5))) struct RunResumeTests {
    /// A run stopped after any iteration and resumed from its checkpoint gives the same Φ, and nobody is labeled
    /// twice. The same with RevAff carrying its residuals: the resumed run rebuilds Ψ̂ batch by batch, as it was built.
    @Test(arguments: [(1, 0.01), (4, 0.01), (9, 0.01), (4, 0.05), (1, nil), (4, nil), (9, nil)])
    func resumedRunEqualsUninterruptedRun(stopAfter: Int, epsilon: Double?) async throws {
        let data = try PlantedDataset(users: 900, items: 400, personas: 6)
        var parameters = RunParameters()
        parameters.budget = .count(120)
        parameters.solver = AffinitySolver(epsilon: epsilon)
        let whole = try await data.runner(parameters).run()

        let saved = CheckpointBox()
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            _ = try await data.runner(parameters).run(checkpoint: { checkpoint in
                saved.value = checkpoint
                if checkpoint.completedIterations == stopAfter { throw Stop() }
            })
        }
        let checkpoint = try #require(saved.value)
        #expect(checkpoint.completedIterations == stopAfter)

        let counting = CountingLabeler(
            inner: TruthLabeler(
                truthByUserID: data.truth, graph: data.graph, personaCount: data.personas.count))
        let resumed = try await data.runner(parameters, labeler: counting).run(resumingFrom: checkpoint)
        #expect(resumed.assignment == whole.assignment)
        #expect(resumed.prototypes == whole.prototypes)
        let relabeled = counting.asked.filter { Set(checkpoint.prototypes.users).contains($0) }
        #expect(relabeled.isEmpty)
        #expect(counting.asked.count == 120 - checkpoint.prototypes.users.count)
    }
}

/// Remembers the last checkpoint a run reported.
final class CheckpointBox: Sendable {
    private let stored = Mutex<RunCheckpoint?>(nil)
    var value: RunCheckpoint? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}

/// Records every user a labeler was asked about.
final class CountingLabeler: PersonaLabeler, Sendable {
    let inner: any PersonaLabeler
    private let users = Mutex<[Int]>([])
    init(inner: any PersonaLabeler) { self.inner = inner }
    var asked: [Int] { users.withLock { $0 } }
    func label(users batch: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch {
        users.withLock { $0 += batch }
        return try await inner.label(users: batch, in: graph)
    }
}
