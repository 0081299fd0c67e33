public import Foundation
import GPLRRedis

extension JobQueue {
    /// Stores a side input of run `runID`'s jobs under `name` and returns its key, which payloads carry. Store it
    /// before enqueueing the jobs that read it: a worker may take a job the moment it is enqueued.
    public func storeSideInput(_ bytes: Data, run runID: String, name: String) async throws -> String {
        let key = keys.run(runID).sideInput(name)
        _ = try await client.send("SET", RedisArgument(key), RedisArgument(bytes))
            .throwingServerError(context: "SET side input")
        return key
    }

    /// The bytes of a side input by the key a payload carries.
    /// - Throws: ``JobExecutionError`` `.invalidPayload` for a key outside this queue's prefix; `.prototypes`
    ///   (retriable: the coordinator may not have written it yet) when it is missing.
    public func sideInput(_ key: String) async throws -> Data {
        guard key.hasPrefix(keys.prefix + ":") else {
            throw JobExecutionError(.invalidPayload, "side input key '\(key)' is outside the prefix '\(keys.prefix)'")
        }
        guard let bytes = try await client.send("GET", RedisArgument(key)).bytes else {
            throw JobExecutionError(.prototypes, "side input '\(key)' does not exist", retriable: true)
        }
        return Data(bytes)
    }

    /// Deletes a side input once every job that reads it has a result (a late duplicate delivery of a finished
    /// job then fails to read it, and a failure of a job that has a result is ignored).
    public func deleteSideInput(_ key: String) async throws {
        _ = try await client.send("DEL", RedisArgument(key))
    }
}
