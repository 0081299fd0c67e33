import Foundation

extension DashboardPayload {
    /// `GET /api/runs/{id}/jobs/{job}`: what Redis holds about one job.
    struct JobDetail: Codable, Sendable {
        var run: String
        var id: String
        /// The kind, from the dead letter or the job id (`other` when neither tells).
        var kind: String
        /// `done` (has a result), `dead_lettered`, `failing` (last attempt failed, will be retried) or `pending`
        /// (enqueued: waiting or running).
        var state: String
        /// In the run's job set.
        var enqueued: Bool
        var resultBytes: Int?
        /// The last error (a dead letter's, or the last failed attempt's).
        var error: String?
        /// `retry` generations: 0 when first enqueued (dead letters only: their envelope is kept).
        var attempt: Int?
        /// Deliveries of the last stream entry (dead letters only).
        var deliveries: Int?
        /// Milliseconds since 1970 (dead letters only).
        var deadLetteredAt: Int64?
        /// The payload of a dead letter, summed up: its size and each top-level field (arrays by their length).
        var payload: PayloadSummary?
        /// The newest deliveries to workers, oldest first (``JobQueue/attemptsKept`` at most).
        var attempts: [Attempt] = []

        enum CodingKeys: String, CodingKey {
            case run, id, kind, state, enqueued, resultBytes = "result_bytes", error, attempt, deliveries,
                deadLetteredAt = "dead_lettered_at", payload, attempts
        }

        /// One delivery of the job (``JobAttempt``).
        struct Attempt: Codable, Sendable, Equatable {
            var worker: String
            var delivery: Int
            /// Milliseconds since 1970.
            var startedAt: Int64
            /// `nil` while running, or when its worker went away.
            var endedAt: Int64?
            /// `running`, `done`, `duplicate`, `failed`, `dead_lettered` or `lease_expired`.
            var outcome: String

            enum CodingKeys: String, CodingKey {
                case worker, delivery, startedAt = "started_at", endedAt = "ended_at", outcome
            }
        }
    }

    /// A job payload summed up for a person: no user lists, no persona texts in full.
    struct PayloadSummary: Codable, Sendable, Equatable {
        var bytes: Int
        /// Field name → short text (`"12 items"`, `"{3 fields}"`, a number, a string cut at 80 characters).
        var fields: [String: String]

        init(_ payload: Data) {
            bytes = payload.count
            fields = [:]
            guard let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else { return }
            for (key, value) in object { fields[key] = Self.shown(value) }
        }

        static func shown(_ value: Any) -> String {
            switch value {
            case let array as [Any]: return "\(array.count) item\(array.count == 1 ? "" : "s")"
            case let object as [String: Any]: return "{\(object.count) field\(object.count == 1 ? "" : "s")}"
            case let text as String: return text.count > 80 ? String(text.prefix(80)) + "…" : text
            case let number as NSNumber: return number.stringValue
            default: return "null"
            }
        }
    }

    /// `GET /api/runs/{id}/dead-letters?offset=N&limit=M`: one page of the run's dead letters, by job id.
    typealias DeadLetterPage = Page<FailedJob>
}

extension DashboardPayload {
    /// `GET /api/runs/{id}/jobs?state&kind&iteration&q&offset&limit`: one page of a run's jobs that pass the
    /// filter, by job id.
    typealias JobPage = Page<JobRow>

    /// One page of a run's jobs (``JobPage``, ``DeadLetterPage``).
    struct Page<Job: Codable & Sendable>: Codable, Sendable {
        var run: String
        /// The jobs on every page (those that pass the filter).
        var total: Int
        var offset: Int
        var limit: Int
        var jobs: [Job]

        /// The page of `all` that starts at `offset` (clamped to the list) and holds at most `limit` jobs
        /// (clamped to `1...maxLimit`).
        init(run: String, all: [Job], offset: Int, limit: Int, maxLimit: Int) {
            self.run = run
            total = all.count
            self.offset = min(max(0, offset), all.count)
            self.limit = min(max(1, limit), maxLimit)
            jobs = Array(all[self.offset..<min(all.count, self.offset + self.limit)])
        }
    }

    /// One job in a ``JobPage``.
    struct JobRow: Codable, Sendable, Equatable {
        var id: String
        var kind: String
        /// From the job id's step; `nil` for jobs of no iteration (persona generation).
        var iteration: Int?
        /// `queued`, `running`, `failing`, `done` or `dead`.
        var state: String
        /// The worker holding it (running and failing jobs).
        var worker: String?
        /// The last error (failing and dead jobs), cut at 300 characters.
        var error: String?
    }
}
