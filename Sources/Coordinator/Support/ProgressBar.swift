import Foundation
import GPLRSupport

/// What a ``ProgressBar`` wants written to standard error.
enum ProgressOutput: Equatable, Sendable {
    /// Replace the live line (terminal) with this text, without a newline.
    case redraw(String)
    /// A whole line of its own (plain mode).
    case line(String)
    /// The last line: it replaces the live line, if any, and ends with a newline.
    case finish(String)
}

/// The state of one progress display, as a value: given counts and instants, it decides whether anything is due
/// and renders it, so it is tested without a terminal or a clock. ``ProgressReporter`` feeds it and writes.
///
/// In ``ProgressMode/bar`` mode it redraws at most every ``barInterval``: label, a bar, `done/total`, percent,
/// rate, ETA and the detail (without a total: the count, rate, elapsed time and detail), fitted to ``columns``
/// so the line never wraps (a wrapped line cannot be redrawn in place). In ``ProgressMode/plain`` mode it gives
/// a line at most every ``plainInterval``, the first one after that long, so short steps print only their final
/// line. Either way ``finish(at:)`` gives one final line with the count and elapsed time. ``ProgressMode/off``
/// gives nothing.
struct ProgressBar: Sendable {
    static let barInterval: Duration = .milliseconds(100)
    static let plainInterval: Duration = .seconds(5)
    /// Widest bar drawn, and narrowest before it is left out.
    static let barWidth = 24, minimumBarWidth = 8
    /// Rates and ETAs need this much time behind them to mean anything.
    static let minimumRateSeconds = 0.5

    var label: String
    /// `nil` when the amount of work is not known in advance.
    var total: Int?
    let unit: ProgressUnit
    let mode: ProgressMode
    /// Said after the counts, e.g. "1,234,567 rows" while the bar counts bytes.
    var detail: String?
    /// Terminal width for the live line.
    var columns = 80
    /// Done so far.
    private(set) var done: Int
    private(set) var isFinished = false
    private let start: ContinuousClock.Instant
    /// Done already at the start (e.g. jobs finished before a resume): not counted in the rate.
    private let initial: Int
    private var lastOutput: ContinuousClock.Instant?

    init(
        label: String, total: Int?, unit: ProgressUnit = .items(""), mode: ProgressMode,
        start: ContinuousClock.Instant, initial: Int = 0
    ) {
        self.label = label
        self.total = total
        self.unit = unit
        self.mode = mode
        self.start = start
        self.initial = initial
        done = initial
    }

    /// Records that `done` are done at `now`; what to write, or `nil` when nothing is due yet.
    mutating func update(_ done: Int, at now: ContinuousClock.Instant) -> ProgressOutput? {
        guard !isFinished else { return nil }
        self.done = done
        switch mode {
        case .off:
            return nil
        case .bar:
            if let lastOutput, now - lastOutput < Self.barInterval { return nil }
            lastOutput = now
            return .redraw(barLine(at: now))
        case .plain:
            guard now - (lastOutput ?? start) >= Self.plainInterval else { return nil }
            lastOutput = now
            return .line(plainLine(at: now))
        }
    }

    /// The final line (once; `nil` afterwards and in ``ProgressMode/off`` mode).
    mutating func finish(at now: ContinuousClock.Instant) -> ProgressOutput? {
        guard !isFinished else { return nil }
        isFinished = true
        return mode == .off ? nil : .finish(finalLine(at: now))
    }

    // MARK: - Rendering

    /// The live line of the bar mode, at most `columns - 1` characters.
    func barLine(at now: ContinuousClock.Instant) -> String {
        let detailText = detail.map { " · " + $0 } ?? ""
        guard let total else {
            return fitted(
                "\(label) \(unit.amount(done))\(unit.suffix) \(rateText(at: now)) "
                    + Self.clock(elapsed(at: now)) + detailText)
        }
        let core =
            "\(counts(total)) \(Console.percent(fraction(total))) \(rateText(at: now)) "
            + "ETA \(etaText(total, at: now))"
        // The bar keeps its width as long as it can: the detail goes first, then the bar narrows, then goes.
        let limit = max(columns, 20) - 1, frame = label.count + 4
        if frame + Self.barWidth + core.count + detailText.count <= limit {
            return "\(label) [\(bar(Self.barWidth, total))] \(core)\(detailText)"
        }
        let room = limit - frame - core.count
        guard room >= Self.minimumBarWidth else { return fitted("\(label) \(core)") }
        return "\(label) [\(bar(min(Self.barWidth, room), total))] \(core)"
    }

    private func bar(_ width: Int, _ total: Int) -> String {
        let filled = Int(fraction(total) * Double(width))
        return String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    }

    /// A line of the plain mode.
    func plainLine(at now: ContinuousClock.Instant) -> String {
        let detailText = detail.map { " · " + $0 } ?? ""
        guard let total else {
            return "\(label): \(unit.amount(done))\(unit.suffix), \(rateText(at: now)), "
                + "\(Self.clock(elapsed(at: now))) elapsed" + detailText
        }
        return "\(label): \(counts(total)) (\(Console.percent(fraction(total)))), \(rateText(at: now)), "
            + "ETA \(etaText(total, at: now))" + detailText
    }

    /// The final line: what was done (of how many, if not all), in how long, how fast.
    func finalLine(at now: ContinuousClock.Instant) -> String {
        let seconds = elapsed(at: now)
        let amount = total.map { $0 == done ? nil : counts($0) } ?? nil
        var line = "\(label): \(amount ?? unit.amount(done) + unit.suffix) in \(Console.seconds(seconds))"
        if seconds > 0 && done > initial { line += " (\(unit.rate(Double(done - initial) / seconds)))" }
        return line + (detail.map { " · " + $0 } ?? "")
    }

    /// `h:mm:ss`, or `m:ss` under an hour.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(max(0, seconds).rounded())
        let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, whole % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }

    private func counts(_ total: Int) -> String {
        "\(unit.amount(done))/\(unit.amount(total))\(unit.suffix)"
    }

    private func fraction(_ total: Int) -> Double {
        total <= 0 ? 1 : min(1, max(0, Double(done) / Double(total)))
    }

    private func elapsed(at now: ContinuousClock.Instant) -> Double { (now - start).inSeconds }

    /// Done per second since the start, once there is enough time behind it.
    private func rate(at now: ContinuousClock.Instant) -> Double? {
        let seconds = elapsed(at: now)
        return seconds >= Self.minimumRateSeconds ? Double(max(0, done - initial)) / seconds : nil
    }

    private func rateText(at now: ContinuousClock.Instant) -> String {
        rate(at: now).map(unit.rate) ?? "--/s"
    }

    private func etaText(_ total: Int, at now: ContinuousClock.Instant) -> String {
        if done >= total { return Self.clock(0) }
        guard let rate = rate(at: now), rate > 0 else { return "--" }
        return Self.clock(Double(total - done) / rate)
    }

    /// `line` cut to `columns - 1` characters.
    private func fitted(_ line: String) -> String {
        let limit = max(columns, 20) - 1
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}
