import Synchronization

/// A `Clock` that moves only when a test advances it, for the timed loops of in-process tests (the worker's lease
/// extension, heartbeat, reclaim cadence): a sleep on it ends when ``advance(by:)`` passes its deadline, so a
/// test steps through minutes of loop time without waiting for any.
///
/// A test must know a loop is asleep before it advances (a sleep that starts after an advance counts from the new
/// time): ``waitForSleepers(_:)`` returns once the sleeps in progress satisfy a condition, which is also how a test
/// learns that a loop finished the pass an advance started (it is asleep again, with a later deadline).
public final class ManualClock: Clock, Sendable {
    /// A point on the clock: the time since it was made.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "\(offset)" }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        /// Sleeps cancelled before they were registered.
        var cancelled: Set<UInt64> = []

        var deadlines: [Duration] { sleepers.values.map(\.deadline.offset).sorted() }

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }
    }

    private let state = Mutex(State())
    /// The sleeps' deadlines as ``waitForSleepers(_:)`` awaits them: published under `state`'s lock whenever the
    /// sleeps change, so they are never older than the sleeps (the lock order is always `state`, then this).
    private let publishedDeadlines = AwaitedValue<[Duration]>([])

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// The time since the clock was made.
    public var elapsed: Duration { now.offset }

    /// The deadlines of the sleeps in progress (as times since the clock was made), earliest first.
    public var sleeperDeadlines: [Duration] { state.withLock { $0.deadlines } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Start { case cancelled, due, registered }
                let start: Start = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .cancelled }
                    if deadline <= state.now { return .due }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    publish(state)
                    return .registered
                }
                switch start {
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .due: continuation.resume()
                case .registered: break
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return nil as Sleeper?
                }
                publish(state)
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        // A sleep that ended normally may still have left its id in `cancelled` (cancelled after it was woken).
        state.withLock { _ = $0.cancelled.remove(id) }
    }

    /// Moves the clock forward and wakes, earliest first, every sleep whose deadline it reached.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a clock does not go back")
        let woken = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }.sorted {
                $0.value.deadline < $1.value.deadline
            }
            for (id, _) in due { state.sleepers[id] = nil }
            publish(state)
            return due.map(\.value.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Moves the clock to `offset` after its start (no move when it is there or past it already).
    public func advance(to offset: Duration) {
        advance(by: max(.zero, offset - elapsed))
    }

    /// Returns once the deadlines of the sleeps in progress (times since the clock was made, earliest first)
    /// satisfy `condition`; at once if they do now. Returns early, without the condition, when the task is
    /// cancelled (a test's time limit).
    public func waitForSleepers(_ condition: @escaping @Sendable ([Duration]) -> Bool) async {
        await publishedDeadlines.wait(until: condition)
    }

    /// Hands the sleeps' deadlines to ``waitForSleepers(_:)``; called with `state` locked, after every change.
    private func publish(_ state: State) {
        let deadlines = state.deadlines
        publishedDeadlines.update { $0 = deadlines }
    }

    /// Returns once at least `count` sleeps end exactly at `deadline` (a time since the clock was made).
    public func waitForSleepers(until deadline: Duration, count: Int = 1) async {
        await waitForSleepers { deadlines in deadlines.count { $0 == deadline } >= count }
    }
}
