import GPLRSupport
import Synchronization

/// One submitted request, shared by the awaiting task and the curl thread. Whoever gets the continuation out
/// first (completion, cancellation or shutdown) resumes it, exactly once.
final class PendingTransfer: Sendable {
    typealias Continuation = CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>

    private enum Phase {
        case initial(cancelled: Bool)
        case waiting(Continuation)
        case finished
    }

    let request: HTTPClientRequest
    private let phase = Mutex(Phase.initial(cancelled: false))
    private let cancelled = Mutex(false)

    init(request: HTTPClientRequest) { self.request = request }

    /// Stores the continuation; `false` if the task was cancelled first (the continuation is then resumed).
    func install(_ continuation: Continuation) -> Bool {
        let wasCancelled = phase.withLock { phase -> Bool in
            if case .initial(cancelled: true) = phase {
                phase = .finished
                return true
            }
            phase = .waiting(continuation)
            return false
        }
        if wasCancelled { continuation.resume(returning: .failure(cancellationError)) }
        return !wasCancelled
    }

    /// Marks the transfer cancelled and fails the waiting task; `true` if it was in flight or queued.
    func cancel() -> Bool {
        cancelled.withLock { $0 = true }
        let continuation = phase.withLock { phase -> Continuation? in
            switch phase {
            case .initial:
                phase = .initial(cancelled: true)
                return nil
            case .waiting(let continuation):
                phase = .finished
                return continuation
            case .finished:
                return nil
            }
        }
        continuation?.resume(returning: .failure(cancellationError))
        return continuation != nil
    }

    var isCancelled: Bool { cancelled.withLock { $0 } }

    /// Delivers the result unless the task already got one.
    func complete(_ result: Result<HTTPClientResponse, HTTPClientError>) {
        let continuation = phase.withLock { phase -> Continuation? in
            guard case .waiting(let continuation) = phase else { return nil }
            phase = .finished
            return continuation
        }
        continuation?.resume(returning: result)
    }

    private var cancellationError: HTTPClientError {
        HTTPClientError(code: .cancelled, message: "request cancelled", url: HTTPClientRequest.redact(request.url))
    }
}
