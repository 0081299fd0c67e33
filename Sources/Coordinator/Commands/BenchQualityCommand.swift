import ArgumentParser
import Foundation
import GPLRCore
import GPLRLLM
import GPLRRuntime

/// `gplr bench quality`: micro-/macro-F1 of the inferred personas for label budgets × sampling × solver ×
/// assignment, mean over seeds, on a labeled dataset (e.g. the paper's OnlineRetail benchmark with GPT-4's
/// labels) or on planted synthetic data. The labeler answers from the labels (with optional LLM-like noise), and
/// the scores are taken on the labeled users that were not prototypes, as the paper does.
struct BenchQualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Persona quality (micro/macro-F1) for budgets × sampling × solver × assignment, mean over seeds.",
        discussion: """
            With --dataset DIR (a generic dataset: purchases.csv, items.csv; personas.json unless --personas) and
            --labels FILE, the labels are both the labeler's answers and the reference. Without --dataset, a planted
            synthetic dataset is generated (--users, --items, --personas-count) and its truth is the reference.
            If DIR/README.md holds reference figures (a table whose header starts with "| budget"), they are printed
            beside gplr's.
            """)

    @Option(help: "A generic dataset directory with reference labels (instead of synthetic data).")
    var dataset: String?

    @Option(help: "The labels file of --dataset (JSON Lines: {\"user\", \"personas\"}).")
    var labels: String?

    @Option(help: "The persona set of --dataset (default: DIR/personas.json).")
    var personas: String?

    @Option(help: "Synthetic data: users.")
    var users: Int = 50_000

    @Option(help: "Synthetic data: items.")
    var items: Int = 20_000

    @Option(name: .customLong("personas-count"), help: "Synthetic data: personas.")
    var personaCount: Int = 20

    @Option(help: "Budgets, comma-separated shares or counts.")
    var budgets: String = "5%,10%,20%"

    @Option(
        help:
            "Seeds of the runs (sampling), comma-separated, or ranges like 0-19; figures are their mean, and DU is compared with uniform seed by seed."
    )
    var seeds: String = "0,1,2"

    @Option(help: "Sampling methods, comma-separated (du, uniform).")
    var sampling: String = "du,uniform"

    @Option(help: "Solvers, comma-separated: exact, or an ε for RevAff (e.g. exact,0.01,0.02).")
    var solvers: String = "exact,0.01,0.02"

    @Option(help: "Assignments, comma-separated (calibrated, top-k).")
    var assign: String = "calibrated,top-k"

    @Option(help: "k of top-k.")
    var topK: Int = 5

    @Option(help: "Labeler noise: probability of dropping each true persona.")
    var noiseDrop: Double = 0

    @Option(help: "Labeler noise: probability of adding a wrong persona.")
    var noiseAdd: Double = 0

    @Option(help: "DU prior α (see gplr run --help).")
    var duPrior: Double = RunParameters().duPrior

    @Option(help: "DU candidate pool factor m (see gplr run --help; 0 = every user).")
    var duPool: Int = RunParameters().duPool

    @Option(help: "Seed of the synthetic data and of the labeler's noise.")
    var dataSeed: UInt64 = 42

    @Flag(help: "Print the summary table as Markdown (for docs/benchmarks.md).")
    var markdown = false

    func validate() throws {
        if dataset != nil && labels == nil { throw ValidationError("--dataset needs --labels") }
        try LabelerNoiseOptions.validate(drop: noiseDrop, add: noiseAdd)
    }

    func run() async throws {
        let grid = try QualityGrid(
            budgets: budgets, seeds: seeds, sampling: sampling, solvers: solvers, assign: assign)
        let data = try loadData()
        let labeler = TruthLabeler(
            truthByUserID: data.reference, graph: data.graph, personaCount: data.personas.count,
            dropProbability: noiseDrop, addProbability: noiseAdd, seed: dataSeed)
        let graph = data.graph
        let referenceRows = graph.userIDs.map { data.reference[$0] ?? [] }
        let hasReference = graph.userIDs.map { data.reference[$0] != nil }
        print(
            "quality: \(data.name): \(Console.count(graph.userCount)) users, \(Console.count(graph.itemCount)) items, "
                + "\(Console.count(graph.edgeCount)) edges, \(data.personas.count) personas; labeler noise drop "
                + "\(noiseDrop) add \(noiseAdd); T = 10, ℓ̂ = 1, β = 0.5, top-k k = \(topK), DU prior α = \(duPrior), pool m = \(duPool); "
                + "mean of seeds \(grid.seeds.map(String.init).joined(separator: ", "))")
        print("budget  sampling  solver       assign       micro-F1  macro-F1  coverage  seconds/run")
        let progress = ProgressReporter("bench quality", total: grid.cellCount * grid.seeds.count, unit: .items("runs"))
        defer { progress.finish() }
        var results: [QualityGrid.Cell: QualityGrid.Score] = [:]
        for cell in grid.cells {
            var total = QualityGrid.Score()
            for seed in grid.seeds {
                var parameters = RunParameters()
                parameters.budget = cell.budget
                parameters.sampling = cell.sampling
                parameters.solver = cell.solver
                parameters.assignment = cell.assignment
                parameters.topK = topK
                parameters.duPrior = duPrior
                parameters.duPool = duPool
                parameters.seed = seed
                let timer = Stopwatch()
                let outcome = try await GPLRRunner(
                    graph: graph, personas: data.personas, parameters: parameters, labeler: labeler,
                    affinityComputer: LocalAffinityComputer(walkLength: 1, solver: cell.solver),
                    snapshotHash: "bench"
                ).run()
                let evaluated = (0..<graph.userCount).filter {
                    hasReference[$0] && !outcome.prototypes.isPrototype($0)
                }
                let scores = try EvaluationReport(
                    predicted: outcome.assignment.rows, reference: referenceRows, users: evaluated)
                total.add(scores, seconds: timer.seconds)
                progress.advance()
            }
            let mean = total.mean
            results[cell] = mean
            Console.result(
                cell.budget.description.padding(toLength: 7, withPad: " ", startingAt: 0) + " "
                    + cell.sampling.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                    + cell.solverName.padding(toLength: 12, withPad: " ", startingAt: 0) + " "
                    + cell.assignment.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(
                        format: " %8.3f  %8.3f  %7.1f%%  %8.2f", mean.micro, mean.macro, mean.coverage * 100,
                        mean.seconds))
        }
        progress.finish()
        print("")
        print(grid.summary(results, markdown: markdown))
        if let paired = grid.pairedComparison(results) {
            print("")
            print(paired)
        }
        if let reference = data.referenceTable {
            print("")
            print("reference figures from \(data.name)/README.md (not recomputed):")
            print(reference)
        }
    }

    /// The graph, persona set and reference labels of the benchmark.
    private struct LabeledData {
        var name: String
        var graph: PurchaseGraph
        var personas: PersonaSet
        var reference: [String: [Int]]
        var referenceTable: String?
    }

    private func loadData() throws -> LabeledData {
        if let dataset, let labels {
            let personaSet = try PersonaSet(
                contentsOf: personas ?? (dataset as NSString).appendingPathComponent("personas.json"))
            let (graph, _) = try ingestDataset(IngestSource(format: .generic, path: dataset))
            let contents = try LabelsFile.read(path: labels, personas: personaSet)
            return LabeledData(
                name: dataset, graph: graph, personas: personaSet, reference: contents.labels,
                referenceTable: Self.referenceTable(inReadmeOf: dataset))
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gplr-quality-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generator = try SyntheticGenerator(
            config: SyntheticConfig(users: users, items: items, personas: personaCount, seed: dataSeed))
        let graph = try generateAndIngest(generator, in: directory)
        let truth = try generator.plantedTruth(in: directory)
        return LabeledData(
            name: "synthetic (planted, seed \(dataSeed))", graph: graph, personas: generator.personaSet,
            reference: truth.labels, referenceTable: nil)
    }

    /// The first Markdown table of DIR/README.md whose header row starts with "| budget", verbatim.
    static func referenceTable(inReadmeOf directory: String) -> String? {
        let path = (directory as NSString).appendingPathComponent("README.md")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var table: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if table.isEmpty {
                if line.lowercased().hasPrefix("| budget") { table.append(line) }
            } else if line.hasPrefix("|") {
                table.append(line)
            } else {
                break
            }
        }
        return table.isEmpty ? nil : table.joined(separator: "\n")
    }
}
