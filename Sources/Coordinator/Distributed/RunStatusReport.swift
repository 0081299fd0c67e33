import GPLRRuntime

/// What `gplr status` shows (and prints with `--json`): runs with their job counts per kind, and the workers.
/// JSON keys are snake_case (the `CodingKeys`), as in every JSON gplr prints (docs/protocol.md §12).
struct RunStatusReport: Codable, Sendable {
    /// Job counts of one kind in one run.
    struct KindCounts: Codable, Sendable, Equatable {
        var enqueued = 0
        /// Waiting for a worker.
        var queued = 0
        /// Taken by a worker and not acknowledged (including jobs waiting for redelivery after a failure).
        var running = 0
        var done = 0
        /// Jobs whose last attempt failed and that will be tried again (a recorded error, no result yet).
        var failing = 0
        var deadLettered = 0

        enum CodingKeys: String, CodingKey {
            case enqueued, queued, running, done, failing, deadLettered = "dead_lettered"
        }
    }

    /// What the labeler spent (the labels-file labeler spends nothing; an LLM labeler fills these in).
    struct Spend: Codable, Sendable, Equatable {
        var promptTokens = 0
        var completionTokens = 0
        var costUSD = 0.0

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", costUSD = "cost_usd"
        }
    }

    struct Run: Codable, Sendable {
        var id: String
        /// `nil` when the run enqueued jobs but has no record (not made by `gplr run --redis`).
        var phase: String?
        var iteration: Int?
        var completedIterations: Int?
        var iterations: Int?
        var step: String?
        var createdAt: Int64?
        var updatedAt: Int64?
        var error: String?
        var jobs: [String: KindCounts]
        /// Failed attempts, dead letters put back, duplicate results (all kinds).
        var failures: Int
        var retried: Int
        var duplicateResults: Int
        /// Jobs finished per second (over the `--watch` window, or since the coordinator started).
        var jobsPerSecond: Double?
        /// Seconds until the current step's jobs are done (`--watch`), or until the run is done (by iterations).
        var etaSeconds: Double?
        /// The labeler's counters, names in snake_case (`llm_prompt_tokens`).
        var labelerCounters: [String: Int]
        var spend: Spend
        /// The token of the coordinator holding the run's lease (`<host>:<pid>:<random>`), `nil` when none does.
        var coordinator: String?
        /// A `running` run whose coordinator holds no lease: it died (or lost Redis) and the run waits for
        /// `gplr run --redis URL --resume <id>`.
        var coordinatorLost = false
        /// The run's LLM outcomes as the workers counted them, live (`nil`: none counted, e.g. no LLM).
        var llmOutcomes: RunLLMOutcomes?

        enum CodingKeys: String, CodingKey {
            case id, phase, iteration, completedIterations = "completed_iterations", iterations, step
            case createdAt = "created_at", updatedAt = "updated_at", error, jobs, failures, retried
            case duplicateResults = "duplicate_results", jobsPerSecond = "jobs_per_second", etaSeconds = "eta_seconds"
            case labelerCounters = "labeler_counters", spend, coordinator, coordinatorLost = "coordinator_lost"
            case llmOutcomes = "llm_outcomes"
        }
    }

    struct Worker: Codable, Sendable {
        var id: String
        var host: String?
        var pid: Int?
        var kinds: [String]
        var concurrency: Int?
        var heartbeatAgeSeconds: Double?
        var currentJobs: [String]
        var done: Int?
        var failed: Int?

        enum CodingKeys: String, CodingKey {
            case id, host, pid, kinds, concurrency, heartbeatAgeSeconds = "heartbeat_age_seconds"
            case currentJobs = "current_jobs", done, failed
        }
    }

    /// A paused job kind (`gplr queue pause`): workers take none of its jobs.
    struct PausedQueue: Codable, Sendable, Equatable {
        var kind: String
        /// Milliseconds since 1970.
        var since: Int64
    }

    /// Milliseconds since 1970.
    var generatedAt: Int64
    var runs: [Run]
    var workers: [Worker]
    /// Paused job kinds, by name.
    var pausedQueues: [PausedQueue] = []

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at", runs, workers, pausedQueues = "paused_queues"
    }
}
