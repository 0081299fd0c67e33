import ArgumentParser
import Foundation
import GPLRRuntime

/// `gplr queue pause|resume KIND`: stops and restarts the taking of one job kind's jobs.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Pause or resume a job kind's queue (for every run).",
        discussion: """
            A paused kind's jobs stay queued: workers take none of them (nor retry its failed jobs) until it is \
            resumed; jobs already running finish. Runs keep enqueueing, and a coordinator waiting on the kind says \
            so (the time paused does not count against --timeout). `gplr status` and the dashboard show paused \
            queues.
            """,
        subcommands: [QueuePauseCommand.self, QueueResumeCommand.self])

    /// What `--json` prints.
    struct Result: Codable, Equatable {
        var kind: String
        var paused: Bool
        /// Whether the command changed anything (false: it was paused, or running, already).
        var changed: Bool
    }

    /// A kind of ``JobRegistry``, or a `ValidationError` naming them.
    static func kind(_ name: String) throws -> JobKind {
        guard let kind = JobRegistry.kinds.first(where: { $0.rawValue == name }) else {
            throw ValidationError(
                "no job kind '\(name)'; kinds: \(JobRegistry.kinds.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    static func report(_ result: Result, json: Bool) throws {
        if json { return try JSONOutput.print(result) }
        let state = result.paused ? "paused" : "resumed"
        print("queue \(result.kind) \(result.changed ? state : "was \(state) already")")
    }
}

/// `gplr queue pause KIND`.
struct QueuePauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a job kind: workers take none of its jobs until it is resumed.")

    @Argument(help: "The job kind (label, affinity, persona-propose, ...).")
    var kind: String

    @Flag(help: "Print the result as JSON: {kind, paused, changed}.")
    var json = false

    @OptionGroup var redis: RedisOptions

    func validate() throws { _ = try QueueCommand.kind(kind) }

    func run() async throws {
        let queue = JobQueue(client: try redis.client(), keys: redis.keys)
        let changed = try await queue.pause(kind: try QueueCommand.kind(kind))
        try QueueCommand.report(.init(kind: kind, paused: true, changed: changed), json: json)
    }
}

/// `gplr queue resume KIND`.
struct QueueResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused job kind: workers take its jobs again.")

    @Argument(help: "The job kind.")
    var kind: String

    @Flag(help: "Print the result as JSON: {kind, paused, changed}.")
    var json = false

    @OptionGroup var redis: RedisOptions

    func validate() throws { _ = try QueueCommand.kind(kind) }

    func run() async throws {
        let queue = JobQueue(client: try redis.client(), keys: redis.keys)
        let changed = try await queue.resume(kind: try QueueCommand.kind(kind))
        try QueueCommand.report(.init(kind: kind, paused: false, changed: changed), json: json)
    }
}
