import Foundation
import GPLRRedis
import Synchronization

/// Renews a ``CoordinatorLease`` from a thread of its own, with a connection of its own, so that renewals keep
/// their period while the process computes on every core (see ``CoordinatorLease/keepRenewing()``).
///
/// ``start(_:)`` hands it the continuation to finish when the lease is lost (or the connection stayed down for a
/// whole lease period); ``stop()`` finishes it with `CancellationError` and lets the thread end at its next wake.
final class LeaseRenewalThread: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var stopped = false
    }

    private let lease: CoordinatorLease
    private let client: RedisClient
    private let state = Mutex(State())

    init(lease: CoordinatorLease) {
        self.lease = lease
        // Not the run's client: a renewal must not wait behind the run's own commands (a snapshot upload).
        client = RedisClient(endpoint: lease.client.endpoint, options: lease.client.options)
    }

    func start(_ continuation: CheckedContinuation<Void, any Error>) {
        let alreadyStopped = state.withLock { state in
            guard !state.stopped else { return true }
            state.continuation = continuation
            return false
        }
        if alreadyStopped {
            continuation.resume(throwing: CancellationError())
            return
        }
        let thread = Thread { [self] in loop() }
        thread.name = "gplr.coordinator-lease"
        thread.start()
    }

    func stop() {
        finish(throwing: CancellationError())
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func finish(throwing error: any Error) {
        let continuation = state.withLock { state in
            state.stopped = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(throwing: error)
    }

    private func loop() {
        let period = Double(lease.milliseconds) / 3000
        // After a failed renewal (Redis restarting, a broken connection) the next try comes soon, not a period
        // later: the lease must be renewed before it runs out once Redis is back.
        let retry = min(period, 0.25)
        var renewed = Date()
        var wait = period
        while !isStopped {
            Thread.sleep(forTimeInterval: wait)
            guard !isStopped else { return }
            let ours: Bool
            do {
                ours = try lease.renewBlocking(with: client)
            } catch {
                if Date().timeIntervalSince(renewed) * 1000 > Double(lease.milliseconds) {
                    finish(throwing: error)
                    return
                }
                wait = retry
                continue
            }
            wait = period
            if ours {
                renewed = Date()
                continue
            }
            finish(throwing: lease.lossReason(with: client))
            return
        }
    }
}
