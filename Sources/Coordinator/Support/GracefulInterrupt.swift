import Foundation
import GPLRCore
import Synchronization

/// For commands whose work waits on others (the distributed coordinator waits on workers through Redis): the first
/// SIGINT or SIGTERM cancels the work, which unwinds on its own terms (the coordinator releases its lease, so
/// `--resume` can take the run over at once); a second one, or a work that does not stop within `grace`, ends the
/// process at once as ``InterruptCleanup`` does. Either way what is being written is removed and the exit status
/// is 128 + the signal's number. Should the work finish despite the signal (it was already writing its results),
/// its result stands.
enum GracefulInterrupt {
    /// Runs `work`; see the type's documentation for what a signal does.
    static func run<T: Sendable>(
        _ command: String, grace: Duration = .seconds(30), stopped: @escaping @Sendable (Int32) -> String,
        _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let received = SignalCount()
        let signals = TerminationSignals(handler: { number in
            // The second signal stops the process now.
            if received.record(number) > 1 { InterruptCleanup.stop(command, by: number) }
        })
        defer { signals.cancel() }
        let task = Task { try await work() }
        let watcher = Task {
            guard let number = await signals.next() else { return }
            Console.status("\(command): \(TerminationSignals.name(number)) received; stopping (again to stop at once)")
            task.cancel()
            try? await Task.sleep(for: grace)
            if !Task.isCancelled { InterruptCleanup.stop(command, by: number) }
        }
        defer { watcher.cancel() }
        do {
            return try await task.value
        } catch {
            guard let number = received.last else { throw error }
            let removed = TemporaryPaths.removeAll()
            Console.status(stopped(number) + (removed.isEmpty ? "" : "; removed \(removed.joined(separator: ", "))"))
            Foundation.exit(128 + number)
        }
    }
}

/// How many signals arrived, and the last one.
private final class SignalCount: Sendable {
    private let state = Mutex<(count: Int, last: Int32?)>((0, nil))

    /// Counts signal `number`; returns how many arrived so far.
    func record(_ number: Int32) -> Int {
        state.withLock { state in
            state.count += 1
            state.last = number
            return state.count
        }
    }

    var last: Int32? { state.withLock { $0.last } }
}
