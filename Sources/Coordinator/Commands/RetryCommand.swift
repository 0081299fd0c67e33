import ArgumentParser
import Foundation
import Shared

/// `gplr retry`: puts dead-lettered jobs of a run back on their queues.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put dead-lettered jobs of a run back: one job, all shards of a persona, or all of them.",
        discussion: """
            A coordinator waiting for the run picks the results up as soon as the jobs succeed. Each job put back \
            gets a fresh set of delivery attempts.
            """)

    @Argument(help: "The run id.")
    var run: String

    @Option(help: "Retry the dead-lettered affinity jobs whose persona shard contains this persona.")
    var persona: String?

    @Option(help: "Retry this job (repeatable).")
    var job: [String] = []

    @Flag(help: "Retry every dead-lettered job of the run.")
    var failed = false

    @OptionGroup var redis: RedisOptions

    func validate() throws {
        let chosen = (persona != nil ? 1 : 0) + (job.isEmpty ? 0 : 1) + (failed ? 1 : 0)
        guard chosen == 1 else { throw ValidationError("choose exactly one of --persona NAME, --job ID, --failed") }
    }

    func run() async throws {
        let client = try redis.client()
        let queue = JobQueue(client: client, keys: redis.keys)
        let letters = try await queue.deadLetters(run: run)
        let chosen: [DeadLetter]
        if failed {
            chosen = letters
        } else if let persona {
            let record = try await RunRecordStore(client: client, keys: redis.keys).require(run: run)
            guard let index = try PersonaSet(record.personas).index(ofName: persona) else {
                throw DistributedRunError(.invalidInput, "has no persona called '\(persona)'", run: run)
            }
            chosen = letters.filter { letter in
                guard letter.kind == .affinity, let envelope = letter.envelope,
                      let job = try? JSONDecoder().decode(AffinityJob.self, from: envelope.payload)
                else { return false }
                return job.personas.contains(index)
            }
        } else {
            let known = Set(letters.map(\.jobID))
            for id in job where !known.contains(id) { Console.status("job \(id) is not dead-lettered; skipped") }
            chosen = letters.filter { job.contains($0.jobID) }
        }
        for letter in chosen { Console.status("retrying \(letter.jobID) (last error: \(letter.error))") }
        let count = chosen.isEmpty ? 0 : try await queue.retry(run: run, jobIDs: chosen.map(\.jobID))
        print("put back \(count) job\(count == 1 ? "" : "s") of run \(run)")
    }
}
