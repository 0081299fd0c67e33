import ArgumentParser

/// `gplr-worker`: the stateless daemon that pulls GPLR jobs from Redis and runs them.
@main
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gplr-worker",
        abstract: "Pull GPLR jobs (label, affinity, ...) from Redis and run them. (Distributed runtime: not yet built.)")

    func run() async throws {
        throw ValidationError("the distributed worker is not built yet; use `gplr run --local` for now")
    }
}
