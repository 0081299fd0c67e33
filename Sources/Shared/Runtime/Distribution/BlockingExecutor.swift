import Dispatch
import GPLRCore
import Synchronization

/// Runs CPU-heavy or blocking work (snapshot decoding, affinity passes, reading labels files) on threads of the
/// process's own (`KernelThreads`: one per job in progress, kept for the next) instead of the Swift cooperative
/// thread pool, whose few threads must stay free for I/O and leases. Not a libdispatch queue: on Linux its threads
/// are the ones Swift's tasks run on, so two heavy jobs on a 2-core machine left no thread for any task
/// (docs/decisions.md, "Kernel threads").
///
/// Two ways in: ``run(_:)`` hands one synchronous closure to a thread and awaits it; as a `TaskExecutor`
/// (`withTaskExecutorPreference(executor) { … }`) it runs async code that does heavy synchronous work
/// inside library calls (e.g. `SnapshotStore.fetch`, which decodes what it downloads) on those threads too.
public final class BlockingExecutor: TaskExecutor, Sendable {
    public init() {}

    /// A shared instance for the whole process.
    public static let shared = BlockingExecutor()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        KernelThreads.shared.run { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }

    /// Runs `body` on a thread of its own and returns its result.
    ///
    /// If the awaiting task is cancelled first, this returns at once with `CancellationError` and the work
    /// runs to its end on its thread with its result dropped: a worker past its shutdown grace period stops
    /// waiting for a job it is about to hand back.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let slot = OneShot<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard slot.install(continuation) else { return }
                KernelThreads.shared.run {
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
