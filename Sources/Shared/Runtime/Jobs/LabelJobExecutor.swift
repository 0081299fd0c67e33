import Foundation
public import GPLRCore
import GPLRLLM
import Synchronization

/// Runs `label` jobs: builds the labeler the job's ``LabelerSpec`` names and labels the batch.
///
/// A worker keeps one executor for its lifetime: a labels file read for a snapshot's users is cached per (path,
/// persona names, file size and modification time, snapshot), so the jobs of a run do not re-read a
/// multi-million-line truth file each time; jobs that start together wait for one read; the ``TruthLabeler`` of a
/// job is built from it at no cost. Reading a file (and its SHA-256, at the same time) runs on the
/// ``BlockingExecutor``, never on the cooperative pool.
///
/// An `llm` spec runs an ``LLMLabeler`` over a ``ChatCompletionClient`` built once per distinct spec with the
/// key, cache and rate limit of ``LLMJobContext`` (the worker's, never the payload's); call ``shutdown()``
/// to close those clients.
public final class LabelJobExecutor: Sendable {
    private let blocking: BlockingExecutor
    private let files: Mutex<LabelsFiles>
    /// The worker's LLM key and Redis; `nil`: `llm` jobs fail (non-retriably) for want of a key.
    let llm: LLMJobContext?
    /// One client per distinct spec, kept for the executor's lifetime (a handful per worker).
    let llmClients = Mutex<[LLMLabelerSpec: ChatCompletionClient]>([:])

    /// - Parameters:
    ///   - capacity: labels files read (each for one snapshot) kept, least recently used dropped first.
    ///   - llm: what `llm` label jobs need from this worker (key, Redis for cache and rate limit).
    public init(blocking: BlockingExecutor = .shared, capacity: Int = 2, llm: LLMJobContext? = nil) {
        self.blocking = blocking
        files = Mutex(LabelsFiles(recent: RecentlyUsed(capacity: capacity)))
        self.llm = llm
    }

    /// Labels the job's users of `graph` (the snapshot `job.snapshot` names).
    /// - Throws: ``JobExecutionError``: non-retriable for a bad version, user index, persona set, noise setting
    ///   or malformed labels file; retriable when the labels file is missing or unreadable here (another
    ///   worker may have it).
    public func execute(_ job: LabelJob, graph: PurchaseGraph) async throws -> LabelJobResult {
        switch job.labeler {
        case .labelsFile:
            return try await execute(job, userIDs: graph.userIDs)
        case .llm(let spec):
            let personas = try Self.validate(job, userCount: graph.userCount)
            return LabelJobResult(batch: try await labelWithLLM(job, spec: spec, personas: personas, graph: graph))
        }
    }

    /// Labels the job's users from a labels file, knowing only the snapshot's user ids (`userIDs[u]` is user u's
    /// id): all a labels-file job needs of the graph.
    /// - Throws: as ``execute(_:graph:)``; an `llm` job, which needs the graph, is an invalid payload here.
    public func execute(_ job: LabelJob, userIDs: [String]) async throws -> LabelJobResult {
        let personas = try Self.validate(job, userCount: userIDs.count)
        switch job.labeler {
        case .labelsFile(let path, let drop, let add, let seed, let expected):
            let fileKey = try Self.fileKey(path: path, personas: personas, snapshot: job.snapshot)
            let contents = try await labelsFile(fileKey, personas: personas, userIDs: userIDs)
            if let expected, contents.sha256 != expected.lowercased() {
                // Another worker may hold the right file at this path: retriable, and the error says why.
                throw JobExecutionError(
                    .labelsFile,
                    "labels file \(path) on this worker has SHA-256 \(contents.sha256.prefix(16))…, the run expects "
                        + "\(expected.prefix(16))… (a different file at the same path)",
                    retriable: true)
            }
            let labeler = TruthLabeler(
                truth: contents.labels, personaCount: personas.count, dropProbability: drop, addProbability: add,
                seed: seed)
            return LabelJobResult(batch: labeler.label(users: job.users, userIDs: userIDs))
        case .llm:
            throw JobExecutionError(
                .invalidPayload, "an llm label job needs the snapshot's graph, not only its user ids")
        }
    }

