import ArgumentParser
import Foundation
import GPLRRuntime

/// `gplr retry`: puts dead-lettered jobs of a run back on their queues.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put dead-lettered jobs of a run back: one job, all shards of a persona, or all of them.",
        discussion: """
            A coordinator waiting for the run picks the results up as soon as the jobs succeed. Each job put back \
            gets a fresh set of delivery attempts. An unknown run is an error (exit status 1).
            """)

    @Argument(help: "The run id.")
    var run: String

    @Option(help: "Retry the dead-lettered affinity jobs whose persona shard contains this persona.")
    var persona: String?

    @Option(help: "Retry this job (repeatable).")
    var job: [String] = []

    @Flag(help: "Retry every dead-lettered job of the run.")
    var failed = false

    @Flag(help: "Print the result as JSON: {run, retried, jobs, not_dead_lettered} (as the dashboard's retry answers).")
    var json = false

    @OptionGroup var redis: RedisOptions

    func validate() throws {
        let chosen = (persona != nil ? 1 : 0) + (job.isEmpty ? 0 : 1) + (failed ? 1 : 0)
        guard chosen == 1 else { throw ValidationError("choose exactly one of --persona NAME, --job ID, --failed") }
    }

    func run() async throws {
        let selection: DeadLetterRetry.Selection =
            failed ? .all : persona.map { .persona($0) } ?? .jobs(job)
        let client = try redis.client()
        try await RunRecordStore(client: client, keys: redis.keys).requireExists(run: run)
        let outcome = try await DeadLetterRetry(client: client, keys: redis.keys).retry(run: run, selection)
        if json {
            return try JSONOutput.print(
                DashboardPayload.RetryResult(
                    run: run, retried: outcome.retried, jobs: outcome.chosen.map(\.jobID),
                    notDeadLettered: outcome.notDeadLettered))
        }
        for id in outcome.notDeadLettered { Console.status("job \(id) is not dead-lettered; skipped") }
        for letter in outcome.chosen { Console.status("retrying \(letter.jobID) (last error: \(letter.error))") }
        let count = outcome.retried
        print("put back \(count) job\(count == 1 ? "" : "s") of run \(run)")
    }
}
