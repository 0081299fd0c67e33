public import ArgumentParser
import Foundation
import GPLRCore
public import GPLRLLM
import GPLRRuntime

/// The parameters of Algorithm 1 as command-line options (defaults are the paper's).
struct RunOptions: ParsableArguments {
    @Option(help: "Label budget τ: a share (\"10%\", \"0.1\") or a count of users (\"5000\").")
    var budget: String = "10%"

    @Option(help: "Iterations T.")
    var iterations: Int = 10

    @Option(help: "Personas per inferred user k (with --assign top-k).")
    var topK: Int = 5

    @Option(
        name: .customLong("assign"),
        help:
            "How many personas each inferred user gets: calibrated (learned from the prototypes) or top-k (the paper's fixed k)."
    )
    var assignment: RunParameters.Assignment = .calibrated

    @Option(help: "Random-walk length ℓ̂.")
    var walkLength: Int = 1

    @Option(help: "De-bias exponent β.")
    var beta: Double = 0.5

    @Option(
        help:
            "Affinity solver: auto (exact unless RevAff is estimated at least 2× cheaper on this graph; the choice is in the report), exact, or revaff (ε from --epsilon, default 0.01)."
    )
    var solver: SolverRequest = .auto

    @Option(help: "RevAff error ε (with --solver auto or revaff; alone it means --solver revaff).")
    var epsilon: Double?

    @Option(help: "Sampling after the first iteration: du or uniform.")
    var sampling: RunParameters.Sampling = .du

    @Option(
        help:
            "DU prior α: the walk mass at which a user's own affinities weigh as much as a uniform prior (0 = the paper's Eq. 1)."
    )
    var duPrior: Double = 0.03

    @Option(
        help:
            "DU candidate pool m: each DU iteration scores m × its sample size users drawn in proportion to their purchases (0 = every user, the paper's)."
    )
    var duPool: Int = RunParameters().duPool

    @Option(
        help:
            "Fail the run when the labeler answers for fewer than this share of an iteration's users: a share (\"20%\", \"0.2\"); 100% never fails."
    )
    var maxLabelFailures: String = "20%"

    @Option(help: "Seed for sampling.")
    var seed: UInt64 = 1

    @Option(help: "Threads for the solvers (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard LabelBudget(parsing: budget) != nil else {
            throw ValidationError("--budget must be a share like 10% or 0.1, or a positive count")
        }
        if let problem = parameters.validationProblem() { throw ValidationError(problem) }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if solver == .exact && epsilon != nil {
            throw ValidationError("--epsilon is RevAff's error bound: it cannot go with --solver exact")
        }
        guard Self.share(maxLabelFailures) != nil else {
            throw ValidationError("--max-label-failures must be a share like 20% or 0.2")
        }
    }

    var parameters: RunParameters {
        var p = RunParameters()
        p.budget = LabelBudget(parsing: budget) ?? .fraction(0.1)
        p.iterations = iterations
        p.topK = topK
        p.assignment = assignment
        p.duPrior = duPrior
        p.duPool = duPool
        p.maxLabelFailureShare = Self.share(maxLabelFailures) ?? 0.2
        p.walkLength = walkLength
        p.beta = beta
        switch solver {
        case .exact: p.solver = .exact
        case .revaff: p.solver = .revAff(epsilon: epsilon ?? SolverAdvisor().epsilon)
        case .auto:
            p.solver = AffinitySolver(epsilon: epsilon)
            p.autoSolver = epsilon == nil
        }
        p.sampling = sampling
        p.seed = seed
        return p
    }
}

extension RunOptions {
    /// A run in this process of `snapshotPath` and `personasPath` with these parameters and `--threads`.
    func inputs(
        snapshotPath: String, personasPath: String, personaLimits: PersonaSetLimits = PersonaSetLimits()
    ) -> LocalRunInputs {
        LocalRunInputs(
            snapshotPath: snapshotPath, personasPath: personasPath, parameters: parameters, threads: threads,
            personaLimits: personaLimits)
    }

    /// "20%" or "0.2" → 0.2; `nil` outside [0, 1].
    static func share(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let value = trimmed.hasSuffix("%") ? Double(trimmed.dropLast()).map { $0 / 100 } : Double(trimmed)
        guard let value, (0...1).contains(value) else { return nil }
        return value
    }
}

extension RunParameters.Sampling: ExpressibleByArgument {}
extension RunParameters.Assignment: ExpressibleByArgument {}
extension AffinityPlacement: ExpressibleByArgument {}
extension LLMMode: ExpressibleByArgument {}

/// Noise of a simulated LLM on top of a labels file.
struct LabelerNoiseOptions: ParsableArguments {
    @Option(help: "Probability that the labeler drops each true persona (LLM noise).")
    var noiseDrop: Double = 0

    @Option(help: "Probability that the labeler adds one wrong persona (LLM noise).")
    var noiseAdd: Double = 0

    @Option(help: "Seed of the labeler's noise.")
    var noiseSeed: UInt64 = 7

    func validate() throws { try Self.validate(drop: noiseDrop, add: noiseAdd) }

    /// `--noise-drop` and `--noise-add` (here or in a command's own flags) must be probabilities.
    static func validate(drop: Double, add: Double) throws {
        guard (0...1).contains(drop), (0...1).contains(add) else {
            throw ValidationError("--noise-drop and --noise-add must be probabilities in [0, 1]")
        }
    }

    var noise: LabelerNoise { LabelerNoise(drop: noiseDrop, add: noiseAdd, seed: noiseSeed) }
}

/// The simulated LLM noise of a ``TruthLabeler``.
struct LabelerNoise {
    var drop: Double
    var add: Double
    var seed: UInt64
}

/// `--solver`: which affinity solver a run uses (``SolverAdvisor`` decides `auto`).
enum SolverRequest: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, exact, revaff
}
