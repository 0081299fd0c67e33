public import GPLRRedis

/// Redis's side of the job leases of one stream, which tests move instead of waiting: a lease is the pending
/// entry's idle time in the consumer group (docs/protocol.md), and `XCLAIM … IDLE … JUSTID` sets it without
/// changing the holder or the delivery count. So "the lease ran out" is `age(…, to: more than the lease)` and
/// "it was extended" is a small idle time afterwards.
public struct StreamLeases: Sendable {
    /// One entry of the pending list: who holds it, how long it has been idle, how often it was delivered.
    public struct Entry: Sendable, Hashable {
        public var entryID: String
        public var consumer: String
        public var idle: Duration
        public var deliveries: Int
    }

    public let client: RedisClient
    public let stream: String
    public let group: String

    public init(client: RedisClient, stream: String, group: String = "workers") {
        self.client = client
        self.stream = stream
        self.group = group
    }

    /// The pending list (`XPENDING`, up to 1,000 entries): the leases held right now.
    public func pending() async throws -> [Entry] {
        let reply = try await client.send("XPENDING", RedisArgument(stream), RedisArgument(group), "-", "+", "1000")
        return (reply.array ?? []).compactMap { row in
            guard let fields = row.array, fields.count == 4, let entryID = fields[0].string,
                let consumer = fields[1].string, let idle = fields[2].int, let deliveries = fields[3].int
            else { return nil }
            return Entry(entryID: entryID, consumer: consumer, idle: .milliseconds(idle), deliveries: deliveries)
        }
    }

    /// Makes the lease of `entry` look `idle` old, as if that long had passed since it was taken or extended.
    public func age(_ entry: Entry, to idle: Duration) async throws {
        try await client.send(
            "XCLAIM", RedisArgument(stream), RedisArgument(group), RedisArgument(entry.consumer), "0",
            RedisArgument(entry.entryID), "IDLE", RedisArgument(Int(idle / .milliseconds(1))), "JUSTID")
    }

    /// Makes every held lease of the stream look `idle` old.
    public func ageAll(to idle: Duration) async throws {
        for entry in try await pending() { try await age(entry, to: idle) }
    }
}
