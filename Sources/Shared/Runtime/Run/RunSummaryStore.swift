import Foundation
public import GPLRCore
public import GPLRRedis

/// A finished run's ``AssignmentSummary`` in Redis: the string `<prefix>:{run:<id>}:summary` (JSON), written once by
/// the coordinator after it assigns. Kept apart from the run record's report, which `gplr status` and the
/// dashboard read every few seconds, because the co-occurrence grows with |R|² (up to 50 × 50 numbers). It is one
/// of the run's keys, so retention (`--keep-results`, `gplr runs --prune`) covers it.
public struct RunSummaryStore: RedisStore {
    public let keyspace: RedisKeyspace

    public init(_ keyspace: RedisKeyspace) { self.keyspace = keyspace }

    /// Stores `summary` as run `runID`'s (replacing any earlier one).
    public func store(_ summary: AssignmentSummary, run runID: String) async throws {
        let json = try JSONEncoder().encode(summary)
        _ = try await client.send("SET", RedisArgument(keys.run(runID).summary), RedisArgument(json))
    }

    /// Run `runID`'s summary; `nil` when none is stored (a run not done, or done before summaries existed).
    /// - Throws: ``RunRecordError`` when the stored JSON does not decode.
    public func load(run runID: String) async throws -> AssignmentSummary? {
        let reply = try await client.send("GET", RedisArgument(keys.run(runID).summary))
        guard let bytes = reply.bytes else { return nil }
        do {
            return try JSONDecoder().decode(AssignmentSummary.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw RunRecordError(.malformed, "the run's summary does not decode", run: runID, underlying: error)
        }
    }
}
