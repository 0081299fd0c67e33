import Foundation
import Shared

/// Human-facing progress lines go to standard error, so standard output stays clean for results.
enum Console {
    static func status(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Seconds with a sensible number of digits.
    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f s", value) : String(format: "%.1f s", value)
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

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
