/// A ``RedisClient`` and gplr's key names under one prefix (``RedisKeys``): one deployment's data, which every
/// ``RedisStore`` reads and writes.
public struct RedisKeyspace: Sendable {
    public let client: RedisClient
    public let keys: RedisKeys

    public init(client: RedisClient, keys: RedisKeys = RedisKeys()) {
        self.client = client
        self.keys = keys
    }
}

/// A store of gplr's data in Redis that needs nothing but its ``RedisKeyspace`` (the worker registry, run records,
/// run summaries, run data retention): a conforming type holds the keyspace and gets `client`, `keys` and
/// `init(client:keys:)` from here.
public protocol RedisStore: Sendable {
    var keyspace: RedisKeyspace { get }

    init(_ keyspace: RedisKeyspace)
}

extension RedisStore {
    public var client: RedisClient { keyspace.client }
    public var keys: RedisKeys { keyspace.keys }

    public init(client: RedisClient, keys: RedisKeys = RedisKeys()) {
        self.init(RedisKeyspace(client: client, keys: keys))
    }
}
