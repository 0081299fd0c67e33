import Foundation
public import GPLRCore
public import GPLRRedis

/// Snapshots published to Redis in chunks, keyed by content hash, so workers on any machine can fetch the
/// graph a job refers to.
///
/// Keys (see docs/protocol.md): `<prefix>:{snap:<hash>}:meta` (a hash: `bytes`, `chunks`, `chunkSize`) and
/// `<prefix>:{snap:<hash>}:chunk:<n>`. Publishing is idempotent: a snapshot whose meta exists is not written
/// again. Fetching verifies the whole snapshot (every section checksum and its content hash) before use.
public struct SnapshotStore: Sendable {
    public let client: RedisClient
    public let keys: RedisKeys
    /// Bytes per chunk (Redis values stay well below its 512 MB limit and transfers interleave with other traffic).
    public var chunkSize: Int

    /// Chunks requested in one pipeline while downloading (64 MB with the default chunk size).
    static let chunksPerRoundTrip = 16

    public init(client: RedisClient, keys: RedisKeys = RedisKeys(), chunkSize: Int = 4 << 20) {
        self.client = client
        self.keys = keys
        self.chunkSize = chunkSize
    }

    /// Whether the snapshot with this hash is fully published.
    public func isPublished(_ hash: ContentHash) async throws -> Bool {
        try await client.send("HGET", .init(keys.snapshotMeta(hash: hash.hex)), "chunks").string != nil
    }

    /// Publishes the encoded snapshot `bytes` (from ``Snapshot/encode(_:compressionLevel:)``) under `hash`.
    /// The chunks are written before the meta, so a reader never sees a half-published snapshot.
    public func publish(_ bytes: [UInt8], hash: ContentHash) async throws {
        if try await isPublished(hash) { return }
        let chunkCount = max(1, (bytes.count + chunkSize - 1) / chunkSize)
        for index in 0..<chunkCount {
            let chunk = Array(bytes[min(bytes.count, index * chunkSize)..<min(bytes.count, (index + 1) * chunkSize)])
            _ = try await client.send("SET", .init(keys.snapshotChunk(hash: hash.hex, index: index)), .init(chunk))
                .throwingServerError(context: "SET snapshot chunk")
        }
        _ = try await client.send(
            "HSET", .init(keys.snapshotMeta(hash: hash.hex)), "bytes", .init(bytes.count), "chunks",
            .init(chunkCount), "chunkSize", .init(chunkSize)
        ).throwingServerError(context: "HSET snapshot meta")
    }

    /// Downloads and fully verifies the snapshot `hash`.
    /// - Throws: ``SnapshotStoreError`` naming the snapshot when it is missing, incomplete or corrupt.
    public func fetch(_ hash: ContentHash) async throws -> (graph: PurchaseGraph, bytes: [UInt8]) {
        let bytes = try await fetchBytes(hash)
        return (try Self.verified(bytes, hash: hash) { try Snapshot.decode($0) }, bytes)
    }

    /// Runs `decode` (which verifies) on the downloaded bytes of snapshot `hash` and checks the content hash it
    /// finds: a failure is a ``SnapshotStoreError`` naming the snapshot.
    static func verified<Value>(
        _ bytes: [UInt8], hash: ContentHash, _ decode: ([UInt8]) throws -> (Value, ContentHash)
    ) throws -> Value {
        let decoded: (value: Value, hash: ContentHash)
        do {
            decoded = try decode(bytes)
        } catch {
            throw SnapshotStoreError(hash: hash, message: "is corrupt", underlying: error)
        }
        guard decoded.hash == hash else {
            throw SnapshotStoreError(hash: hash, message: "decodes to a different content hash \(decoded.hash)")
        }
        return decoded.value
    }

    /// Downloads the bytes of snapshot `hash` as published: complete, but not yet verified (see
    /// ``verified(_:hash:_:)``).
    /// - Throws: ``SnapshotStoreError`` naming the snapshot when it is missing or incomplete.
    func fetchBytes(_ hash: ContentHash) async throws -> [UInt8] {
        let meta = try await client.send("HGETALL", .init(keys.snapshotMeta(hash: hash.hex))).fieldMap ?? [:]
        guard let total = meta["bytes"]?.string.flatMap(Int.init), let chunks = meta["chunks"]?.string.flatMap(Int.init)
        else {
            throw SnapshotStoreError(hash: hash, message: "is not published in Redis")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        // A window of chunks per round trip, appended and let go before the next: the download holds the snapshot
        // once plus one window (64 MB), not every chunk's reply beside the joined bytes.
        for window in stride(from: 0, to: chunks, by: Self.chunksPerRoundTrip) {
            let indices = window..<min(chunks, window + Self.chunksPerRoundTrip)
            let replies = try await client.pipeline(
                indices.map { ["GET", .init(keys.snapshotChunk(hash: hash.hex, index: $0))] })
            for (index, reply) in zip(indices, replies) {
                guard let chunk = reply.bytes else {
                    throw SnapshotStoreError(hash: hash, message: "chunk \(index) of \(chunks) is missing")
                }
                bytes += chunk
            }
        }
        guard bytes.count == total else {
            throw SnapshotStoreError(hash: hash, message: "has \(bytes.count) bytes in its chunks, expected \(total)")
        }
        return bytes
    }
}

/// A published snapshot could not be fetched or did not verify.
struct SnapshotStoreError: Error, CustomStringConvertible, Sendable {
    let hash: ContentHash
    let message: String
    let underlying: (any Error & Sendable)?

    init(hash: ContentHash, message: String, underlying: (any Error & Sendable)? = nil) {
        self.hash = hash
        self.message = message
        self.underlying = underlying
    }

    var description: String {
        "snapshot \(hash.hex.prefix(16)) \(message)" + (underlying.map { ": \($0)" } ?? "")
    }
}
