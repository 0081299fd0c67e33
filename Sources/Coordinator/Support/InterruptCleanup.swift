import Foundation
import GPLRCore

/// For commands that write files under temporary names (`gplr ingest`, `gplr run`): on SIGINT or SIGTERM,
/// remove what is being written (a snapshot's `.tmp-` file, a run's staging directory: ``TemporaryPaths``) and
/// exit with 128 + the signal's number, so an interrupted command leaves nothing behind.
enum InterruptCleanup {
    /// Watches SIGINT and SIGTERM until the returned value is cancelled (keep it alive while the command works).
    static func install(_ command: String) -> TerminationSignals {
        TerminationSignals(handler: { number in stop(command, by: number) })
    }

    /// Removes what is being written, says so, and ends the process with 128 + `number`.
    static func stop(_ command: String, by number: Int32) -> Never {
        let removed = TemporaryPaths.removeAll()
        Console.status(
            "\(command): \(TerminationSignals.name(number)) received; stopped"
                + (removed.isEmpty ? "" : " and removed \(removed.joined(separator: ", "))"))
        Foundation.exit(128 + number)
    }
}
