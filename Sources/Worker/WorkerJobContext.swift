import Foundation
import GPLRCore
import GPLRRuntime

/// What this worker lends a running job: its snapshot cache, the queue's side inputs (on the data connection,
/// beside the snapshot chunks), its LLM clients and the blocking executor.
struct WorkerJobContext: JobExecutionContext {
    let snapshots: SnapshotCache
    let sideInputs: JobQueue
    let llm: LabelJobExecutor
    let blocking: BlockingExecutor

    func graph(for hash: ContentHash) async throws -> PurchaseGraph {
        try await snapshots.graph(for: hash)
    }

    func userIDs(for hash: ContentHash) async throws -> [String] {
        try await snapshots.userIDs(for: hash)
    }

    func sideInput(_ key: String) async throws -> Data {
        try await sideInputs.sideInput(key)
    }

    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await blocking.run(work)
    }
}
