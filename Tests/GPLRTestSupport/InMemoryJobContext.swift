public import Foundation
public import GPLRCore
import GPLRLLM
public import GPLRRuntime

/// A ``JobExecutionContext`` without a worker: one in-memory graph (whatever snapshot a payload names), side
/// inputs from a real queue (or none), a default LLM executor, blocking work run inline. For running job kinds
/// in process.
public struct InMemoryJobContext: JobExecutionContext {
    public let graph: PurchaseGraph
    public let queue: JobQueue?
    public let llm = LabelJobExecutor()

    public init(graph: PurchaseGraph, queue: JobQueue? = nil) {
        self.graph = graph
        self.queue = queue
    }

    public func graph(for hash: ContentHash) async throws -> PurchaseGraph { graph }

    public func sideInput(_ key: String) async throws -> Data {
        guard let queue else { throw JobExecutionError(.prototypes, "no side inputs in this context: '\(key)'") }
        return try await queue.sideInput(key)
    }

    public func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try work() }
}
