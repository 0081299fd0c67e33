import Foundation
import Shared

/// One whole GPLR run in this process: snapshot + persona set + labels file → Φ, Ψ and the report on disk.
struct LocalRun {
    var snapshotPath: String
    var personasPath: String
    var labelsPath: String
    var outputDirectory: String
    var parameters: RunParameters
    var noise: LabelerNoise
    var threads: Int?
    /// Print each iteration's progress.
    var verbose = true

    struct Result {
        var outcome: RunOutcome
        var graph: PurchaseGraph
        var personas: PersonaSet
        var labels: LabelsFile.Contents
        var files: [String]
    }

    func execute() async throws -> Result {
        let personas = try PersonaSet(contentsOf: personasPath)
        let (graph, info) = try Snapshot.read(from: snapshotPath)
        let labels = try LabelsFile.read(path: labelsPath, personas: personas)
        let labeler = TruthLabeler(
            truthByUserID: labels.labels, graph: graph, personaCount: personas.count,
            dropProbability: noise.drop, addProbability: noise.add, seed: noise.seed)
        let runner = GPLRRunner(
            graph: graph, personas: personas, parameters: parameters, labeler: labeler,
            affinityComputer: LocalAffinityComputer(
                walkLength: parameters.walkLength, epsilon: parameters.epsilon, threadCount: threads),
            snapshotHash: info.hash.hex, threadCount: threads)
        let verbose = verbose
        let outcome = try await runner.run(observe: { event in
            if verbose { Self.describe(event, log: Console.status) }
        })
        let files = try RunOutputWriter(directory: outputDirectory).write(outcome, graph: graph, personas: personas)
        return Result(outcome: outcome, graph: graph, personas: personas, labels: labels, files: files)
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
