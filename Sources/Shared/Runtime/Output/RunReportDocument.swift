public import GPLRCore
import GPLRSupport

/// `report.json`: the documented, versioned form of a finished run's ``RunReport`` (docs/outputs.md, "report.json").
///
/// Keys are snake_case everywhere, enums have explicit forms (the budget is `{"kind": "fraction", "value": 0.1}`),
/// labeler counters are renamed to snake_case (`llm.prompt-tokens` → `llm_prompt_tokens`). ``schemaVersion`` goes up
/// when a field is removed or changes meaning; adding a field does not change it, so readers ignore unknown keys.
/// The run record in Redis keeps ``RunReport``'s own encoding (a resumed run reads what the previous build wrote).
public struct RunReportDocument: Sendable, Equatable, Codable {
    /// The schema this build writes.
    public static let currentSchemaVersion = 1

    public struct Build: Sendable, Equatable, Codable {
        public var version: String
        public var commit: String
    }

    public struct Budget: Sendable, Equatable, Codable {
        /// `fraction` (of all users) or `count` (of users).
        public var kind: String
        public var value: Double
    }

    public struct Parameters: Sendable, Equatable, Codable {
        public var budget: Budget
        public var iterations: Int
        public var topK: Int
        public var assignment: String
        public var walkLength: Int
        public var beta: Double
        public var epsilon: Double?
        public var sampling: String
        public var duFloor: Double
        public var duPrior: Double
        /// DU's candidate pool factor m (0: every user scored); absent in reports written before it existed.
        public var duPool: Int?
        public var maxLabelFailureShare: Double
        public var seed: UInt64

        enum CodingKeys: String, CodingKey {
            case budget, iterations, topK = "top_k", assignment, walkLength = "walk_length", beta, epsilon, sampling
            case duFloor = "du_floor", duPrior = "du_prior", duPool = "du_pool"
            case maxLabelFailureShare = "max_label_failure_share", seed
        }
    }

    public struct Iteration: Sendable, Equatable, Codable {
        public var iteration: Int
        public var sampled: Int
        public var labeled: Int
        public var unrepresentable: Int
        public var failed: Int
        public var seconds: Double
    }

    public struct CalibratedCut: Sendable, Equatable, Codable {
        public var intercept: Double
        public var slope: Double
        public var shift: Double
        public var maximum: Int
        public var calibrationUsers: Int
        public var calibrationMicroF1: Double

        enum CodingKeys: String, CodingKey {
            case intercept, slope, shift, maximum, calibrationUsers = "calibration_users"
            case calibrationMicroF1 = "calibration_micro_f1"
        }
    }

    public struct Timings: Sendable, Equatable, Codable {
        public var sampling: Double
        public var labeling: Double
        public var affinity: Double
        public var assignment: Double
        public var total: Double
    }

    public var schemaVersion: Int
    public var gplr: Build
    /// `labels_file` or `llm`.
    public var labeler: String
    /// The LLM model; `null` for a labels-file run.
    public var model: String?
    public var parameters: Parameters
    public var snapshotHash: String
    public var users: Int
    public var items: Int
    public var edges: Int
    public var personas: [String]
    public var labelBudgetSpent: Int
    public var prototypes: Int
    public var iterations: [Iteration]
    public var prototypeDistribution: [String: Double]
    public var assignedCounts: [String: Int]
    public var unreachableUsers: Int
    public var unreachableSample: [String]
    public var solver: String?
    /// How `--solver auto` chose the solver (absent when it was given, and in reports from before it existed).
    public var solverReason: String?
    /// Where a distributed run computed affinities and why; absent for a local run.
    public var affinityPlacement: String?
    public var calibratedCut: CalibratedCut?
    /// The top-affinity histogram and the persona co-occurrence (absent in reports from before they existed).
    public var assignmentSummary: AssignmentSummary?
    public var labelerCounters: [String: Int]
    public var timingsSeconds: Timings

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", gplr, labeler, model, parameters, snapshotHash = "snapshot_hash", users
        case items, edges, personas, labelBudgetSpent = "label_budget_spent", prototypes, iterations
        case prototypeDistribution = "prototype_distribution", assignedCounts = "assigned_counts"
        case unreachableUsers = "unreachable_users", unreachableSample = "unreachable_sample", solver
        case solverReason = "solver_reason"
        case affinityPlacement = "affinity_placement"
        case calibratedCut = "calibrated_cut", assignmentSummary = "assignment_summary", labelerCounters =
            "labeler_counters", timingsSeconds = "timings_seconds"
    }

    public init(_ report: RunReport, provenance: ReportProvenance) {
        schemaVersion = Self.currentSchemaVersion
        gplr = Build(version: provenance.gplrVersion, commit: provenance.gplrCommit)
        labeler = provenance.labeler.rawValue
        model = provenance.model
        parameters = Parameters(report.parameters)
        snapshotHash = report.snapshotHash
        users = report.users
        items = report.items
        edges = report.edges
        personas = report.personas
        labelBudgetSpent = report.labelBudgetSpent
        prototypes = report.prototypes
        iterations = report.iterations.map {
            Iteration(
                iteration: $0.iteration, sampled: $0.sampled, labeled: $0.labeled, unrepresentable: $0.unrepresentable,
                failed: $0.failed, seconds: $0.seconds)
        }
        prototypeDistribution = report.prototypeDistribution
        assignedCounts = report.assignedCounts
        unreachableUsers = report.unreachableUsers
        unreachableSample = report.unreachableSample
        solver = report.solver
        solverReason = report.solverReason
        affinityPlacement = report.affinityPlacement
        calibratedCut = report.calibratedCut.map {
            CalibratedCut(
                intercept: $0.intercept, slope: $0.slope, shift: $0.shift, maximum: $0.maximum,
                calibrationUsers: $0.calibrationUsers, calibrationMicroF1: $0.calibrationMicroF1)
        }
        assignmentSummary = report.assignmentSummary
        labelerCounters = Self.snakeCased(report.labelerCounters)
        let timings = report.timings
        timingsSeconds = Timings(
            sampling: timings.sampling, labeling: timings.labeling, affinity: timings.affinity,
            assignment: timings.assignment, total: timings.total)
    }

    /// Counter names in snake_case (`llm.prompt-tokens` → `llm_prompt_tokens`), summed if two meet.
    public static func snakeCased(_ counters: [String: Int]) -> [String: Int] {
        Dictionary(counters.map { (SnakeCase.convert($0.key), $0.value) }, uniquingKeysWith: +)
    }
}

extension RunReportDocument.Parameters {
    init(_ parameters: RunParameters) {
        switch parameters.budget {
        case .fraction(let share): budget = .init(kind: "fraction", value: share)
        case .count(let count): budget = .init(kind: "count", value: Double(count))
        }
        iterations = parameters.iterations
        topK = parameters.topK
        assignment = String(parameters.assignment.rawValue.map { $0 == "-" ? "_" : $0 })
        walkLength = parameters.walkLength
        beta = parameters.beta
        epsilon = parameters.solver.epsilon
        sampling = parameters.sampling.rawValue
        duFloor = parameters.duFloor
        duPrior = parameters.duPrior
        duPool = parameters.duPool
        maxLabelFailureShare = parameters.maxLabelFailureShare
        seed = parameters.seed
    }
}
