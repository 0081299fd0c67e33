import ArgumentParser
import Foundation
import GPLRRuntime

/// `gplr status`: progress of distributed runs and the workers serving them.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show runs (phase, iteration, jobs per kind, throughput, ETA) and workers.",
        discussion: """
            Jobs per kind: queued (waiting for a worker), running (taken, not acknowledged), done, failing \
            (last attempt failed, will be retried), dead (dead-lettered: fix the cause, then `gplr retry`). \
            --watch refreshes every second until Ctrl-C; throughput and ETA then come from the counts over time. \
            An unknown RUN is an error (exit status 1).
            """)

    @Argument(help: "A run id (default: every run).")
    var run: String?

    @Flag(help: "Refresh every second until interrupted.")
    var watch = false

    @Flag(help: "Print JSON (one object per refresh with --watch).")
    var json = false

    @OptionGroup var redis: RedisOptions

    func run() async throws {
        let client = try redis.client()
        if let run { try await RunRecordStore(client: client, keys: redis.keys).requireExists(run: run) }
        let collector = RunStatusCollector(client: client, keys: redis.keys)
        var meter = ThroughputMeter()
        let terminal = isatty(STDOUT_FILENO) == 1
        repeat {
            var report = try await collector.collect(runIDs: run.map { [$0] })
            if watch { meter.apply(to: &report) }
            var text = ""
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = watch ? [.sortedKeys] : [.sortedKeys, .prettyPrinted]
                text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
            } else {
                if watch && terminal { text += "\u{1B}[H\u{1B}[2J" }
                if watch && !terminal { text += "--- \(RunStatusReport.date(report.generatedAt))\n" }
                for line in report.lines() { text += line + "\n" }
            }
            // Unbuffered, so every refresh shows at once even through a pipe.
            StandardStreams.writeOutput(text)
            if watch { try await Task.sleep(for: .seconds(1)) }
        } while watch
    }
}

/// Jobs done per second over the last refreshes of `gplr status --watch`, and the ETA of each run's current
/// step from it.
struct ThroughputMeter {
    private var samples: [String: [(time: Int64, done: Int)]] = [:]
    /// Refreshes kept: the rate is measured over about this many seconds.
    var window = 10
    /// Samples older than this many milliseconds are dropped too (`nil`: by count only). The dashboard sets it,
    /// since its refreshes come from however many pages are open.
    var maxAge: Int64?
    /// No rate until the samples span at least this many milliseconds (requests a moment apart say nothing).
    var minimumSpan: Int64 = 0

    mutating func apply(to report: inout RunStatusReport) {
        for index in report.runs.indices {
            let run = report.runs[index]
            let done = run.jobs.values.reduce(0) { $0 + $1.done }
            var history = samples[run.id, default: []]
            history.append((report.generatedAt, done))
            if history.count > window { history.removeFirst(history.count - window) }
            if let maxAge { history.removeAll { report.generatedAt - $0.time > maxAge } }
            samples[run.id] = history
            guard let first = history.first, history.count > 1, report.generatedAt > first.time,
                report.generatedAt - first.time >= minimumSpan
            else {
                report.runs[index].jobsPerSecond = nil
                report.runs[index].etaSeconds = nil
                continue
            }
            let rate = Double(done - first.done) / (Double(report.generatedAt - first.time) / 1000)
            report.runs[index].jobsPerSecond = rate
            let remaining = run.jobs.values.reduce(0) { $0 + $1.queued + $1.running + $1.failing }
            report.runs[index].etaSeconds = rate > 0 ? Double(remaining) / rate : nil
        }
    }
}
