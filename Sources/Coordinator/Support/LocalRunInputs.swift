import GPLRCore
import GPLRLLM
import GPLRRuntime

/// What a run in this process reads and how it computes: the snapshot, the persona set, the parameters of
/// Algorithm 1 and the solver threads. ``LocalRun``, ``LocalLLMRun`` and ``DryRun`` differ only in their labeler
/// and in what they do with the outcome: they load their inputs and build their runner here.
struct LocalRunInputs {
    var snapshotPath: String
    var personasPath: String
    var parameters: RunParameters
    /// Solver threads (`--threads`; `nil`: all cores).
    var threads: Int?
    /// The largest persona set read.
    var personaLimits = PersonaSetLimits()

    /// The graph and the persona set, read and checked.
    struct Loaded {
        var graph: PurchaseGraph
        var personas: PersonaSet
        /// The snapshot's content hash (hex), the run's report names it.
        var snapshotHash: String
    }

    /// Reads the persona set and the snapshot, refusing a snapshot with nothing to run on.
    func load() throws -> Loaded {
        let personas = try PersonaSet(contentsOf: personasPath, limits: personaLimits)
        let (graph, info) = try Snapshot.read(from: snapshotPath)
        try RunInputCheck.requireNonEmpty(graph, snapshot: snapshotPath)
        return Loaded(graph: graph, personas: personas, snapshotHash: info.hash.hex)
    }

    /// Decides `--solver auto` on the loaded graph
    /// (``RunParameters/resolveAutoSolver(graph:personaCount:threadCount:revAffCarriesResiduals:)``: RevAff here
    /// carries its residuals) and prints the choice.
    mutating func resolveAutoSolver(for loaded: Loaded) throws {
        if let reason = try parameters.resolveAutoSolver(
            graph: loaded.graph, personaCount: loaded.personas.count, threadCount: threads)
        {
            Console.status("solver: \(reason)")
        }
    }

    /// Algorithm 1 over the loaded inputs with `labeler`, its affinities computed in this process.
    func runner(_ loaded: Loaded, labeler: any PersonaLabeler) -> GPLRRunner {
        GPLRRunner(
            graph: loaded.graph, personas: loaded.personas, parameters: parameters, labeler: labeler,
            affinityComputer: LocalAffinityComputer(
                walkLength: parameters.walkLength, solver: parameters.solver, threadCount: threads),
            snapshotHash: loaded.snapshotHash, threadCount: threads)
    }
}
