import ArgumentParser
import Foundation
import GPLRCore

/// `gplr quickstart`: the whole job on an embedded default — generate a synthetic dataset with planted
/// personas, ingest it, run GPLR in this process with a noisy labeler, print the personas and the accuracy.
struct QuickstartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickstart",
        abstract: "Generate a synthetic dataset and run GPLR on it in one process, with accuracy vs. the truth.")

    @Option(help: "Working directory for the dataset, snapshot and results.")
    var dir: String = "gplr-quickstart"

    @Option(help: "Number of synthetic users.")
    var users: Int = 50_000

    @Option(help: "Number of synthetic items.")
    var items: Int = 20_000

    @Option(help: "Number of personas.")
    var personas: Int = 20

    @OptionGroup var options: RunOptions

    @Option(help: "Probability that the simulated LLM drops each true persona.")
    var noiseDrop: Double = 0.2

    @Option(help: "Probability that the simulated LLM adds a wrong persona.")
    var noiseAdd: Double = 0.1

    func run() async throws {
        let data = (dir as NSString).appendingPathComponent("data")
        let snapshot = (dir as NSString).appendingPathComponent("graph.gplrsnap")
        let results = (dir as NSString).appendingPathComponent("results")

        try PlantedDataset.write(
            SyntheticConfig(users: users, items: items, personas: personas), data: data, snapshot: snapshot, tag: "",
            planted: "")

        let noise = LabelerNoise(drop: noiseDrop, add: noiseAdd, seed: 7)
        let result = try await LocalRun(
            inputs: options.inputs(
                snapshotPath: snapshot, personasPath: (data as NSString).appendingPathComponent("personas.json")),
            labelsPath: (data as NSString).appendingPathComponent("truth.jsonl"), outputDirectory: results,
            noise: noise
        ).execute()
        try RunSummary.printWithPlantedTruth(result, noise: "labeler noise drop \(noiseDrop) / add \(noiseAdd)")
        print("results in \(results)/ (phi.csv, phi-long.csv, phi.jsonl, psi.npy, report.json)")
    }
}
