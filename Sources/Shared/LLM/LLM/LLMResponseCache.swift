import Foundation
public import GPLRRedis
import GPLRSupport

/// Chat completion answers kept in Redis under `RedisKeys.llmCache(requestHash:)` — or, for a run in this process,
/// in an ``LLMFileCache`` — keyed by ``ChatCompletionRequest/cacheHash(configuration:)``, so a re-run, a resumed
/// run or a retried job never pays twice.
///
/// Only answers the caller found usable are stored (see ``LLMLabeler``): an answer that did not parse is
/// asked again rather than served again. The value is the content, the usage it cost when it was bought
/// and the model that answered — never the request's headers, so never the API key.
public struct LLMResponseCache: Sendable {
    /// One cached answer.
    public struct Entry: Codable, Sendable, Equatable {
        public var content: String
        public var usage: TokenUsage
        public var model: String?

        public init(content: String, usage: TokenUsage, model: String?) {
            self.content = content
            self.usage = usage
            self.model = model
        }
    }

    private enum Store: Sendable {
        case redis(RedisClient, RedisKeys)
        case file(LLMFileCache)
    }

    private let store: Store
    /// Time to live of an entry; `nil` keeps entries until Redis evicts them (a file cache keeps them).
    public let ttl: Duration?

    public init(redis: RedisClient, keys: RedisKeys = RedisKeys(), ttl: Duration? = nil) {
        self.store = .redis(redis, keys)
        self.ttl = ttl
    }

    /// A cache in a local file (`gplr run --local`), keyed as in Redis.
    public init(file: LLMFileCache) {
        self.store = .file(file)
        self.ttl = nil
    }

    /// The cached answer of the request with `hash`, or `nil` (also for an entry that no longer decodes).
    public func lookup(hash: String) async throws -> Entry? {
        switch store {
        case .file(let file):
            return file.lookup(hash: hash)
        case .redis(let redis, let keys):
            let reply = try await redis.send("GET", RedisArgument(keys.llmCache(requestHash: hash)))
            guard let bytes = reply.bytes else { return nil }
            return try? JSONDecoder().decode(Entry.self, from: Data(bytes))
        }
    }

    /// Stores `entry` as the answer of the request with `hash`.
    public func store(_ entry: Entry, hash: String) async throws {
        switch store {
        case .file(let file):
            try file.store(entry, hash: hash)
        case .redis(let redis, let keys):
            let data = try JSONEncoder().encode(entry)
            var command: [RedisArgument] = [
                "SET", RedisArgument(keys.llmCache(requestHash: hash)), RedisArgument(data),
            ]
            if let ttl {
                command += ["PX", RedisArgument(max(1, ttl.milliseconds))]
            }
            try await redis.send(command)
        }
    }
}
