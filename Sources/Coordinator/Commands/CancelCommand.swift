import ArgumentParser
import Foundation
import Shared

/// `gplr cancel`: stops a run.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a run: its coordinator stops, its queued jobs are dropped.",
        discussion: """
            Marks the run cancelled; a coordinator running it notices within a second and stops. Jobs of the run \
            not yet taken by a worker are removed from the queues; jobs already running finish (their results \
            are kept). `gplr run --resume RUN` continues a cancelled run later. An unknown run is an error (exit \
            status 1).
            """)

    @Argument(help: "The run id.")
    var run: String

    @OptionGroup var redis: RedisOptions

    func run() async throws {
        let client = try redis.client()
        let store = RunRecordStore(client: client, keys: redis.keys)
        guard let previous = try await store.cancel(run: run) else {
            throw RunRecordError.noSuchRun(run)
        }
        let dropped = try await QueuePurge(queue: JobQueue(client: client, keys: redis.keys)).purge(run: run)
        print("cancelled run \(run) (was \(previous.rawValue)); dropped \(dropped) queued job\(dropped == 1 ? "" : "s")")
    }
}
