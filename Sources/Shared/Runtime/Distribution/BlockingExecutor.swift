import Dispatch
import Synchronization

/// Runs CPU-heavy or blocking work (snapshot decoding, affinity passes, reading labels files) on its own
/// dispatch queue instead of the Swift cooperative thread pool, whose few threads must stay free for I/O.
///
/// Two ways in: ``run(_:)`` hands one synchronous closure to the queue and awaits it; as a `TaskExecutor`
/// (`withTaskExecutorPreference(executor) { … }`) it runs async code that does heavy synchronous work
/// inside library calls (e.g. `SnapshotStore.fetch`, which decodes what it downloads) on the queue too.
public final class BlockingExecutor: TaskExecutor, Sendable {
    private let queue: DispatchQueue

    /// - Parameter label: the dispatch queue's label (shows in thread names and crash reports).
    public init(label: String = "gplr.blocking") {
        queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    /// A shared instance for the whole process.
    public static let shared = BlockingExecutor()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }

    /// Runs `body` on the queue and returns its result.
    ///
    /// If the awaiting task is cancelled first, this returns at once with `CancellationError` and the work
    /// runs to its end on the queue with its result dropped: a worker past its shutdown grace period stops
    /// waiting for a job it is about to hand back.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let slot = OneShot<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard slot.install(continuation) else { return }
                queue.async {
                    slot.finish(Result { try body() })
                }
            }
        } onCancel: {
            slot.finish(.failure(CancellationError()))
        }
    }
}

/// A continuation resumed exactly once: by the work or by cancellation, whichever comes first.
private final class OneShot<T: Sendable>: Sendable {
    private enum State {
        case waiting
        case installed(CheckedContinuation<T, any Error>)
        case done
    }

    private let state = Mutex<State>(.waiting)

    /// Stores the continuation; `false` (after resuming it) if cancellation already happened.
    func install(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let alreadyDone = state.withLock { state -> Bool in
            if case .done = state { return true }
            state = .installed(continuation)
            return false
        }
        if alreadyDone { continuation.resume(throwing: CancellationError()) }
        return !alreadyDone
    }

    func finish(_ result: Result<T, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<T, any Error>? in
            defer { state = .done }
            if case .installed(let continuation) = state { return continuation }
            return nil
        }
        continuation?.resume(with: result)
    }
}
