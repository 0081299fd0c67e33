import Foundation
import GPLRRuntime

/// What an LLM-labeled `gplr run --local` keeps in `<out>/.gplr-local/` so that `--resume OUT` can continue it:
/// `run.json` (the inputs, the labeler spec — never a key or header — and where its response cache is) and
/// `checkpoint.json` (the state after its last finished iteration). Both are written to a temporary file and
/// renamed over the old one, so a killed run leaves the previous version whole. A run that finishes removes
/// both (its response cache stays).
struct LocalRunState {
    static let directoryName = ".gplr-local"

    /// What the run was started with: enough to start it again without its flags.
    struct Record: Codable, Equatable {
        var snapshotPath: String
        var personasPath: String
        var parameters: RunParameters
        var llm: LLMLabelerSpec
        /// The response cache's directory; `nil`: no cache (`--no-llm-cache`).
        var cacheDirectory: String?
        /// The snapshot's content hash, checked on resume (set when the run starts).
        var snapshotHash: String?
    }

    /// `<out>/.gplr-local`.
    let directory: String

    init(outputDirectory: String) {
        directory = (outputDirectory as NSString).appendingPathComponent(Self.directoryName)
    }

    var recordPath: String { (directory as NSString).appendingPathComponent("run.json") }
    var checkpointPath: String { (directory as NSString).appendingPathComponent("checkpoint.json") }
    /// The default response cache directory of a run writing to this output directory.
    var defaultCacheDirectory: String { directory }

    func write(_ record: Record) throws { try write(record, to: recordPath) }

    func write(_ checkpoint: RunCheckpoint) throws { try write(checkpoint, to: checkpointPath) }

    /// The record of a run started in this output directory, or `nil`.
    func record() throws -> Record? { try read(Record.self, from: recordPath) }

    /// The last checkpoint, or `nil` when the run finished no iteration.
    func checkpoint() throws -> RunCheckpoint? { try read(RunCheckpoint.self, from: checkpointPath) }

    /// Forgets the run (it finished): its cache stays.
    func clear() {
        try? FileManager.default.removeItem(atPath: checkpointPath)
        try? FileManager.default.removeItem(atPath: recordPath)
    }

    /// Forgets an earlier run's checkpoint (a new run starts in this directory).
    func removeCheckpoint() { try? FileManager.default.removeItem(atPath: checkpointPath) }

    private func write(_ value: some Encodable, to path: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // `.atomic`: written to a temporary file in the directory and renamed over `path`.
        try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private func read<Value: Decodable>(_ type: Value.Type, from path: String) throws -> Value? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw LocalRunStateError(message: "cannot read \(path): \(error)")
        }
    }
}

/// A local run's state that cannot be used to resume it.
struct LocalRunStateError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
