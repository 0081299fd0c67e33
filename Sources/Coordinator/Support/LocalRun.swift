import Foundation
import GPLRCore
import GPLRLLM
import GPLRRuntime

/// One whole GPLR run in this process: snapshot + persona set + labels file → Φ, Ψ and the report on disk.
struct LocalRun {
    var inputs: LocalRunInputs
    var labelsPath: String
    var outputDirectory: String
    var noise: LabelerNoise
    /// Print each iteration's progress (lines and a progress line over the iterations).
    var verbose = true

    struct Result {
        var outcome: RunOutcome
        var graph: PurchaseGraph
        var personas: PersonaSet
        /// The labels file's labels of the graph's users (what the run's labeler answered from).
        var labels: UserLabels
        var files: [String]
    }

    func execute() async throws -> Result {
        var inputs = inputs
        let loaded = try inputs.load()
        try inputs.resolveAutoSolver(for: loaded)
        let labels = try LabelsFile.readUserLabels(
            path: labelsPath, personas: loaded.personas, userIDs: loaded.graph.userIDs)
        let labeler = TruthLabeler(
            truth: labels, personaCount: loaded.personas.count, dropProbability: noise.drop,
            addProbability: noise.add, seed: noise.seed)
        let runner = inputs.runner(loaded, labeler: labeler)
        let verbose = verbose
        let progress = Self.iterationProgress(inputs.parameters, mode: verbose ? .current : .off)
        defer { progress.finish() }
        let outcome = try await runner.run(observe: { event in
            guard verbose else { return }
            Self.describe(event, log: Console.status)
            Self.track(event, on: progress)
        })
        progress.finish()
        let files = try RunOutputWriter(directory: outputDirectory, provenance: .thisBuild(.labelsFile))
            .write(outcome, graph: loaded.graph, personas: loaded.personas)
        return Result(
            outcome: outcome, graph: loaded.graph, personas: loaded.personas, labels: labels, files: files)
    }

    /// A progress line over the iterations of a run in this process.
    static func iterationProgress(_ parameters: RunParameters, mode: ProgressMode = .current) -> ProgressReporter {
        ProgressReporter("run", total: parameters.iterations, unit: .items("iterations"), mode: mode)
    }

    /// Moves the iterations' progress line on a run event: an iteration is done once its Ψ is computed.
    static func track(_ event: RunEvent, on progress: ProgressReporter) {
        switch event {
        case .sampled(let iteration, let of, _): progress.update(iteration - 1, of: of)
        case .affinityComputed(let iteration, _, _): progress.update(iteration)
        case .labeled: break
        case .assigned: progress.finish()
        }
    }

    /// One progress line per run event (shared with the distributed run).
    static func describe(_ event: RunEvent, log: (String) -> Void) {
        switch event {
        case .sampled(let t, let of, let sampled):
            log("iteration \(t)/\(of): sampled \(Console.count(sampled)) users")
        case .labeled(_, let labeled, let unrepresentable, let failed):
            log("  labeled \(Console.count(labeled)) (\(unrepresentable) unrepresentable, \(failed) failed)")
        case .affinityComputed(_, let prototypes, let seconds):
            log("  affinity from \(Console.count(prototypes)) prototypes in \(Console.seconds(seconds))")
        case .assigned(let unreachable):
            log("assigned personas (\(Console.count(unreachable)) users unreachable)")
        }
    }
}
