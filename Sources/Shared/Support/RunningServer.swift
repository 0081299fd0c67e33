/// Runs a server while `body` runs, and stops it when `body` ends: the pattern behind the LLM simulator's and
/// the dashboard's `withRunning…` helpers (tests, `gplr demo`, `gplr bench llm`).
///
/// - Parameters:
///   - serve: runs the server until its task is cancelled; calls its argument once with the bound port when
///     the server accepts connections.
///   - body: runs with the bound port.
/// - Throws: what `body` throws, or `CancellationError` when the server ended before it was listening (its
///   own error, if it threw one, comes first).
public func withRunningServer<Result: Sendable>(
    _ serve: @escaping @Sendable (_ onRunning: @escaping @Sendable (Int) async -> Void) async throws -> Void,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        group.addTask {
            defer { portContinuation.finish() }
            try await serve { bound in portContinuation.yield(bound) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            try await group.waitForAll()
            throw CancellationError()
        }
        do {
            let result = try await body(bound)
            group.cancelAll()
            try await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
    }
}
