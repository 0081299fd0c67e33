import Foundation
public import GPLRCore
public import Logging

/// A worker's snapshots by content hash: the last few decoded graphs in memory, every fetched snapshot on disk
/// (`<directory>/<hash>.gplrsnap`), and Redis (``SnapshotStore``) behind both.
///
/// Concurrent requests for one hash share one load, so a snapshot is downloaded once however many jobs ask
/// for it at the same moment. A cached file is fully verified (``Snapshot/read(from:)`` and its hash) before
/// use; a corrupt one is deleted and downloaded again. Decoding runs on the ``BlockingExecutor``, never on the
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
    }

    /// The graph of the snapshot `hash`, from memory, disk or Redis.
    /// - Throws: ``SnapshotStoreError`` naming the snapshot when it is not published or does not verify.
    public func graph(for hash: ContentHash) async throws -> PurchaseGraph {
        if let graph = memory?.value(for: hash) {
            statistics.memoryHits += 1
            SnapshotMetrics.hit(tier: "memory")
            return graph
        }
        if let running = loading[hash] { return try await running.value }
        // A stored task, awaited by every requester of this hash (not fire-and-forget): a requester that is
        // cancelled stops waiting, the load goes on for the others.
        let task = Task { try await self.load(hash) }
        loading[hash] = task
        defer { loading[hash] = nil }
        let graph = try await task.value
        memory?.insert(graph, for: hash)
        return graph
    }

    /// The path a snapshot is cached under (`nil` without a directory).
    public nonisolated func filePath(for hash: ContentHash) -> String? {
        directory.map { "\($0)/\(hash.hex).\(Snapshot.fileExtension)" }
    }

    private func load(_ hash: ContentHash) async throws -> PurchaseGraph {
        if let path = filePath(for: hash), FileManager.default.fileExists(atPath: path) {
            do {
                let (graph, info) = try await blocking.run { try Snapshot.read(from: path) }
                guard info.hash == hash else {
                    throw SnapshotStoreError(hash: hash, message: "cached file \(path) holds snapshot \(info.hash.hex)")
                }
                statistics.diskHits += 1
                SnapshotMetrics.hit(tier: "disk")
                return graph
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
        // SnapshotStore.fetch decodes and verifies what it downloads: run it on the blocking executor.
        let store = store
        let fetched = try await withTaskExecutorPreference(blocking) { try await store.fetch(hash) }
        statistics.downloads += 1
        SnapshotMetrics.downloaded(bytes: fetched.bytes.count)
        logger.info(
            "snapshot downloaded",
            metadata: ["snapshot.hash": "\(hash.hex)", "snapshot.bytes": "\(fetched.bytes.count)"])
        if let path = filePath(for: hash), let directory {
            let bytes = fetched.bytes
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
        return fetched.graph
    }
}
