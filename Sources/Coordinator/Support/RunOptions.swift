import ArgumentParser
import Shared

/// The parameters of Algorithm 1 as command-line options (defaults are the paper's).
struct RunOptions: ParsableArguments {
    @Option(help: "Label budget τ: a share (\"10%\", \"0.1\") or a count of users (\"5000\").")
    var budget: String = "10%"

    @Option(help: "Iterations T.")
    var iterations: Int = 10

    @Option(help: "Personas per inferred user k.")
    var topK: Int = 5

    @Option(help: "Random-walk length ℓ̂.")
    var walkLength: Int = 1

    @Option(help: "De-bias exponent β.")
    var beta: Double = 0.5

    @Option(help: "RevAff error ε; omit for the exact solver.")
    var epsilon: Double?

    @Option(help: "Sampling after the first iteration: du or uniform.")
    var sampling: RunParameters.Sampling = .du

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
    }

    var parameters: RunParameters {
        var p = RunParameters()
        p.budget = LabelBudget(parsing: budget) ?? .fraction(0.1)
        p.iterations = iterations
        p.topK = topK
        p.walkLength = walkLength
        p.beta = beta
        p.epsilon = epsilon
        p.sampling = sampling
        p.seed = seed
        return p
    }
}

extension RunParameters.Sampling: ExpressibleByArgument {}

/// Noise of a simulated LLM on top of a labels file.
struct LabelerNoiseOptions: ParsableArguments {
    @Option(help: "Probability that the labeler drops each true persona (LLM noise).")
    var noiseDrop: Double = 0

    @Option(help: "Probability that the labeler adds one wrong persona (LLM noise).")
    var noiseAdd: Double = 0

    @Option(help: "Seed of the labeler's noise.")
    var noiseSeed: UInt64 = 7

    func validate() throws {
        guard (0 ... 1).contains(noiseDrop), (0 ... 1).contains(noiseAdd) else {
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
