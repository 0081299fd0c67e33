import ArgumentParser
import Foundation
import GPLRCore

/// `gplr generate`: a synthetic dataset with planted personas, in the same CSV formats as real data.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic purchase dataset with planted personas (CSV + personas.json + truth.jsonl).")

    @Option(name: .shortAndLong, help: "Output directory.")
    var out: String

    @Option(help: "Number of users.")
    var users: Int = 20_000

    @Option(help: "Number of items.")
    var items: Int = 10_000

    @Option(help: "Number of personas |R|.")
    var personas: Int = 20

    @Option(help: "Mean number of distinct items per user (log-normal).")
    var meanDegree: Double = 30

    @Option(help: "Share of off-persona purchases.")
    var noise: Double = 0.1

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: "Formats to write, comma-separated: generic, instacart, online-retail.")
    var formats: String = "generic"

    func validate() throws {
        guard users > 0, items > 0, personas > 0 else {
            throw ValidationError("users, items and personas must be positive")
        }
        guard meanDegree >= 1 else { throw ValidationError("--mean-degree must be at least 1") }
        _ = try parsedFormats()
    }

    func parsedFormats() throws -> Set<DatasetFormat> {
        var result = Set<DatasetFormat>()
        for name in formats.split(separator: ",") {
            guard let format = DatasetFormat(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown format '\(name)'; use generic, instacart or online-retail")
            }
            result.insert(format)
        }
        return result
    }

    func run() throws {
        let config = syntheticConfig()
        try config.validate()
        let timer = Stopwatch()
        let progress = ProgressReporter("generate", total: config.users, unit: .items("users"))
        defer { progress.finish() }
        let summary = try SyntheticGenerator(config: config).write(to: out, formats: try parsedFormats()) { done in
            progress.update(done.users, detail: "\(Console.count(done.purchaseRows)) rows")
        }
        progress.finish()
        print(
            "wrote \(Console.count(summary.users)) users, \(Console.count(summary.items)) items, "
                + "\(Console.count(summary.purchaseRows)) purchase rows to \(out) in \(Console.seconds(timer.seconds))")
    }

    func syntheticConfig() -> SyntheticConfig {
        var config = SyntheticConfig(users: users, items: items, personas: personas, noiseShare: noise, seed: seed)
        config.setMeanDegree(meanDegree)
        return config
    }
}
