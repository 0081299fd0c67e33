import GPLRCore
import GPLRRuntime

extension DashboardPayload {
    /// `GET /api/runs/{id}/history`: the run's samples (``RunSample``, oldest first) and its finished iterations.
    struct History: Codable, Sendable {
        var generatedAt: Int64
        var run: String
        /// How often `gplr serve` samples a running run.
        var intervalSeconds: Double
        /// Samples kept per run (the oldest go first).
        var capacity: Int
        var samples: [RunSample]
        /// Finished iterations with their step times: the report's once done, else the last checkpoint's.
        var iterations: [Iteration]
        /// Where the run's users stand once it is done (`nil` before: unreachable users are known after assignment).
        var coverage: Coverage?
        /// The finished run's top-affinity histogram and persona co-occurrence (`nil` before it is done, and for
        /// runs finished before summaries were kept).
        var summary: AssignmentSummary?

        enum CodingKeys: String, CodingKey {
            case generatedAt = "generated_at", run, intervalSeconds = "interval_seconds", capacity, samples, iterations
            case coverage, summary
        }

        /// The run's users split three ways: labeled (the prototypes, answered by the labeler), reached (the other
        /// users with a reachable prototype: Φ comes from Ψ) and unreachable (no prototype reachable: no persona).
        struct Coverage: Codable, Sendable, Equatable {
            var users: Int
            var labeled: Int
            var reached: Int
            var unreachable: Int
        }

        /// One finished iteration: seconds in each step (`null` for records written before steps were timed).
        struct Iteration: Codable, Sendable, Equatable {
            var iteration: Int
            var sampled: Int
            var labeled: Int
            var seconds: Double
            var samplingSeconds: Double?
            var labelingSeconds: Double?
            var affinitySeconds: Double?

            enum CodingKeys: String, CodingKey {
                case iteration, sampled, labeled, seconds, samplingSeconds = "sampling_seconds",
                    labelingSeconds = "labeling_seconds", affinitySeconds = "affinity_seconds"
            }
        }
    }

    /// `POST /api/runs/{id}/cancel`'s answer (as `gplr cancel --json`).
    struct CancelResult: Codable, Sendable {
        var run: String
        var previousPhase: String
        var droppedJobs: Int

        enum CodingKeys: String, CodingKey { case run, previousPhase = "previous_phase", droppedJobs = "dropped_jobs" }
    }

    /// `POST /api/runs/{id}/discard`'s body: the dead letters to give up.
    struct DiscardRequest: Codable, Sendable {
        var jobs: [String]
    }

    /// `POST /api/runs/{id}/discard`'s answer.
    struct DiscardResult: Codable, Sendable {
        var run: String
        /// The ids discarded (dead letters among those asked for).
        var discarded: [String]
        /// Asked-for ids that were not dead letters (nothing changed for them).
        var notDeadLettered: [String]

        enum CodingKeys: String, CodingKey { case run, discarded, notDeadLettered = "not_dead_lettered" }
    }

    /// `POST /api/runs/prune`'s body: only runs finished at least this long ago (default 0: every finished run).
    struct PruneRequest: Codable, Sendable {
        var olderThanSeconds: Double?

        enum CodingKeys: String, CodingKey { case olderThanSeconds = "older_than_seconds" }
    }

    /// `POST /api/runs/prune`'s answer (as `gplr runs --prune --json`).
    typealias PruneResult = FinishedRunPruner.Report
}
