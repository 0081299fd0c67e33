import Foundation
public import GPLRCore

/// Everything the coordinator keeps about one distributed run in Redis, so that a killed coordinator can be
/// resumed anywhere and `gplr status` can report on it.
///
/// Stored as the fields of the hash `<prefix>:{run:<id>}:state` (see ``Field`` and docs/protocol.md §8);
/// JSON-valued fields hold the Codable form of their type.
public struct RunRecord: Sendable, Equatable {
    /// The hash fields of a run record.
    public enum Field: String, CaseIterable, Sendable {
        case phase, iteration, completedIterations, step, createdAt, updatedAt, startedAt
        case snapshot, users, parameters, personas, labeler, labelBatchSize, personasPerShard, outputDirectory
        case affinityPlacement
        case checkpoint, progress, report, error
    }

    public var id: String
    public var phase: RunPhase
    /// The iteration being worked on (1-based; 0 before the first).
    public var iteration: Int
    /// Iterations finished and checkpointed.
    public var completedIterations: Int
    /// What the coordinator is doing: `sampling`, `labeling`, `affinity`, `writing`, `done`.
    public var step: String
    /// Milliseconds since 1970.
    public var createdAt: Int64
    public var updatedAt: Int64
    /// When the current (or last) coordinator process took the run over.
    public var startedAt: Int64
    /// Content hash (hex) of the snapshot, published in Redis by the coordinator.
    public var snapshotHash: String
    public var users: Int
    public var parameters: RunParameters
    /// R, in persona-index order.
    public var personas: [Persona]
    public var labeler: LabelerSpec
    /// Users per `label` job (part of the job ids, so fixed for the life of the run).
    public var labelBatchSize: Int
    /// Personas per `affinity` job (part of the job ids, so fixed for the life of the run).
    public var personasPerShard: Int
    /// Where Ψ_raw is computed, as `--affinity-on` gave it (resolved with the run's solver; records written before
    /// the field existed used the workers).
    public var affinityPlacement: AffinityPlacement
    /// Where the results go (absolute); `gplr run --resume --out` may override it.
    public var outputDirectory: String
    /// The state after the last finished iteration.
    public var checkpoint: RunCheckpoint?
    /// The checkpoint summed up (written with it; what status views read instead of the checkpoint).
    public var progress: RunProgress?
    /// The final report, once done.
    public var report: RunReport?
    /// Why the run failed (phase `failed`).
    public var error: String?

    public init(
        id: String, phase: RunPhase = .created, snapshotHash: String, users: Int, parameters: RunParameters,
        personas: [Persona], labeler: LabelerSpec, labelBatchSize: Int, personasPerShard: Int,
        affinityPlacement: AffinityPlacement = .workers, outputDirectory: String, now: Int64 = RunRecord.now()
    ) {
        self.id = id
        self.phase = phase
        self.iteration = 0
        self.completedIterations = 0
        self.step = "created"
        self.createdAt = now
        self.updatedAt = now
        self.startedAt = now
        self.snapshotHash = snapshotHash
        self.users = users
        self.parameters = parameters
        self.personas = personas
        self.labeler = labeler
        self.labelBatchSize = labelBatchSize
        self.personasPerShard = personasPerShard
        self.affinityPlacement = affinityPlacement
        self.outputDirectory = outputDirectory
    }

    /// Milliseconds since 1970, the unit of every timestamp in the record.
    public static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// Run ids go into Redis keys and job ids: letters, digits, `.`, `_` and `-` only, 1–100 characters.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 100
            && id.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
    }
}
