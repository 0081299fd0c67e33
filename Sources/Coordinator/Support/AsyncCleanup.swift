/// Runs `body`, then `cleanup` whether `body` returned or threw: the `defer` of a cleanup that must be awaited
/// (closing a Redis client, shutting an LLM session down), which a `defer` block cannot do.
func withCleanup<Result>(_ body: () async throws -> Result, cleanup: () async -> Void) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return result
}
