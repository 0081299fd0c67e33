import Foundation
import GPLRCore
import GPLRRuntime

/// The JSON bodies of the dashboard's API (docs/protocol.md §12), keys in snake_case. Runs and workers reuse the
/// types of `gplr status --json`, so both tell the same story in the same words.
enum DashboardPayload {
    /// `GET /api/runs`.
    struct Runs: Codable, Sendable {
        /// Milliseconds since 1970.
        var generatedAt: Int64
        var runs: [RunStatusReport.Run]

        enum CodingKeys: String, CodingKey { case generatedAt = "generated_at", runs }
    }

    /// `GET /api/runs/{id}`: the run as in the list, and what only the detail shows.
    struct RunDetail: Codable, Sendable {
        var generatedAt: Int64
        var run: RunStatusReport.Run
        /// Dead-lettered jobs (waiting for a retry), the first ``DashboardAPI/listLimit`` by job id.
        var deadLettered: JobList
        /// Jobs whose last attempt failed and that will be tried again.
        var failing: JobList
        /// Φ's persona counts when the run is done, else the prototypes' labels so far; `nil` before any.
        var personas: PersonaDistribution?

        enum CodingKeys: String, CodingKey {
            case generatedAt = "generated_at", run, deadLettered = "dead_lettered", failing, personas
        }
    }

    /// A capped list of jobs with the full count.
    struct JobList: Codable, Sendable {
        var total: Int
        var jobs: [FailedJob]
    }

    /// A failed or dead-lettered job and its last error.
    struct FailedJob: Codable, Sendable {
        var id: String
        var kind: String
        /// The last error, as the worker reported it.
        var error: String
        /// Deliveries of the last stream entry (dead letters only).
        var deliveries: Int?
        /// Milliseconds since 1970 (dead letters only).
        var deadLetteredAt: Int64?

        enum CodingKeys: String, CodingKey {
            case id, kind, error, deliveries, deadLetteredAt = "dead_lettered_at"
        }
    }

    /// How the personas are spread: one entry per persona of the run, largest first.
    struct PersonaDistribution: Codable, Sendable {
        /// `assigned`: users Φ gives each persona (final); `prototypes`: prototypes whose LLM labels include each
        /// persona so far (from the last checkpoint).
        var source: String
        /// What the values are, for a person: e.g. "users per persona in Φ (final)".
        var label: String
        /// Iterations behind the numbers.
        var completedIterations: Int
        /// The users the shares are of: every user of the run (`assigned`, as `gplr run` prints the share) or
        /// the prototypes so far (`prototypes`). A user may have several personas, so shares can sum past 100 %.
        var users: Int
        var entries: [Entry]

        enum CodingKeys: String, CodingKey {
            case source, label, completedIterations = "completed_iterations", users, entries
        }

        struct Entry: Codable, Sendable {
            var name: String
            /// Users (a whole number; a `Double` so that other measures can follow).
            var value: Double
        }
    }

    /// `GET /api/queues`: one entry per job kind.
    struct Queues: Codable, Sendable {
        var generatedAt: Int64
        var group: String
        var kinds: [Stream]

        enum CodingKeys: String, CodingKey { case generatedAt = "generated_at", group, kinds }

        struct Stream: Codable, Sendable {
            var kind: String
            /// Entries in the stream (waiting + delivered and not acknowledged).
            var length: Int
            /// Delivered to a worker and not acknowledged.
            var pending: Int
            /// Not yet delivered (`nil` when Redis cannot tell).
            var lag: Int?
            var consumers: Int
            /// Paused (`gplr queue pause`): workers take none of its jobs.
            var paused = false
            /// When it was paused (milliseconds since 1970).
            var pausedSince: Int64?

            enum CodingKeys: String, CodingKey {
                case kind, length, pending, lag, consumers, paused, pausedSince = "paused_since"
            }
        }

        /// `POST /api/queues/{kind}/pause` and `/resume`'s answer.
        struct PauseResult: Codable, Sendable {
            var kind: String
            var paused: Bool
            /// False when the queue was in that state already.
            var changed: Bool
        }
    }

    /// `GET /api/workers`.
    struct Workers: Codable, Sendable {
        var generatedAt: Int64
        /// A heartbeat older than this means the worker is gone (it beats every 2 s).
        var staleAfterSeconds: Double
        var workers: [RunStatusReport.Worker]

        enum CodingKeys: String, CodingKey {
            case generatedAt = "generated_at", staleAfterSeconds = "stale_after_seconds", workers
        }
    }

    /// `POST /api/runs/{id}/retry`'s body: at most one of `jobs` and `persona`; neither retries every dead
    /// letter of the run (like `gplr retry --failed`).
    struct RetryRequest: Codable, Sendable {
        var jobs: [String]?
        var persona: String?
    }

    /// `POST /api/runs/{id}/retry`'s answer.
    struct RetryResult: Codable, Sendable {
        var run: String
        /// Jobs put back on their queues.
        var retried: Int
        /// The chosen dead letters' ids.
        var jobs: [String]
        /// Asked-for ids that were not dead-lettered.
        var notDeadLettered: [String]

        enum CodingKeys: String, CodingKey { case run, retried, jobs, notDeadLettered = "not_dead_lettered" }
    }

    /// `GET /healthz`.
    struct Health: Codable, Sendable {
        var redis: String
    }
}

extension DashboardPayload.FailedJob {
    /// A dead letter as the run's detail and its dead-letter pages list it.
    init(_ letter: DeadLetter) {
        self.init(
            id: letter.jobID, kind: letter.kind.rawValue, error: letter.error, deliveries: letter.deliveries,
            deadLetteredAt: letter.deadLetteredAt)
    }
}
