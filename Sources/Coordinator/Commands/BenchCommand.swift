import ArgumentParser

/// `gplr bench`: the figures in docs/benchmarks.md, reproducible from the command line.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: affinity solvers, snapshots, ingest, persona quality, the job queue, the LLM labeler.",
        subcommands: [
            BenchAffinityCommand.self, BenchSnapshotCommand.self, BenchIngestCommand.self,
            BenchQualityCommand.self, BenchQueueCommand.self, BenchLLMCommand.self,
        ])
}