    /// Checks the user indices, persona set and labeler parameters; returns R.
    public static func validate(_ job: LabelJob, userCount: Int) throws -> PersonaSet {
        try JobExecutionError.requireIndices(job.users, below: userCount, of: "user")
        let personas = try JobExecutionError.personaSet(job.personas)
        switch job.labeler {
        case .labelsFile(let path, let drop, let add, _, let sha256):
            if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
                throw JobExecutionError(.invalidPayload, "the labels file's SHA-256 must be 64 hex digits")
            }
            guard !path.isEmpty else { throw JobExecutionError(.invalidPayload, "the labels file path is empty") }
            for (name, value) in [("drop", drop), ("add", add)] where !(0...1).contains(value) {
                throw JobExecutionError(.invalidPayload, "\(name) probability must be in 0 ... 1, got \(value)")
            }
        case .llm(let spec):
            if let problem = spec.problem { throw JobExecutionError(.invalidPayload, problem) }
        }
        return personas
    }

    // MARK: - Caches

    /// A labels file as read for one snapshot's users.
    struct FileKey: Hashable {
        var path: String
        var personaNames: [String]
        var size: Int
        var modified: Double
        var snapshot: String
    }

    private static func fileKey(path: String, personas: PersonaSet, snapshot: String) throws -> FileKey {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw JobExecutionError(
                .labelsFile, "labels file \(path) cannot be read on this worker", retriable: true,
                underlying: error)
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return FileKey(path: path, personaNames: personas.names, size: size, modified: modified, snapshot: snapshot)
    }

    /// A labels file read for a snapshot's users, and the SHA-256 of the bytes it was read from.
    struct DigestedLabels {
        var labels: UserLabels
        var sha256: String
    }

    /// The labels files read, and the reads in progress: jobs that start together (a worker's first ones, up to
    /// its concurrency) wait for one read instead of each reading the file (732 MB and 10M lines at 10M users).
    struct LabelsFiles {
        var recent: RecentlyUsed<FileKey, DigestedLabels>
        var reading: [FileKey: Task<DigestedLabels, any Error>] = [:]
        /// Reads started (for the tests).
        var reads = 0
    }

    /// How many times a labels file has been read (each read serves every job that waited for it).
    var labelsFileReads: Int { files.withLock { $0.reads } }

    private func labelsFile(_ key: FileKey, personas: PersonaSet, userIDs: [String]) async throws -> DigestedLabels {
        let read = files.withLock { state -> Task<DigestedLabels, any Error>? in
            if state.recent.value(for: key) != nil { return nil }
            if let reading = state.reading[key] { return reading }
            // Not the caller's child: a job cancelled while it waits leaves the read to the others.
            let reading = Task { [self] in
                defer { files.withLock { _ = $0.reading.removeValue(forKey: key) } }
                let contents = try await self.read(key, personas: personas, userIDs: userIDs)
                files.withLock { $0.recent.insert(contents, for: key) }
                return contents
            }
            state.reading[key] = reading
            state.reads += 1
            return reading
        }
        if let read { return try await read.value }
        if let cached = files.withLock({ $0.recent.value(for: key) }) { return cached }
        return try await labelsFile(key, personas: personas, userIDs: userIDs)  // dropped meanwhile: read again
    }

    /// Reads the file for the snapshot's users and, on a second thread at the same time, its SHA-256.
    private func read(_ key: FileKey, personas: PersonaSet, userIDs: [String]) async throws -> DigestedLabels {
        do {
            async let sha256 = blocking.run { try FileDigest.sha256(path: key.path) }
            let labels = try await blocking.run {
                try LabelsFile.readUserLabels(path: key.path, personas: personas, userIDs: userIDs)
            }
            return DigestedLabels(labels: labels, sha256: try await sha256)
        } catch let error as DatasetError {
            let unreadable = error.code == .fileNotFound || error.code == .readFailed
            throw JobExecutionError(
                .labelsFile,
                "labels file \(key.path) " + (unreadable ? "cannot be read on this worker" : "is malformed"),
                retriable: unreadable, underlying: error)
        }
    }
}

/// A small least-recently-used list (a handful of entries: linear search is fine).
struct RecentlyUsed<Key: Hashable, Value> {
    let capacity: Int
    private var entries: [(key: Key, value: Value)] = []

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The value for `key`, which becomes the most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
        let entry = entries.remove(at: index)
        entries.append(entry)
        return entry.value
    }

    /// Stores `value` as the most recently used, dropping the least recently used past the capacity.
    mutating func insert(_ value: Value, for key: Key) {
        entries.removeAll { $0.key == key }
        entries.append((key, value))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    /// Forgets `key`'s value, if any.
    mutating func remove(_ key: Key) { entries.removeAll { $0.key == key } }
}
