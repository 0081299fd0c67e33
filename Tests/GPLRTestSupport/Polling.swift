/// Polls `body` every `interval` until it returns a value or `timeout` passes: that value, or `nil` when the
/// last try, made at the deadline, found none either. Stops early, with that last try, when the task is cancelled
/// (a test's time limit).
///
/// For a wait on an event another process or task causes (a log line, a record in Redis, a file): the test goes on
/// as soon as it happened, instead of sleeping a fixed time that is too long on a fast machine and too short on a
/// loaded one. A value shared with the code under test is better awaited with ``AwaitedValue``.
public func poll<T>(
    timeout: Duration, every interval: Duration = .milliseconds(20), _ body: () async throws -> T?
) async rethrows -> T? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline, !Task.isCancelled {
        if let value = try await body() { return value }
        try? await Task.sleep(for: interval)
    }
    return try await body()
}

/// Polls `condition` every `interval` until it holds or `timeout` passes; whether it held (as
/// ``poll(timeout:every:_:)`` does).
public func eventually(
    timeout: Duration, every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    try await poll(timeout: timeout, every: interval) { try await condition() ? true : nil } ?? false
}

/// Polls `value` every `interval` until it has not changed for `quiet`, or `timeout` passes: the value it settled
/// at, or the last one read. For a count that another process's last actions may still move, e.g. requests a
/// killed client wrote before it died, which the server can read after the kill.
public func settled<T: Equatable>(
    timeout: Duration, quiet: Duration, every interval: Duration = .milliseconds(20), _ value: () async throws -> T
) async rethrows -> T {
    var last = try await value()
    var unchangedSince = ContinuousClock.now
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline, ContinuousClock.now - unchangedSince < quiet, !Task.isCancelled {
        try? await Task.sleep(for: interval)
        let now = try await value()
        if now != last { (last, unchangedSince) = (now, ContinuousClock.now) }
    }
    return last
}
