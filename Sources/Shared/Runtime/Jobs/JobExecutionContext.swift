public import Foundation
public import GPLRCore

/// What a worker lends a job while it runs: the snapshot, side inputs from the queue, LLM clients, a place for
/// CPU-heavy work. The worker implements it over Redis; tests can implement it in memory.
public protocol JobExecutionContext: Sendable {
    /// The graph of the snapshot with content hash `hash`, fetched and verified.
    func graph(for hash: ContentHash) async throws -> PurchaseGraph
    /// The user ids of the snapshot with content hash `hash`, for jobs that need nothing else of the graph; a
    /// context that can load them alone (the worker's ``SnapshotCache``) need not decode the graph.
    func userIDs(for hash: ContentHash) async throws -> [String]
    /// The bytes of a side input the coordinator stored for a run's jobs (``JobQueue/storeSideInput(_:run:name:)``).
    func sideInput(_ key: String) async throws -> Data
    /// The worker's LLM clients (one per distinct spec, with its own key, cache and rate limit).
    var llm: LabelJobExecutor { get }
    /// Runs CPU-heavy work off the cooperative thread pool.
    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}

extension JobExecutionContext {
    /// The graph's: a context without a cheaper way decodes the graph.
    public func userIDs(for hash: ContentHash) async throws -> [String] { try await graph(for: hash).userIDs }

    /// The graph of the snapshot a payload names by its content hash in hex.
    public func graph(snapshot: String) async throws -> PurchaseGraph {
        try await graph(for: try Self.contentHash(snapshot))
    }

    /// The user ids of the snapshot a payload names by its content hash in hex.
    public func userIDs(snapshot: String) async throws -> [String] {
        try await userIDs(for: try Self.contentHash(snapshot))
    }

    private static func contentHash(_ snapshot: String) throws -> ContentHash {
        guard let hash = ContentHash(hex: snapshot) else {
            throw JobExecutionError(
                .invalidPayload, "snapshot '\(snapshot.prefix(80))' is not a 64-digit hex content hash")
        }
        return hash
    }
}
