import Foundation
import Testing
@testable import Shared

/// The paper's own benchmark (OnlineRetail customers with GPT-4's persona labels, `shared/data/onlineretail` beside
/// the repository; never copied into it): gplr's default method at a 10 % budget must keep the quality measured in
/// docs/benchmarks.md ("Quality on real data"). The floors sit a little under the measured means so that a change
/// of the algorithms that loses quality fails here, while float rounding does not.
@Suite(.enabled(if: OnlineRetail.directory != nil, "OnlineRetail data not found (set GPLR_ONLINERETAIL_DIR)"))
struct OnlineRetailQualityTests {
    /// Measured (mean of seeds 0, 1, 2): micro-F1 0.705, macro-F1 0.447 (`gplr bench quality --dataset …`).
    static let microFloor = 0.69
    static let macroFloor = 0.43

    @Test(.timeLimit(.minutes(5))) func tenPercentBudgetBeatsTheAuthorsAndKeepsItsFloor() async throws {
        let data = try OnlineRetail.load()
        var micro = 0.0, macro = 0.0, uniformMicro = 0.0, uniformMacro = 0.0
        for seed: UInt64 in [0, 1, 2] {
            var parameters = RunParameters()
            parameters.budget = .fraction(0.1)
            parameters.seed = seed
            let du = try await data.score(parameters)
            micro += du.microF1 / 3
            macro += du.macroF1 / 3
            parameters.sampling = .uniform
            let uniform = try await data.score(parameters)
            uniformMicro += uniform.microF1 / 3
            uniformMacro += uniform.macroF1 / 3
        }
        #expect(micro >= Self.microFloor, "micro-F1 \(micro)")
        #expect(macro >= Self.macroFloor, "macro-F1 \(macro)")
        // The authors' best at 10 % (their README): 0.652 micro (DU + RevAff ε = 0.01), 0.398 macro (DU + exact).
        #expect(micro > 0.652 && macro > 0.398)
        // DU sampling earns its cost: it beats uniform sampling on both.
        #expect(micro > uniformMicro && macro > uniformMacro, "uniform: \(uniformMicro) / \(uniformMacro)")
    }
}

/// Where the OnlineRetail benchmark lives, and a run on it scored as the paper scores it.
enum OnlineRetail {
    /// `GPLR_ONLINERETAIL_DIR`, else the first `shared/data/onlineretail` beside the repository or above it.
    static let directory: String? = {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["GPLR_ONLINERETAIL_DIR"] {
            return fileManager.fileExists(atPath: path + "/purchases.csv") ? path : nil
        }
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            folder = folder.deletingLastPathComponent()
            let candidate = folder.appendingPathComponent("shared/data/onlineretail").path
            if fileManager.fileExists(atPath: candidate + "/purchases.csv") { return candidate }
        }
        return nil
    }()

    struct Benchmark {
        let graph: PurchaseGraph
        let personas: PersonaSet
        let labels: [String: [Int]]

        /// Micro/macro-F1 on the labeled users that were not prototypes (the labels are the labeler's answers).
        func score(_ parameters: RunParameters) async throws -> EvaluationReport {
            let outcome = try await GPLRRunner(
                graph: graph, personas: personas, parameters: parameters,
                labeler: TruthLabeler(truthByUserID: labels, graph: graph, personaCount: personas.count),
                affinityComputer: LocalAffinityComputer(walkLength: parameters.walkLength, epsilon: parameters.epsilon),
                snapshotHash: "onlineretail"
            ).run()
            let reference = graph.userIDs.map { labels[$0] ?? [] }
            let users = (0 ..< graph.userCount).filter {
                labels[graph.userIDs[$0]] != nil && !outcome.prototypes.isPrototype($0)
            }
            return try EvaluationReport(predicted: outcome.assignment.rows, reference: reference, users: users)
        }
    }

    static func load() throws -> Benchmark {
        guard let directory else {
            throw DatasetError(.fileNotFound, "the OnlineRetail data was not found", file: "shared/data/onlineretail")
        }
        let personas = try PersonaSet(contentsOf: directory + "/personas.json")
        let (graph, _) = try ingestDataset(IngestSource(format: .generic, path: directory))
        let labels = try LabelsFile.read(path: directory + "/labels.jsonl", personas: personas).labels
        return Benchmark(graph: graph, personas: personas, labels: labels)
    }
}
