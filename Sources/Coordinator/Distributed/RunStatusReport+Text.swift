import Foundation

extension RunStatusReport {
    /// The human-readable form of the report, one line per element.
    func lines() -> [String] {
        var out: [String] = []
        for paused in pausedQueues {
            out.append(
                "queue \(paused.kind) paused since \(Self.date(paused.since)): workers take none of its jobs; "
                    + "`gplr queue resume \(paused.kind)`")
        }
        if runs.isEmpty { out.append("no runs") }
        for run in runs {
            var head = "run \(run.id)  \(run.phase ?? "no record")"
            if let iteration = run.iteration, let of = run.iterations {
                head += "  iteration \(iteration)/\(of) (\(run.completedIterations ?? 0) done)"
            }
            if let step = run.step { head += "  step \(step)" }
            if let created = run.createdAt { head += "  created \(Self.date(created))" }
            if let updated = run.updatedAt { head += "  updated \(Self.age(generatedAt - updated)) ago" }
            out.append(head)
            if let error = run.error { out.append("  error: \(error)") }
            if run.coordinatorLost {
                out.append(
                    "  coordinator lost: nobody drives this run; continue it with "
                        + "`gplr run --redis URL --resume \(run.id)`")
            } else if let coordinator = run.coordinator {
                out.append("  coordinator \(coordinator)")
            }
            out.append("  kind              queued  running     done  failing     dead")
            for (kind, counts) in run.jobs.sorted(by: { $0.key < $1.key }) {
                let cells = [counts.queued, counts.running, counts.done, counts.failing, counts.deadLettered]
                    .map { Self.pad(Console.count($0), 8) }.joined(separator: " ")
                out.append("  " + kind.padding(toLength: 15, withPad: " ", startingAt: 0) + cells)
            }
            var totals =
                "  failed attempts \(run.failures), retried \(run.retried), duplicate results \(run.duplicateResults)"
            if let rate = run.jobsPerSecond { totals += String(format: "; %.2f jobs/s", rate) }
            if let eta = run.etaSeconds { totals += "; eta \(Self.age(Int64(eta * 1000)))" }
            out.append(totals)
            let counters = run.labelerCounters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            out.append(
                "  labeler: " + (counters.isEmpty ? "no counters" : counters.joined(separator: ", "))
                    + "; tokens \(run.spend.promptTokens) prompt + \(run.spend.completionTokens) completion, "
                    + String(format: "cost $%.2f", run.spend.costUSD))
        }
        out.append("workers: \(workers.count)")
        for worker in workers {
            var line = "  \(worker.id)"
            if let host = worker.host { line += "  \(host)" }
            if let pid = worker.pid { line += " pid \(pid)" }
            if !worker.kinds.isEmpty { line += "  \(worker.kinds.joined(separator: ","))" }
            if let concurrency = worker.concurrency { line += " ×\(concurrency)" }
            line += "  heartbeat " + (worker.heartbeatAgeSeconds.map { Self.age(Int64($0 * 1000)) + " ago" } ?? "?")
            line += "  done \(worker.done ?? 0) failed \(worker.failed ?? 0)"
            line += worker.currentJobs.isEmpty ? "  idle" : "  running \(worker.currentJobs.joined(separator: " "))"
            out.append(line)
        }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// "1.2 s", "3 min 5 s", "2 h 10 min".
    static func age(_ milliseconds: Int64) -> String {
        let seconds = Double(max(0, milliseconds)) / 1000
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds)
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \((whole % 3600) / 60) min"
    }

    /// ISO-8601, UTC, seconds.
    static func date(_ milliseconds: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
