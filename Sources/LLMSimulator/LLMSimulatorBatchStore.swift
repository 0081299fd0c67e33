import GPLRLLM

/// The simulator's uploaded files and batches (kept in memory for its lifetime).
struct LLMSimulatorBatchStore: Sendable {
    struct Batch: Sendable {
        /// 0-based creation number.
        var number: Int
        var id: String
        var inputFileID: String
        var completionWindow: String
        var created: ContinuousClock.Instant
        /// Set once the batch ended.
        var ended: LLMBatchWire.Batch?
    }

    var files: [String: [UInt8]] = [:]
    var batches: [String: Batch] = [:]
    var nextFile = 0
    /// Batches whose files are being written (a concurrent poll sees `finalizing`).
    var finalizing: Set<String> = []

    /// Stores `bytes` under a new id.
    mutating func addFile(_ bytes: [UInt8]) -> String {
        defer { nextFile += 1 }
        let id = "file-sim-\(nextFile)"
        files[id] = bytes
        return id
    }
}
