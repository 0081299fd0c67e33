import ArgumentParser
import Foundation
import GPLRCore

/// Where a benchmark's graph comes from: a planted synthetic dataset (generated, ingested; its truth gives
/// realistic prototype labels) or a structure-free random graph with random labels.
enum BenchGraphSource: String, ExpressibleByArgument, CaseIterable {
    case planted, random
}

/// Size options shared by the benchmarks; the defaults are the paper's Instacart-Full.
struct BenchGraphOptions: ParsableArguments {
    @Option(help: "Graph source: planted (synthetic with planted personas) or random.")
    var source: BenchGraphSource = .planted

    @Option(help: "Users.")
    var users: Int = 206_209

    @Option(help: "Items.")
    var items: Int = 49_677

    @Option(help: "Edges (exact for random graphs, the expected count for planted ones).")
    var edges: Int = 13_307_953

    @Option(help: "Personas |R|.")
    var personas: Int = 51

    @Option(help: "Seed.")
    var seed: UInt64 = 42

    @Option(help: "Scratch directory for generated files (default: a temp dir, removed afterwards).")
    var scratch: String?

    /// A scratch directory and whether to remove it afterwards.
    func scratchDirectory() throws -> (path: String, remove: Bool) {
        if let scratch { return (scratch, false) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gplr-bench-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return (path, true)
    }

    func syntheticConfig() -> SyntheticConfig {
        var config = SyntheticConfig(users: users, items: items, personas: personas, seed: seed)
        config.setMeanDegree(Double(edges) / Double(users))
        return config
    }

    /// Builds the graph; for planted graphs also returns the planted truth by user index.
    func build(in directory: String) throws -> (graph: PurchaseGraph, truth: [[Int]]?) {
        switch source {
        case .random:
            let graph = try RandomGraph(userCount: users, itemCount: items, edgeCount: edges, seed: seed).build()
            return (graph, nil)
        case .planted:
            let generator = try SyntheticGenerator(config: syntheticConfig())
            let graph = try generateAndIngest(generator, in: directory)
            let truth = try generator.plantedTruth(in: directory)
            return (graph, graph.userIDs.map { truth.labels[$0] ?? [] })
        }
    }
}

/// Writes `generator`'s dataset (generic format) into `directory` and ingests it, with a progress line for each
/// step: the setup of a benchmark, not what it measures.
func generateAndIngest(_ generator: SyntheticGenerator, in directory: String) throws -> PurchaseGraph {
    let generating = ProgressReporter("generate", total: generator.config.users, unit: .items("users"))
    defer { generating.finish() }
    try generator.write(to: directory) { done in
        generating.update(done.users, detail: "\(Console.count(done.purchaseRows)) rows")
    }
    generating.finish()
    let ingesting = ProgressReporter("ingest", total: nil, unit: .bytes)
    defer { ingesting.finish() }
    let (graph, _) = try ingestDataset(
        IngestSource(format: .generic, path: directory), options: IngestOptions(progress: ingesting.ingestCallback))
    return graph
}

extension SyntheticGenerator {
    /// The planted truth (labels by user id) that this generator wrote into `directory`.
    func plantedTruth(in directory: String) throws -> LabelsFile.Contents {
        try LabelsFile.read(path: (directory as NSString).appendingPathComponent(Self.truthFile), personas: personaSet)
    }
}

/// Peak resident memory of this process so far, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
