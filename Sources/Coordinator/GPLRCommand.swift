import ArgumentParser
import GPLRBuildInfo

/// The `gplr` command line: the coordinator of GPLR runs and the tools around them.
@main
struct GPLRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gplr",
        abstract: "Tag customers with human-readable personas: LLM-labeled prototypes + random-walk affinities.",
        discussion: """
            Typical flow: `gplr generate` (or real data) → `gplr ingest` → `gplr run --local` → `gplr eval`.
            `gplr quickstart` does all of it on a synthetic dataset. Distributed: `gplr run --redis URL` with \
            `gplr-worker`s, watched with `gplr status` or `gplr serve` (a live dashboard); `gplr retry`, \
            `gplr cancel`, `gplr runs`. Shell completions: `gplr completions bash|zsh|fish` (or \
            `bash Ops/install-completions.sh`).
            """,
        version: "gplr \(BuildInfo.versionLine)",
        subcommands: [
            QuickstartCommand.self, GenerateCommand.self, IngestCommand.self, SnapshotCommand.self, RunCommand.self,
            StatusCommand.self, ServeCommand.self, RunsCommand.self, RetryCommand.self, CancelCommand.self,
            QueueCommand.self,
            EvalCommand.self, BenchCommand.self, PersonasCommand.self, LLMSimCommand.self, DemoCommand.self,
            CompletionsCommand.self,
        ])
}
