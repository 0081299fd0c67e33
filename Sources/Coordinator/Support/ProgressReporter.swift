import Foundation
import GPLRCore
import GPLRSupport
import Synchronization

/// Shows the progress of one long step on standard error (see ``ProgressBar`` for what is shown in each
/// ``ProgressMode``), through a ``StatusLine`` so status messages printed meanwhile stay readable.
///
/// Feed it from any thread or task: updates are serialised by a lock, cost a clock read when nothing is due, and
/// write only when the throttle allows. Call ``finish(detail:)`` once the step is over (also when it fails, so
/// the terminal line is ended before an error is printed); later updates are ignored.
final class ProgressReporter: Sendable {
    private let bar: Mutex<ProgressBar>
    private let line: StatusLine
    private let measuresTerminal: Bool

    /// - Parameters:
    ///   - label: names the step, e.g. "generate" or "iteration 2 · label jobs".
    ///   - total: the amount of work, `nil` if unknown.
    ///   - initial: done already (not counted in the rate).
    ///   - mode: ``ProgressMode/current`` unless forced.
    init(
        _ label: String, total: Int?, unit: ProgressUnit = .items(""), initial: Int = 0,
        mode: ProgressMode = .current, line: StatusLine = .standardError
    ) {
        var state = ProgressBar(
            label: label, total: total, unit: unit, mode: mode, start: ContinuousClock.now, initial: initial)
        measuresTerminal = mode == .bar && line === StatusLine.standardError
        if measuresTerminal { state.columns = Self.terminalColumns() }
        bar = Mutex(state)
        self.line = line
    }

    /// Records that `done` are done (a total so far, not an increment).
    /// - Parameters:
    ///   - total: the amount of work, when it became known (or changed) since the start.
    ///   - detail: replaces the text after the counts.
    func update(_ done: Int, of total: Int? = nil, detail: String? = nil) {
        let now = ContinuousClock.now
        bar.withLock { bar in
            if let total { bar.total = total }
            if let detail { bar.detail = detail }
            if measuresTerminal { bar.columns = Self.terminalColumns() }
            if let output = bar.update(done, at: now) { line.perform(output) }
        }
    }

    /// Records `count` more done.
    func advance(by count: Int = 1) {
        let now = ContinuousClock.now
        bar.withLock { bar in
            if let output = bar.update(bar.done + count, at: now) { line.perform(output) }
        }
    }

    /// Writes the final line (once).
    func finish(detail: String? = nil) {
        let now = ContinuousClock.now
        bar.withLock { bar in
            if let detail { bar.detail = detail }
            if let output = bar.finish(at: now) { line.perform(output) }
        }
    }

    /// The width of the terminal on standard error (`COLUMNS` if that cannot be asked, else 80).
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 80
    }
}

extension ProgressReporter {
    /// An ``IngestOptions/progress`` callback feeding this reporter: bytes read of the files' total, rows read as
    /// the detail.
    var ingestCallback: @Sendable (IngestProgress) -> Void {
        { [self] progress in
            update(progress.bytesRead, of: progress.bytesTotal, detail: "\(Console.count(progress.rowsRead)) rows")
        }
    }
}
