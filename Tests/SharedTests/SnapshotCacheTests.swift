import Foundation
import GPLRTestSupport
import Logging
import Testing

@testable import GPLRCore
@testable import GPLRRedis
@testable import GPLRRuntime

/// The worker's snapshot cache against a real redis-server: memory → disk → Redis, one download per hash.
@Suite(.timeLimit(.minutes(5))) struct SnapshotCacheTests {
    let logger = Logger(label: "test.snapshot-cache", factory: { _ in SwiftLogNoOpLogHandler() })

    private func withPublished<T>(
        chunkSize: Int = 4 << 20, _ body: (SnapshotStore, JobFixture, TemporaryDirectory) async throws -> T
    ) async throws -> T {
        let fixture = try JobFixture()
        return try await withRedisServer { server in
            let store = SnapshotStore(client: try RedisClient(url: server.url), chunkSize: chunkSize)
            try await store.publish(fixture.snapshotBytes, hash: fixture.hash)
            let directory = try TemporaryDirectory(prefix: "gplr-snapcache")
            defer { directory.remove() }
            return try await body(store, fixture, directory)
        }
    }

    @Test func downloadsOnceThenHitsMemory() async throws {
        try await withPublished { store, fixture, directory in
            let cache = SnapshotCache(store: store, directory: directory.path, logger: logger)
            // Concurrent first requests share one download.
            let graphs = try await withThrowingTaskGroup(of: PurchaseGraph.self) { group in
                for _ in 0..<4 { group.addTask { try await cache.graph(for: fixture.hash) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(graphs.count == 4)
            #expect(graphs.allSatisfy { $0 == fixture.graph })
            #expect(await cache.statistics.downloads == 1)
            let again = try await cache.graph(for: fixture.hash)
            #expect(again == fixture.graph)
            let statistics = await cache.statistics
            #expect(statistics.downloads == 1)
            #expect(statistics.memoryHits >= 1)
            #expect(statistics.diskHits == 0)
            let path = try #require(cache.filePath(for: fixture.hash))
            #expect(try Snapshot.read(from: path).info.hash == fixture.hash)
        }
    }

    @Test func aNewCacheInstanceHitsTheDisk() async throws {
        try await withPublished { store, fixture, directory in
            _ = try await SnapshotCache(store: store, directory: directory.path, logger: logger)
                .graph(for: fixture.hash)
            let second = SnapshotCache(store: store, directory: directory.path, logger: logger)
            #expect(try await second.graph(for: fixture.hash) == fixture.graph)
            let statistics = await second.statistics
            #expect(statistics.diskHits == 1)
            #expect(statistics.downloads == 0)
        }
    }

    @Test func aCorruptCachedFileIsDeletedAndDownloadedAgain() async throws {
        try await withPublished { store, fixture, directory in
            let first = SnapshotCache(store: store, directory: directory.path, logger: logger)
            _ = try await first.graph(for: fixture.hash)
            let path = try #require(first.filePath(for: fixture.hash))
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: path))

            let second = SnapshotCache(store: store, directory: directory.path, logger: logger)
            #expect(try await second.graph(for: fixture.hash) == fixture.graph)
            let statistics = await second.statistics
            #expect(statistics.corruptFiles == 1)
            #expect(statistics.downloads == 1)
            #expect(statistics.diskHits == 0)
            #expect(try Snapshot.read(from: path).info.hash == fixture.hash)  // rewritten intact
        }
    }

    @Test func aCorruptChunkInRedisIsAnErrorNamingTheSnapshot() async throws {
        try await withPublished(chunkSize: 1024) { store, fixture, directory in
            let key = store.keys.snapshotChunk(hash: fixture.hash.hex, index: 1)
            var chunk = try #require(try await store.client.send("GET", RedisArgument(key)).bytes)
            chunk[chunk.count / 2] ^= 0x5A
            try await store.client.send("SET", RedisArgument(key), RedisArgument(chunk))

            let cache = SnapshotCache(store: store, directory: directory.path, logger: logger)
            let error = await #expect(throws: SnapshotStoreError.self) { try await cache.graph(for: fixture.hash) }
            #expect(error?.hash == fixture.hash)
            #expect(error?.description.contains(String(fixture.hash.hex.prefix(16))) == true)
            #expect(await cache.statistics.downloads == 0)
            // Nothing corrupt was written to the disk cache.
            #expect(!FileManager.default.fileExists(atPath: try #require(cache.filePath(for: fixture.hash))))
        }
    }

    @Test func anUnpublishedSnapshotIsAnError() async throws {
        try await withPublished { store, fixture, directory in
            let other = try #require(ContentHash(hex: String(repeating: "ab", count: 32)))
            let cache = SnapshotCache(store: store, directory: directory.path, logger: logger)
            let error = await #expect(throws: SnapshotStoreError.self) { try await cache.graph(for: other) }
            #expect(error?.hash == other)
            // A failed load is not remembered: the real snapshot still loads.
            #expect(try await cache.graph(for: fixture.hash) == fixture.graph)
        }
    }

    @Test func userIDsAloneAreDecodedWithoutTheRestOfTheGraph() async throws {
        try await withPublished(chunkSize: 256) { store, fixture, directory in
            let first = SnapshotCache(store: store, directory: directory.path, logger: logger)
            #expect(try await first.userIDs(for: fixture.hash) == fixture.graph.userIDs)
            #expect(await first.statistics.downloads == 1)
            await first.finishDiskWrites()  // the user ids' download is written beside the job that asked
            let path = try #require(first.filePath(for: fixture.hash))
            #expect(try Snapshot.read(from: path).info.hash == fixture.hash)  // cached whole and verified

            // Damage the user-items section of the cached file: the user ids still load from it, so nothing but
            // their section was read; the graph does not, and is downloaded again.
            let userItems = try #require(try Snapshot.inspect(path: path).sections.first { $0.name == "user-items" })
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[userItems.offset + userItems.storedBytes / 2] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let second = SnapshotCache(store: store, directory: directory.path, logger: logger)
            #expect(try await second.userIDs(for: fixture.hash) == fixture.graph.userIDs)
            var statistics = await second.statistics
            #expect(statistics.diskHits == 1 && statistics.downloads == 0 && statistics.corruptFiles == 0)
            #expect(try await second.graph(for: fixture.hash) == fixture.graph)
            statistics = await second.statistics
            #expect(statistics.corruptFiles == 1 && statistics.downloads == 1)
            // With the graph in memory, the user ids come from it.
            #expect(try await second.userIDs(for: fixture.hash) == fixture.graph.userIDs)
            #expect(await second.statistics.memoryHits == statistics.memoryHits + 1)
        }
    }

    /// The user ids' download goes to the disk while the job that asked goes on; a graph asked for next, by the
    /// same cache or by a new one once the write is finished, is read from that file, not downloaded again.
    @Test func theGraphAfterTheUserIDsComesFromTheirWrittenDownload() async throws {
        try await withPublished(chunkSize: 256) { store, fixture, directory in
            let cache = SnapshotCache(store: store, directory: directory.path, memoryCapacity: 0, logger: logger)
            let userIDs = try await cache.userIDs(for: fixture.hash)
            #expect(userIDs == fixture.graph.userIDs)
            #expect(try await cache.graph(for: fixture.hash) == fixture.graph)
            let statistics = await cache.statistics
            #expect(statistics.downloads == 1 && statistics.diskHits == 1 && statistics.diskWriteFailures == 0)
            await cache.finishDiskWrites()
            let second = SnapshotCache(store: store, directory: directory.path, logger: logger)
            #expect(try await second.userIDs(for: fixture.hash) == fixture.graph.userIDs)
            let secondStatistics = await second.statistics
            #expect(secondStatistics.diskHits == 1 && secondStatistics.downloads == 0)
        }
    }

    @Test func aDownloadForTheUserIDsIsVerifiedWhole() async throws {
        try await withPublished(chunkSize: 256) { store, fixture, directory in
            // The last chunk lies in the last section (item-users), not in the user ids; it comes in a later
            // round trip than the first chunks.
            let last = (fixture.snapshotBytes.count + 255) / 256 - 1
            #expect(last >= SnapshotStore.chunksPerRoundTrip)
            let key = store.keys.snapshotChunk(hash: fixture.hash.hex, index: last)
            var chunk = try #require(try await store.client.send("GET", RedisArgument(key)).bytes)
            chunk[0] ^= 0x5A
            try await store.client.send("SET", RedisArgument(key), RedisArgument(chunk))

            let cache = SnapshotCache(store: store, directory: directory.path, logger: logger)
            let error = await #expect(throws: SnapshotStoreError.self) { try await cache.userIDs(for: fixture.hash) }
            #expect(error?.hash == fixture.hash)
            #expect(!FileManager.default.fileExists(atPath: try #require(cache.filePath(for: fixture.hash))))
        }
    }
}
