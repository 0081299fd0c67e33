import ArgumentParser

/// `gplr completions SHELL`: the shell completion script of `gplr` (every subcommand, option and value list).
struct CompletionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completions",
        abstract: "Print gplr's shell completion script for bash, zsh or fish.",
        discussion: """
            `bash Ops/install-completions.sh` installs the scripts of gplr and gplr-worker where each shell \
            finds them. By hand: `gplr completions bash > ~/.local/share/bash-completion/completions/gplr`; \
            gplr-worker's script is `gplr-worker --generate-completion-script bash`.
            """)

    @Argument(help: ArgumentHelp("The shell.", valueName: "bash|zsh|fish"))
    var shell: String

    func validate() throws {
        guard CompletionShell(rawValue: shell) != nil else {
            throw ValidationError("unknown shell '\(shell)': use bash, zsh or fish")
        }
    }

    func run() {
        guard let shell = CompletionShell(rawValue: shell) else { return }
        print(GPLRCommand.completionScript(for: shell))
    }
}
