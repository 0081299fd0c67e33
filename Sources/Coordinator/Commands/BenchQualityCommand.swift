import ArgumentParser
import Foundation
import Shared

/// `gplr bench quality`: persona accuracy vs. the planted truth for several budgets, DU vs. uniform sampling.
struct BenchQualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Micro-F1 against the planted truth for label budgets × DU/uniform sampling, noisy labeler.")

    @Option(help: "Users.")
    var users: Int = 50_000

    @Option(help: "Items.")
    var items: Int = 20_000

    @Option(help: "Personas.")
    var personas: Int = 20

    @Option(help: "Budgets, comma-separated shares.")
    var budgets: String = "5%,10%,20%,100%"

    @Option(help: "Labeler noise: probability of dropping each true persona.")
    var noiseDrop: Double = 0.2

    @Option(help: "Labeler noise: probability of adding a wrong persona.")
    var noiseAdd: Double = 0.1

    @Option(help: "Seed.")
    var seed: UInt64 = 42

    @Option(help: "DU floors δ to compare, comma-separated.")
    var duFloors: String = "1e-12"

    func run() async throws {
        let parsedBudgets = try budgets.split(separator: ",").map { text in
            guard let budget = LabelBudget(parsing: String(text)) else { throw ValidationError("bad budget '\(text)'") }
            return budget
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gplr-quality-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generator = try SyntheticGenerator(
            config: SyntheticConfig(users: users, items: items, personas: personas, seed: seed))
        let graph = try generateAndIngest(generator, in: directory)
        let truth = try LabelsFile.read(
            path: (directory as NSString).appendingPathComponent(SyntheticGenerator.truthFile),
            personas: generator.personaSet)
        let reference = graph.userIDs.map { truth.labels[$0] ?? [] }
        let labeler = TruthLabeler(
            truthByUserID: truth.labels, graph: graph, personaCount: personas, dropProbability: noiseDrop,
            addProbability: noiseAdd, seed: seed)

        print("quality: \(Console.count(graph.userCount)) users, \(Console.count(graph.edgeCount)) edges, "
            + "\(personas) personas; labeler noise drop \(noiseDrop) add \(noiseAdd); T = 10, k = 5, ℓ̂ = 1, β = 0.5, exact")
        print("budget  sampling  micro-F1  macro-F1  Jaccard   P@1    evaluated users  time (s)")
        let floors = try duFloors.split(separator: ",").map { text in
            guard let value = Double(text), value > 0, value < 1 else { throw ValidationError("bad δ '\(text)'") }
            return value
        }
        let variants: [(RunParameters.Sampling, Double)] =
            floors.map { (.du, $0) } + [(.uniform, floors[0])]
        // Between runs only: each run's own time is measured.
        let progress = ProgressReporter(
            "bench quality", total: parsedBudgets.count * variants.count, unit: .items("runs"))
        defer { progress.finish() }
        progress.update(0)
        for budget in parsedBudgets {
            for (sampling, floor) in variants {
                var parameters = RunParameters()
                parameters.duFloor = floor
                parameters.budget = budget
                parameters.sampling = sampling
                parameters.seed = seed
                let timer = Stopwatch()
                let outcome = try await GPLRRunner(
                    graph: graph, personas: generator.personaSet, parameters: parameters, labeler: labeler,
                    affinityComputer: LocalAffinityComputer(walkLength: 1, epsilon: nil),
                    snapshotHash: "bench"
                ).run()
                // Score the inferred users; with a 100% budget everyone is a prototype, so score the LLM's labels.
                var evaluated = (0 ..< graph.userCount).filter { !outcome.prototypes.isPrototype($0) }
                if evaluated.isEmpty { evaluated = Array(0 ..< graph.userCount) }
                let scores = try EvaluationReport(
                    predicted: outcome.assignment.rows, reference: reference, users: evaluated)
                let seconds = timer.seconds
                Console.result(budget.description.padding(toLength: 7, withPad: " ", startingAt: 0) + " "
                    + (sampling == .du && floors.count > 1 ? String(format: "du %.0e", floor) : sampling.rawValue)
                        .padding(toLength: 9, withPad: " ", startingAt: 0)
                    + String(format: " %8.3f  %8.3f  %7.3f  %5.3f  ", scores.microF1, scores.macroF1,
                             scores.meanJaccard, scores.precisionAtOne)
                    + Console.count(evaluated.count).padding(toLength: 15, withPad: " ", startingAt: 0)
                    + String(format: "  %8.1f", seconds))
                progress.advance()
            }
        }
    }
}
