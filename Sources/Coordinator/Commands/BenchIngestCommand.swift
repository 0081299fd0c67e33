import ArgumentParser
import Foundation
import Shared

/// `gplr bench ingest`: generate a generic CSV, then time ingesting it (and optionally exact Ψ), with peak memory.
struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Generate a synthetic generic CSV, ingest it (rows/s), optionally compute exact Ψ; peak memory.")

    @OptionGroup var graphOptions: BenchGraphOptions

    @Flag(help: "Also compute exact Ψ for all personas from 10% planted prototypes.")
    var affinity = false

    func run() throws {
        let scratch = try graphOptions.scratchDirectory()
        defer { if scratch.remove { try? FileManager.default.removeItem(atPath: scratch.path) } }
        var timer = Stopwatch()
        let generator = try SyntheticGenerator(config: graphOptions.syntheticConfig())
        let summary = try generator.write(to: scratch.path)
        let generateSeconds = timer.seconds
        print(String(format: "generate: %@ rows in %.2f s (%.2f M rows/s), peak %@ MiB",
                     Console.count(summary.purchaseRows), generateSeconds,
                     Double(summary.purchaseRows) / generateSeconds / 1e6, Console.count(peakResidentBytes() >> 20)))
        timer = Stopwatch()
        let (graph, report) = try ingestDataset(IngestSource(format: .generic, path: scratch.path), options: IngestOptions())
        let ingestSeconds = timer.seconds
        print(String(format: "ingest: %@ rows → %@ users, %@ items, %@ edges in %.2f s (%.2f M rows/s), peak %@ MiB",
                     Console.count(report.rowsRead), Console.count(graph.userCount), Console.count(graph.itemCount),
                     Console.count(graph.edgeCount), ingestSeconds, Double(report.rowsRead) / ingestSeconds / 1e6,
                     Console.count(peakResidentBytes() >> 20)))
        guard affinity else { return }
        let truth = try LabelsFile.read(
            path: (scratch.path as NSString).appendingPathComponent(SyntheticGenerator.truthFile),
            personas: generator.personaSet)
        var random = SeededGenerator(seed: graphOptions.seed)
        let sample = try UniformSampler().sample(
            count: graph.userCount / 10, userCount: graph.userCount,
            excluding: PrototypeLabels(personaCount: generator.personaSet.count), using: &random)
        var labels = PrototypeLabels(personaCount: generator.personaSet.count)
        for user in sample { try labels.setPersonas(truth.labels[graph.userIDs[user]] ?? [], forUser: user) }
        timer = Stopwatch()
        let matrix = try LabelMatrix(labels: labels, userCount: graph.userCount)
        let psi = try ExactAffinity().compute(graph: graph, labels: matrix)
        print(String(format: "exact Ψ: %@ × %d in %.2f s, peak %@ MiB", Console.count(psi.userCount), psi.personaCount,
                     timer.seconds, Console.count(peakResidentBytes() >> 20)))
    }
}
