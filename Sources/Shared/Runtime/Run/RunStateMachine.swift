import GPLRCore
import GPLRLLM

/// Algorithm 1's control flow as a value: it holds the run's state (iteration, prototypes, users attempted, the
/// report) and answers each finished step with the next ``Action``. It does no I/O and no computation:
/// ``GPLRRunner`` performs the actions (sampling, labeling, affinity, checkpoints) and feeds the results back,
/// so the order of steps, resuming, the failure rule and the report are tested without a graph, a labeler or
/// Redis (`RunStateMachineTests`).
///
/// ```
/// start ─▶ [rebuildAffinity ─▶ affinityReady] ─▶ sample ─▶ sampled ─▶ label ─▶ labeled ─▶ computeAffinity
///   ─▶ affinityReady ─▶ checkpoint ─▶ checkpointed ─▶ sample (next iteration) … ─▶ assign
///                                  labeled (too many failures) ─▶ fail        sampled (nobody left) ─▶ assign
/// ```
struct RunStateMachine: Sendable {
    /// What the runner does next.
    enum Action: Sendable, Equatable {
        /// Ψ_raw from all of these prototypes (a resumed run: Ψ_raw is not checkpointed), for the state after
        /// `iteration`: in one solve, or, for RevAff carrying its residuals, added batch by batch in `batches` (the
        /// same prototypes by the iteration that labeled them), as the interrupted run built it.
        case rebuildAffinity(iteration: Int, labels: PrototypeLabels, batches: [PrototypeLabels])
        /// Draw U_t: `count` users among those neither prototypes nor attempted (``prototypes``,
        /// ``attemptedUsers``), DU or uniform as the parameters say.
        case sample(iteration: Int, count: Int)
        /// Ask the labeler about `users`; with `probing`, the first few on their own first (preflight).
        case label(iteration: Int, users: [Int], probing: Bool)
        /// Ψ_raw of these prototypes' labels: `.add`ed to the running Ψ_raw (the iteration's new prototypes: the
        /// exact solver, or RevAff carrying its residuals, whose first addition starts from an empty Ψ̂) or
        /// `.replace` it (RevAff without carried residuals, or no exact Ψ_raw yet: every prototype so far).
        case computeAffinity(iteration: Int, labels: PrototypeLabels, mode: AffinityUpdate)
        /// Store the state to resume from.
        case checkpoint(RunCheckpoint)
        /// The loop is over: assign personas from Ψ and these prototypes.
        case assign(PrototypeLabels)
        /// The run cannot go on.
        case fail(RunFailure)
    }

    /// How a computed Ψ_raw joins the running one.
    enum AffinityUpdate: Sendable, Equatable {
        case add, replace
    }

    let parameters: RunParameters
    let userCount: Int
    /// The prototypes so far (U_s with their labels).
    private(set) var prototypes: PrototypeLabels
    /// The iteration that labeled each prototype (for the checkpoint: ``RunCheckpoint/prototypeIterations``).
    private var labeledIn: [Int: Int] = [:]
    /// The resumed checkpoint's prototypes by iteration (empty for a fresh run).
    private let resumedBatches: [PrototypeLabels]
    /// Prototypes and users the labeler failed on: never sampled again, so the budget is not spent twice.
    private(set) var attemptedUsers: Set<Int>
    /// The report so far (timings from the seconds each step reports).
    private(set) var report: RunReport

    private enum Phase: Sendable, Equatable {
        case ready, rebuilding, sampling, labeling, computingAffinity, checkpointing, assigning, failed
    }

    private var phase = Phase.ready
    /// The iteration in progress (the last one started).
    private var iteration: Int
    private var sample: [Int] = []
    private var current: RunReport.Iteration?
    /// Whether a Ψ_raw exists to add to.
    private var hasAffinity = false
    /// Whether RevAff's Ψ̂ is added to iteration by iteration, residuals carried (from an empty Ψ̂ on the first).
    private let revAffIncremental: Bool
    private var events: [RunEvent] = []

    /// A run from the start, or from `resumed` (an earlier run's checkpoint with the same parameters and graph).
    /// - Parameter carriesRevAffResiduals: whether the affinity computer adds RevAff's Ψ̂ incrementally with its
    ///   residuals carried (``AffinityComputer/carriesRevAffResiduals``); a RevAff run then asks only for each
    ///   iteration's new prototypes, as an exact run does, instead of a solve from every prototype.
    init(
        parameters: RunParameters, personaCount: Int, report: RunReport, resumingFrom resumed: RunCheckpoint?,
        carriesRevAffResiduals: Bool = false
    ) throws {
        self.parameters = parameters
        revAffIncremental = parameters.solver != .exact && carriesRevAffResiduals
        userCount = report.users
        prototypes = try resumed?.prototypes.labels() ?? PrototypeLabels(personaCount: personaCount)
        resumedBatches = try resumed?.prototypeBatches() ?? []
        if let resumed {
            labeledIn = Dictionary(uniqueKeysWithValues: zip(resumed.prototypes.users, resumed.labelingIterations))
        }
        attemptedUsers = Set(resumed?.failedUsers ?? []).union(prototypes.users)
        self.report = resumed?.report ?? report
        let revAffMode = revAffIncremental ? " (incremental)" : ""
        switch parameters.solver {
        case .exact: self.report.solver = "exact (incremental)"
        case .revAff(let epsilon): self.report.solver = "revaff ε=\(epsilon)" + revAffMode
        }
        self.report.solverReason = parameters.solverReason
        iteration = resumed?.completedIterations ?? 0
    }

    /// The run events of the steps since the last call, in order (for progress output).
    mutating func takeEvents() -> [RunEvent] {
        defer { events.removeAll() }
        return events
    }

