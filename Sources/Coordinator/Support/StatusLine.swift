import Foundation
import GPLRSupport
import Synchronization

/// Standard error as a terminal's status area: status messages scroll above, and at most one live progress line
/// (``ProgressMode/bar``) stays at the bottom, redrawn in place. Everything that writes to standard error while a
/// bar may be live goes through here (``Console/status(_:)`` does), so a message never lands in the middle of
/// the bar: the live line is cleared, the message written, and the live line drawn again below it.
///
/// Thread-safe: writes from concurrent tasks are serialised by a lock and never interleave.
final class StatusLine: Sendable {
    /// Carriage return, then ANSI "erase to end of line": the cursor is at the start of an empty line.
    static let clearLine = "\r\u{1B}[K"
    /// The process's standard error.
    static let standardError = StatusLine { text in StandardStreams.writeError(text) }

    private let write: @Sendable (String) -> Void
    /// The live line currently shown, if any.
    private let live = Mutex<String?>(nil)

    /// - Parameter write: writes text as given (no newline added); called under the lock.
    init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Writes `message` as a line of its own, above the live line if there is one.
    func message(_ message: String) {
        live.withLock { live in
            write(live == nil ? message + "\n" : Self.clearLine + message + "\n" + live!)
        }
    }

    /// Runs `body` (which writes elsewhere, e.g. standard output to the same terminal) with the live line cleared,
    /// then draws it again.
    func suspended(_ body: () -> Void) {
        live.withLock { live in
            if live != nil { write(Self.clearLine) }
            body()
            if let live { write(live) }
        }
    }

    /// Performs what a ``ProgressBar`` asked for.
    func perform(_ output: ProgressOutput) {
        live.withLock { live in
            switch output {
            case .redraw(let text):
                write(Self.clearLine + text)
                live = text
            case .line(let text):
                write(live == nil ? text + "\n" : Self.clearLine + text + "\n" + live!)
            case .finish(let text):
                write(live == nil ? text + "\n" : Self.clearLine + text + "\n")
                live = nil
            }
        }
    }
}
