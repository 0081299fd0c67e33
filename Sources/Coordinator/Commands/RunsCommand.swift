import ArgumentParser
import Foundation
import GPLRRuntime

/// `gplr runs`: the runs known to a Redis.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the distributed runs with their phase, iteration and creation time.",
        discussion: """
            --prune deletes every key of the finished runs (done, failed or cancelled; with --older-than only those \
            that ended longer ago) from Redis: record, results, errors, dead letters. Running and queued runs are \
            never touched. Their results stay in each run's output directory.
            """)

    @Flag(help: "Print JSON: the runs, or with --prune {runs: [{id, phase, keys}], keys}.")
    var json = false

    @Flag(help: "Delete the data of finished runs (done, failed, cancelled) from Redis.")
    var prune = false

    @Option(
        help: ArgumentHelp(
            "With --prune: only runs that ended at least this long ago (30m, 12h, 3d, 2w).", valueName: "duration"))
    var olderThan: DurationArgument?

    func validate() throws {
        if olderThan != nil && !prune { throw ValidationError("--older-than needs --prune") }
    }

    @OptionGroup var redis: RedisOptions

    struct Row: Codable {
        var id: String
        var phase: String?
        var iteration: Int?
        var completedIterations: Int?
        var iterations: Int?
        var createdAt: Int64?
        var updatedAt: Int64?

        enum CodingKeys: String, CodingKey {
            case id, phase, iteration, completedIterations = "completed_iterations", iterations
            case createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    func run() async throws {
        if prune { return try await pruneRuns() }
        let store = RunRecordStore(client: try redis.client(), keys: redis.keys)
        var rows: [Row] = []
        for id in try await store.runIDs() {
            let record = try? await store.load(run: id)
            rows.append(
                Row(
                    id: id, phase: record?.phase.rawValue, iteration: record?.iteration,
                    completedIterations: record?.completedIterations, iterations: record?.parameters.iterations,
                    createdAt: record?.createdAt, updatedAt: record?.updatedAt))
        }
        rows.sort { ($0.createdAt ?? 0, $0.id) < ($1.createdAt ?? 0, $1.id) }
        if json {
            return try JSONOutput.print(rows)
        }
        if rows.isEmpty { print("no runs") }
        for row in rows {
            let iteration = row.iterations.map { "iteration \(row.iteration ?? 0)/\($0)" } ?? ""
            let created = row.createdAt.map { "created \(RunStatusReport.date($0))" } ?? "no record"
            print([row.id, row.phase ?? "-", iteration, created].filter { !$0.isEmpty }.joined(separator: "  "))
        }
    }
}
