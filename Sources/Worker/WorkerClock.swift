/// The clock the worker's timed loops run on: lease extension, heartbeat, pruning, the reclaim cadence, the pause
/// after a Redis error and `--debug-job-delay-ms`. Any Swift `Clock` counting in `Duration`: `ContinuousClock` in
/// production; tests give one they advance by hand, so the loops run in process without waiting.
///
/// Type-erased here (a sleep and the time since the clock was handed over) so that ``WorkerService`` and what it
/// shares the clock with stay plain types. Redis's own time is not this clock's: a lease runs out on the server's
/// clock (the stream entry's idle time), which tests set with `XCLAIM … IDLE`.
struct WorkerClock: Sendable {
    private let sleeper: @Sendable (Duration) async throws -> Void
    private let reader: @Sendable () -> Duration

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        sleeper = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
        reader = { origin.duration(to: clock.now) }
    }

    /// `ContinuousClock`, the production clock.
    static let continuous = WorkerClock(ContinuousClock())

    /// The time since the clock was handed to the worker (monotonic).
    var now: Duration { reader() }

    /// Sleeps `duration` on this clock; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws {
        try await sleeper(duration)
    }

    /// Runs `body` every `interval` (after the first `interval`, the next sleep starting when `body` returns) until
    /// the task is cancelled: the worker's timed loops.
    func repeatEvery(_ interval: Duration, _ body: () async -> Void) async {
        while !Task.isCancelled {
            do {
                try await sleep(for: interval)
            } catch {
                return
            }
            await body()
        }
    }
}
