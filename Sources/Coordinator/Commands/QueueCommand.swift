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

/// What `gplr queue pause` and `resume` take: the kind, `--json` and the Redis to reach.
struct QueueKindOptions: ParsableArguments {
    @Argument(help: "The job kind (label, affinity, persona-propose, ...).")
    var kind: String

    @Flag(help: "Print the result as JSON: {kind, paused, changed}.")
    var json = false

    @OptionGroup var redis: RedisOptions

    func validate() throws { _ = try QueueCommand.kind(kind) }

    /// Pauses (`true`) or resumes the kind and reports whether that changed anything.
    func set(paused: Bool) async throws {
        let queue = JobQueue(client: try redis.client(), keys: redis.keys)
        let kind = try QueueCommand.kind(self.kind)
        let changed = paused ? try await queue.pause(kind: kind) : try await queue.resume(kind: kind)
        try QueueCommand.report(.init(kind: self.kind, paused: paused, changed: changed), json: json)
    }
}

/// `gplr queue pause KIND`.
struct QueuePauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a job kind: workers take none of its jobs until it is resumed.")

    @OptionGroup var options: QueueKindOptions

    func run() async throws { try await options.set(paused: true) }
}

/// `gplr queue resume KIND`.
struct QueueResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused job kind: workers take its jobs again.")

    @OptionGroup var options: QueueKindOptions

    func run() async throws { try await options.set(paused: false) }
}
