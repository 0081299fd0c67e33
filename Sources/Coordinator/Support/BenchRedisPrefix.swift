import Foundation
import GPLRRedis

/// A key prefix of its own for the keys one `gplr bench` command writes into a Redis it was given
/// (`gplr-bench-<random>`), so that they never mix with a real deployment's and can all be removed afterwards.
struct BenchRedisPrefix: Sendable {
    /// The key layout under the bench's prefix.
    let keys = RedisKeys(prefix: "gplr-bench-\(UUID().uuidString.prefix(8).lowercased())")

    /// Removes every key under the prefix (and only those: another bench's keys stay).
    func deleteAll(_ redis: RedisClient) async throws {
        var cursor = "0"
        repeat {
            let reply = try await redis.send(
                "SCAN", RedisArgument(cursor), "MATCH", RedisArgument(keys.prefix + ":*"), "COUNT", 1000)
            guard let parts = reply.array, parts.count == 2 else { return }
            cursor = parts[0].string ?? "0"
            let found = (parts[1].array ?? []).compactMap(\.string).map { RedisArgument($0) }
            if !found.isEmpty { try await redis.send(["UNLINK"] + found) }
        } while cursor != "0"
    }
}