    /// The first action.
    mutating func start() -> Action {
        precondition(phase == .ready, "start() called twice")
        if iteration > 0 {
            phase = .rebuilding
            return .rebuildAffinity(iteration: iteration, labels: prototypes, batches: resumedBatches)
        }
        return nextIteration()
    }

    /// U_t was drawn (`users`, in sample order), in `seconds`.
    mutating func sampled(_ users: [Int], seconds: Double) -> Action {
        precondition(phase == .sampling, "sampled(_:) outside sampling")
        report.timings.sampling += seconds
        current?.seconds += seconds
        let samplingSecondsBefore = current?.samplingSeconds ?? 0
        current?.samplingSeconds = samplingSecondsBefore + seconds
        events.append(.sampled(iteration: iteration, of: parameters.iterations, sampled: users.count))
        guard !users.isEmpty else {
            current = nil
            return finish()
        }
        sample = users
        phase = .labeling
        return .label(iteration: iteration, users: users, probing: iteration == 1)
    }

    /// The labeler answered for the sample, in `seconds`. Answers for users not in the sample are ignored; a user
    /// of the sample with neither labels nor a failure counts as failed.
    /// - Throws: ``AlgorithmError`` when an answer names a persona outside the set (a labeler defect).
    mutating func labeled(_ batch: LabelingBatch, seconds: Double) throws -> Action {
        precondition(phase == .labeling, "labeled(_:) outside labeling")
        report.timings.labeling += seconds
        attemptedUsers.formUnion(sample)
        var unrepresentable = 0
        var newPrototypes = PrototypeLabels(personaCount: prototypes.personaCount)
        var failures: [Int: String] = [:]
        for user in sample {
            guard let labels = batch.labels[user] else {
                failures[user] = batch.failures[user] ?? "no answer"
                continue
            }
            try prototypes.setPersonas(labels, forUser: user)
            try newPrototypes.setPersonas(labels, forUser: user)
            labeledIn[user] = iteration
            if labels.isEmpty { unrepresentable += 1 }
        }
        report.labelerCounters.merge(batch.counters, uniquingKeysWith: +)
        report.labelBudgetSpent += sample.count
        if Double(failures.count) > parameters.maxLabelFailureShare * Double(sample.count) {
            phase = .failed
            return .fail(
                RunFailure.labeling(
                    failures: failures, sampled: sample.count, allowedShare: parameters.maxLabelFailureShare,
                    iteration: iteration))
        }
        let labeled = sample.count - failures.count
        events.append(
            .labeled(iteration: iteration, labeled: labeled, unrepresentable: unrepresentable, failed: failures.count))
        current?.labeled = labeled
        current?.unrepresentable = unrepresentable
        current?.failed = failures.count
        current?.seconds += seconds
        let labelingSecondsBefore = current?.labelingSeconds ?? 0
        current?.labelingSeconds = labelingSecondsBefore + seconds

        let incremental = (parameters.solver == .exact && hasAffinity) || revAffIncremental
        if incremental && hasAffinity
            && !newPrototypes.users.contains(where: { !(newPrototypes.personas(ofUser: $0) ?? []).isEmpty })
        {
            // Nobody new has a persona: Π·L_raw of the new rows is zero, Ψ_raw stays as it is. Not before a Ψ_raw
            // exists: the next iteration then samples from an all-zero one, as a resumed run (which rebuilds it)
            // does.
            return checkpoint()
        }
        phase = .computingAffinity
        return incremental
            ? .computeAffinity(iteration: iteration, labels: newPrototypes, mode: .add)
            : .computeAffinity(iteration: iteration, labels: prototypes, mode: .replace)
    }

    /// The Ψ_raw asked for (``Action/rebuildAffinity(_:)`` or ``Action/computeAffinity(iteration:labels:mode:)``)
    /// is ready, after `seconds`.
    mutating func affinityReady(seconds: Double) -> Action {
        precondition(phase == .rebuilding || phase == .computingAffinity, "affinityReady(seconds:) unasked")
        hasAffinity = true
        if phase == .rebuilding { return nextIteration() }
        report.timings.affinity += seconds
        current?.seconds += seconds
        let affinitySecondsBefore = current?.affinitySeconds ?? 0
        current?.affinitySeconds = affinitySecondsBefore + seconds
        events.append(.affinityComputed(iteration: iteration, prototypes: prototypes.count, seconds: seconds))
        return checkpoint()
    }

    /// The checkpoint was stored.
    mutating func checkpointed() -> Action {
        precondition(phase == .checkpointing, "checkpointed() outside checkpointing")
        return nextIteration()
    }

    // MARK: - Transitions

    private mutating func nextIteration() -> Action {
        guard iteration < parameters.iterations else { return finish() }
        iteration += 1
        phase = .sampling
        current = RunReport.Iteration(
            iteration: iteration, sampled: 0, labeled: 0, unrepresentable: 0, failed: 0, seconds: 0)
        let count = parameters.budget.perIteration(iteration, of: parameters.iterations, userCount: userCount)
        return .sample(iteration: iteration, count: count)
    }

    private mutating func checkpoint() -> Action {
        if var finished = current {
            finished.sampled = sample.count
            report.iterations.append(finished)
        }
        current = nil
        phase = .checkpointing
        return .checkpoint(
            RunCheckpoint(
                completedIterations: iteration, prototypes: PrototypeSet(prototypes),
                failedUsers: attemptedUsers.filter { !prototypes.isPrototype($0) }.sorted(), report: report,
                prototypeIterations: prototypes.users.map { labeledIn[$0] ?? iteration }))
    }

    private mutating func finish() -> Action {
        phase = .assigning
        return .assign(prototypes)
    }
}
