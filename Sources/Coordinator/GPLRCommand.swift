import ArgumentParser

/// The `gplr` command line: the coordinator of GPLR runs and the tools around them.
@main
struct GPLRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gplr",
        abstract: "Tag customers with human-readable personas: LLM-labeled prototypes + random-walk affinities.",
        subcommands: [])
}
