import ArgumentParser
import Foundation
import GPLRCore

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
        print(
            "generate: \(Console.count(summary.purchaseRows)) rows"
                + String(
                    format: " in %.2f s (%.2f M rows/s)", generateSeconds,
                    Double(summary.purchaseRows) / generateSeconds / 1e6)
                + ", peak \(Console.count(peakResidentBytes() >> 20)) MiB")
        timer = Stopwatch()
        let (graph, report) = try ingestDataset(
            IngestSource(format: .generic, path: scratch.path), options: IngestOptions())
        let ingestSeconds = timer.seconds
        print(
            "ingest: \(Console.count(report.rowsRead)) rows → \(Console.count(graph.userCount)) users, "
                + "\(Console.count(graph.itemCount)) items, \(Console.count(graph.edgeCount)) edges"
                + String(
                    format: " in %.2f s (%.2f M rows/s)", ingestSeconds, Double(report.rowsRead) / ingestSeconds / 1e6)
                + ", peak \(Console.count(peakResidentBytes() >> 20)) MiB")
        guard affinity else { return }
        let truth = try generator.plantedTruth(in: scratch.path)
        var random = SeededGenerator(seed: graphOptions.seed)
        let sample = try UniformSampler().sample(
            count: graph.userCount / 10, userCount: graph.userCount,
            excluding: PrototypeLabels(personaCount: generator.personaSet.count), using: &random)
        var labels = PrototypeLabels(personaCount: generator.personaSet.count)
        for user in sample { try labels.setPersonas(truth.labels[graph.userIDs[user]] ?? [], forUser: user) }
        timer = Stopwatch()
        let matrix = try LabelMatrix(labels: labels, userCount: graph.userCount)
        let psi = try ExactAffinity().compute(graph: graph, labels: matrix)
        print(
            "exact Ψ: \(Console.count(psi.userCount)) × \(psi.personaCount)"
                + String(format: " in %.2f s", timer.seconds) + ", peak \(Console.count(peakResidentBytes() >> 20)) MiB"
        )
    }
}
