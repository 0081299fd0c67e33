import ArgumentParser
import Shared

/// `gplr run`: Algorithm 1 end to end.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run GPLR: sample prototypes, label them, infer everyone's personas.",
        discussion: """
            --local runs everything in this process with a labeler that answers from a labels file (JSON Lines \
            {"user": ..., "personas": [...]}, e.g. a synthetic dataset's truth.jsonl), optionally with the noise \
            of a real LLM. Writes phi.jsonl, phi.csv, prototypes.jsonl, psi.npy, psi-index.json and report.json.
            """)

    @Flag(help: "Run in this process (no Redis, no workers).")
    var local = false

    @Option(help: "The graph snapshot (.gplrsnap) from `gplr ingest`.")
    var snapshot: String

    @Option(help: "The persona set (JSON array of {name, description}).")
    var personas: String

    @Option(help: "Labels file the local labeler answers from (JSON Lines).")
    var labels: String

    @Option(name: .shortAndLong, help: "Output directory.")
    var out: String

    @OptionGroup var options: RunOptions
    @OptionGroup var noise: LabelerNoiseOptions

    func validate() throws {
        guard local else {
            throw ValidationError("only --local runs exist so far; the distributed runtime (--redis) is not built yet")
        }
    }

    func run() async throws {
        let result = try await LocalRun(
            snapshotPath: snapshot, personasPath: personas, labelsPath: labels, outputDirectory: out,
            parameters: options.parameters, noise: noise.noise, threads: options.threads
        ).execute()
        RunSummary.print(result)
        print("")
        print("wrote \(result.files.joined(separator: ", "))")
    }
}
