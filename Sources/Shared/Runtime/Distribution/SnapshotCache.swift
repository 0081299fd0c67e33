import Foundation
public import GPLRCore
public import Logging

/// A worker's snapshots by content hash: the last few decoded graphs in memory, every fetched snapshot on disk
/// (`<directory>/<hash>.gplrsnap`), and Redis (``SnapshotStore``) behind both.
///
/// Concurrent requests for one hash share one load, so a snapshot is downloaded once however many jobs ask
/// for it at the same moment. A cached file is verified (its hash, and every section a load decodes) before
/// use; a corrupt one is deleted and downloaded again. Jobs that need only the user ids
/// (``userIDs(for:)``) decode only those. Decoding runs on the ``BlockingExecutor``, never on the
/// cooperative pool. Counters: ``statistics``, and the `gplr_snapshot_*` metrics (``SnapshotMetrics``).
public actor SnapshotCache {
    /// What the cache has done so far.
    struct Statistics: Sendable, Equatable {
        /// Requests answered from the decoded graphs in memory.
        var memoryHits = 0
        /// Loads answered from a verified file on disk.
        var diskHits = 0
        /// Loads that downloaded the snapshot from Redis.
        var downloads = 0
        /// Cached files that failed verification and were deleted.
        var corruptFiles = 0
        /// Downloaded snapshots that could not be written to disk (the graph was still used).
        var diskWriteFailures = 0
    }

    public let store: SnapshotStore
    /// Where snapshot files are kept; `nil` for memory only.
    public let directory: String?
    /// Decoded graphs kept in memory (≥ 0).
    public let memoryCapacity: Int
    private let blocking: BlockingExecutor
    private let logger: Logger
    private var memory: RecentlyUsed<ContentHash, PurchaseGraph>?
    private var loading: [ContentHash: Task<PurchaseGraph, any Error>] = [:]
    /// User ids loaded without their graph (``userIDs(for:)``), as many snapshots as ``memoryCapacity``.
    private var userIDMemory: RecentlyUsed<ContentHash, [String]>?
    private var loadingUserIDs: [ContentHash: Task<[String], any Error>] = [:]
    /// Downloads being written to the disk cache after their load returned (``Decoding/writesInBackground``); a
    /// load of the same hash waits for its write before it looks at the disk.
    private var diskWrites: [ContentHash: Task<Void, Never>] = [:]
    private(set) var statistics = Statistics()

    public init(
        store: SnapshotStore, directory: String?, memoryCapacity: Int = 2, blocking: BlockingExecutor = .shared,
        logger: Logger
    ) {
        self.store = store
        self.directory = directory
        self.memoryCapacity = max(0, memoryCapacity)
        self.blocking = blocking
        self.logger = logger
        memory = memoryCapacity > 0 ? RecentlyUsed(capacity: memoryCapacity) : nil
        userIDMemory = memoryCapacity > 0 ? RecentlyUsed(capacity: memoryCapacity) : nil
    }

    /// The graph of the snapshot `hash`, from memory, disk or Redis.
    /// - Throws: ``SnapshotStoreError`` naming the snapshot when it is not published or does not verify.
    public func graph(for hash: ContentHash) async throws -> PurchaseGraph {
        if let graph = memory?.value(for: hash) {
            memoryHit()
            return graph
        }
        if let running = loading[hash] { return try await running.value }
        // A stored task, awaited by every requester of this hash (not fire-and-forget): a requester that is
        // cancelled stops waiting, the load goes on for the others.
        let task = Task { try await self.load(hash, Self.wholeGraph) }
        loading[hash] = task
        defer { loading[hash] = nil }
        let graph = try await task.value
        memory?.insert(graph, for: hash)
        userIDMemory?.remove(hash)  // the graph's are the same ids
        return graph
    }

    /// The user ids of the snapshot `hash`: a decoded graph's when one is in memory or loading, else the `user-ids`
    /// section alone (``Snapshot/decodeUserIDs(_:)``), the rest of the graph neither decoded nor kept. What a
    /// labels-file label job needs: at 10M users a few hundred MB instead of the graph's GBs, and a fraction of
    /// its decode time (docs/decisions.md, "A labels-file label job loads only the user ids"). A file downloaded
    /// for it is verified whole (every section checksum) before it is cached on disk.
    /// - Throws: ``SnapshotStoreError`` naming the snapshot when it is not published or does not verify.
    public func userIDs(for hash: ContentHash) async throws -> [String] {
        if let graph = memory?.value(for: hash) {
            memoryHit()
            return graph.userIDs
        }
        if let userIDs = userIDMemory?.value(for: hash) {
            memoryHit()
            return userIDs
        }
        if let running = loading[hash] { return try await running.value.userIDs }
        if let running = loadingUserIDs[hash] { return try await running.value }
        let task = Task { try await self.load(hash, Self.userIDsOnly) }
        loadingUserIDs[hash] = task
        defer { loadingUserIDs[hash] = nil }
        let userIDs = try await task.value
        userIDMemory?.insert(userIDs, for: hash)
        return userIDs
    }

    /// Waits for the downloads still being written to the disk cache (a worker's shutdown, so that the next start
    /// finds them; tests that read the cached file).
    public func finishDiskWrites() async {
        while let write = diskWrites.values.first { await write.value }
    }

    /// The path a snapshot is cached under (`nil` without a directory).
    public nonisolated func filePath(for hash: ContentHash) -> String? {
        directory.map { "\($0)/\(hash.hex).\(Snapshot.fileExtension)" }
    }

    private func memoryHit() {
        statistics.memoryHits += 1
        SnapshotMetrics.hit(tier: "memory")
    }

    /// How a load reads what it needs, from a cached file and from downloaded bytes; each verifies what it reads
    /// and returns the content hash it found.
    private struct Decoding<Value: Sendable>: Sendable {
        let file: @Sendable (_ path: String) throws -> (Value, ContentHash)
        let bytes: @Sendable ([UInt8]) throws -> (Value, ContentHash)
        /// Return the value before a download is written to the disk cache, the write going on beside the job
        /// that asked (the bytes are held until it ends).
        var writesInBackground = false
    }

    private static let wholeGraph = Decoding<PurchaseGraph>(
        file: { path in
            let (graph, info) = try Snapshot.read(from: path)
            return (graph, info.hash)
        },
        bytes: { try Snapshot.decode($0) })

    /// The user ids' load writes a download to the disk in the background: it is a labels-file label job's, whose
    /// parse of the labels file keeps one core busy while the other would otherwise sit idle (a 10M-user worker's
    /// profile: the 1 GB write, ~2.5 s, and then the parse, ~3.5 s, each on one core).
    private static let userIDsOnly = Decoding<[String]>(
        file: { try Snapshot.readUserIDs(from: $0) },
        bytes: { bytes in
            // Every section checksum first: the file is cached on disk for later jobs, which may need all of it.
            let info = try Snapshot.inspect(bytes)
            return (try Snapshot.decodeUserIDs(bytes).userIDs, info.hash)
        },
        writesInBackground: true)

    private func load<Value: Sendable>(_ hash: ContentHash, _ decoding: Decoding<Value>) async throws -> Value {
        if let write = diskWrites[hash] { await write.value }
        if let path = filePath(for: hash), FileManager.default.fileExists(atPath: path) {
            do {
                let (value, found) = try await blocking.run { try decoding.file(path) }
                guard found == hash else {
                    throw SnapshotStoreError(hash: hash, message: "cached file \(path) holds snapshot \(found.hex)")
                }
                statistics.diskHits += 1
                SnapshotMetrics.hit(tier: "disk")
                return value
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                statistics.corruptFiles += 1
                SnapshotMetrics.corruptFile()
                logger.warning(
                    "cached snapshot failed verification; deleting it and downloading again",
                    metadata: ["snapshot.hash": "\(hash.hex)", "snapshot.path": "\(path)", "error": "\(error)"])
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        // Downloading joins 4 MB chunks into one array and verifying hashes all of it: both on the blocking executor.
        let store = store
        let bytes = try await withTaskExecutorPreference(blocking) { try await store.fetchBytes(hash) }
        let value = try await blocking.run { try SnapshotStore.verified(bytes, hash: hash, decoding.bytes) }
        statistics.downloads += 1
        SnapshotMetrics.downloaded(bytes: bytes.count)
        logger.info(
            "snapshot downloaded", metadata: ["snapshot.hash": "\(hash.hex)", "snapshot.bytes": "\(bytes.count)"])
        if let path = filePath(for: hash), let directory {
            if decoding.writesInBackground {
                // Stored before the task can run (the actor is ours until this method suspends), removed by it.
                diskWrites[hash] = Task { [self] in
                    await writeToDisk(bytes, hash: hash, path: path, directory: directory)
                    diskWrites[hash] = nil
                }
            } else {
                await writeToDisk(bytes, hash: hash, path: path, directory: directory)
            }
        }
        return value
    }

    /// Writes a verified download to the disk cache; a failure is counted and logged (the snapshot is still used).
    private func writeToDisk(_ bytes: [UInt8], hash: ContentHash, path: String, directory: String) async {
        do {
            try await blocking.run {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try SnapshotFile.writeAtomically(bytes, to: path)
            }
        } catch {
            statistics.diskWriteFailures += 1
            logger.warning(
                "cannot write the snapshot to the disk cache",
                metadata: ["snapshot.hash": "\(hash.hex)", "snapshot.path": "\(path)", "error": "\(error)"])
        }
    }
}
