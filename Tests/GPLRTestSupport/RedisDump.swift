public import GPLRRedis

/// Every key name and every value (of any type) in a Redis, as text: what secret-leak tests grep.
public enum RedisDump {
    public static func everything(_ redis: RedisClient) async throws -> [String] {
        var texts: [String] = []
        var cursor = "0"
        repeat {
            let reply = try await redis.send("SCAN", RedisArgument(cursor), "COUNT", 1000)
            guard let parts = reply.array, parts.count == 2 else { break }
            cursor = parts[0].string ?? "0"
            for key in parts[1].array ?? [] {
                guard let name = key.string else { continue }
                texts.append(name)
                let type = try await redis.send("TYPE", RedisArgument(name)).string ?? ""
                let command: [RedisArgument] =
                    switch type {
                    case "string": ["GET", RedisArgument(name)]
                    case "zset": ["ZRANGE", RedisArgument(name), 0, -1, "WITHSCORES"]
                    case "hash": ["HGETALL", RedisArgument(name)]
                    case "list": ["LRANGE", RedisArgument(name), 0, -1]
                    case "set": ["SMEMBERS", RedisArgument(name)]
                    case "stream": ["XRANGE", RedisArgument(name), "-", "+"]
                    default: ["DUMP", RedisArgument(name)]
                    }
                texts.append(flatten(try await redis.send(command)))
            }
        } while cursor != "0"
        return texts
    }

    private static func flatten(_ value: RedisValue) -> String {
        if let array = value.array { return array.map(flatten).joined(separator: " ") }
        if let bytes = value.bytes { return String(decoding: bytes, as: UTF8.self) }
        return value.string ?? ""
    }
}
