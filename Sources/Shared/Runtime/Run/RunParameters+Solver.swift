public import GPLRCore

extension RunParameters {
    /// Resolves `--solver auto` on the run's graph, before the run starts (``SolverAdvisor``): sets ``solver``
    /// and ``solverReason``. Does nothing when the solver was given.
    /// - Parameter revAffCarriesResiduals: whether RevAff would run incrementally
    ///   (``AffinityComputer/carriesRevAffResiduals``: true of every computer a run uses, in this process, the
    ///   coordinator or the workers' jobs; `false` for one that solves from every prototype each iteration).
    /// - Returns: the reason, to log, when a choice was made.
    @discardableResult
    public mutating func resolveAutoSolver(
        graph: PurchaseGraph, personaCount: Int, threadCount: Int?, revAffCarriesResiduals: Bool = true
    ) throws -> String? {
        guard autoSolver else { return nil }
        var advisor = SolverAdvisor()
        advisor.threadCount = threadCount
        advisor.revAffCarriesResiduals = revAffCarriesResiduals
        let decision = try advisor.choose(
            graph: graph, personaCount: personaCount, walkLength: walkLength,
            budget: budget.total(userCount: graph.userCount), iterations: iterations, seed: seed)
        solver = decision.solver
        solverReason = decision.reason
        autoSolver = false
        return decision.reason
    }
}
