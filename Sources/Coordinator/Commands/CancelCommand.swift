import ArgumentParser
import Foundation
import GPLRRuntime

/// `gplr cancel`: stops a run.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a run: its coordinator stops, its queued jobs are dropped.",
        discussion: """
            Marks a created or running run cancelled (a done, failed or cancelled run is left as it is, exit \
            status 1); a coordinator running it notices within a second and stops. Jobs of the run \
            not yet taken by a worker are removed from the queues; jobs already running finish (their results \
            are kept). `gplr run --resume RUN` continues a cancelled run later. An unknown run is an error (exit \
            status 1).
            """)

    @Argument(help: "The run id.")
    var run: String

    @Flag(help: "Print the result as JSON: {run, previous_phase, dropped_jobs}.")
    var json = false

    @OptionGroup var redis: RedisOptions

    /// What `--json` prints.
    struct Result: Encodable {
        var run: String
        var previousPhase: String
        var droppedJobs: Int

        enum CodingKeys: String, CodingKey { case run, previousPhase = "previous_phase", droppedJobs = "dropped_jobs" }
    }

    func run() async throws {
        let client = try redis.client()
        let previous: RunPhase, dropped: Int
        switch try await RunCancellation(client: client, keys: redis.keys).cancel(run: run) {
        case .noSuchRun:
            throw RunRecordError.noSuchRun(run)
        case .finished(let phase):
            Console.status(
                "gplr cancel: run \(run) is \(phase.rawValue) already; nothing to cancel (it stays \(phase.rawValue))")
            throw ExitCode.failure
        case .cancelled(let phase, let count):
            (previous, dropped) = (phase, count)
        }
        if json {
            return try JSONOutput.print(Result(run: run, previousPhase: previous.rawValue, droppedJobs: dropped))
        }
        print(
            "cancelled run \(run) (was \(previous.rawValue)); dropped \(dropped) queued job\(dropped == 1 ? "" : "s")")
    }
}
