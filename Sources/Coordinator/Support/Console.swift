import Foundation
import GPLRSupport
import Logging

/// Human-facing progress lines go to standard error, so standard output stays clean for results.
enum Console {
    /// A status line on standard error (above a live progress bar, if one is shown).
    static func status(_ message: String) {
        StatusLine.standardError.message(message)
    }

    /// A logger whose messages are status lines (``status(_:)``): what the command line gives the code it runs.
    static let logger = Logger.lines("gplr") { status($0) }

    /// A result line on standard output, printed while a progress bar may be live on the same terminal.
    static func result(_ line: String) {
        StatusLine.standardError.suspended { print(line) }
    }

    /// Seconds with a sensible number of digits.
    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f s", value) : String(format: "%.1f s", value)
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    /// Bytes in binary units: "512 B", "1.50 KiB", "12.3 MiB", "1.20 GiB".
    static func bytes(_ value: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard value >= 1024 else { return "\(value) B" }
        var scaled = Double(value) / 1024
        var unit = 0
        while scaled >= 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return String(format: scaled < 10 ? "%.2f " : "%.1f ", scaled) + units[unit]
    }

    /// Integer with thousands separators.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }
}

/// Wall-clock stopwatch.
struct Stopwatch {
    private let start = ContinuousClock.now
    var seconds: Double {
        (ContinuousClock.now - start).inSeconds
    }
}
