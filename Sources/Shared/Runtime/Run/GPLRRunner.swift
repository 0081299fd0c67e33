import Foundation
public import GPLRCore
public import GPLRLLM
import GPLRSupport

/// Algorithm 1 of the paper: T iterations of sample → label → affinity, then top-k assignment.
///
/// The runner does the cheap global steps itself (sampling, the label matrix, assignment) and delegates the two
/// expensive ones to a ``PersonaLabeler`` and an ``AffinityComputer``, so the same loop runs in one process or
/// sharded over workers, and gives the same Φ for the same seed and labels either way.
public struct GPLRRunner: Sendable {
    public let graph: PurchaseGraph
    public let personas: PersonaSet
    public let parameters: RunParameters
    public let labeler: any PersonaLabeler
    public let affinityComputer: any AffinityComputer
    /// Identifies the graph in the report (the snapshot's content hash).
    public let snapshotHash: String
    /// Threads for sampling; `nil` = all active processors.
    public var threadCount: Int?
    /// Ask the first ``probeSize`` users of the first iteration on their own before the rest. Off in batch mode:
    /// there a probe would cost a whole batch round trip, and a wrong key fails the upload at once anyway.
    public var preflight = true

    public init(
        graph: PurchaseGraph, personas: PersonaSet, parameters: RunParameters, labeler: any PersonaLabeler,
        affinityComputer: any AffinityComputer, snapshotHash: String, threadCount: Int? = nil
    ) {
        self.graph = graph
        self.personas = personas
        self.parameters = parameters
        self.labeler = labeler
        self.affinityComputer = affinityComputer
        self.snapshotHash = snapshotHash
        self.threadCount = threadCount
    }

    /// Runs the whole algorithm. `observe` is called with each step's progress, in order.
    /// - Parameters:
    ///   - resumingFrom: a checkpoint of an earlier, interrupted run with the same parameters and graph: its
    ///     finished iterations are not redone and nobody it labeled is labeled again.
    ///   - checkpoint: called after every finished iteration with the state to resume from.
    public func run(
        resumingFrom resumed: RunCheckpoint? = nil,
        checkpoint: @Sendable (RunCheckpoint) async throws -> Void = { _ in },
        observe: @Sendable (RunEvent) -> Void = { _ in }
    ) async throws -> RunOutcome {
        if let problem = parameters.validationProblem() {
            throw AlgorithmError(.invalidParameter, problem, context: "run parameters")
        }
        let clock = ContinuousClock()
        let started = clock.now
        var machine = try RunStateMachine(
            parameters: parameters, personaCount: personas.count,
            report: RunReport(
                parameters: parameters, snapshotHash: snapshotHash, users: graph.userCount, items: graph.itemCount,
                edges: graph.edgeCount, personas: personas.names),
            resumingFrom: resumed, carriesRevAffResiduals: affinityComputer.carriesRevAffResiduals)
        // Ψ_raw = Π·L_raw (DESIGN §3): c_r is applied when Ψ is read. It is linear in L_raw, so each iteration only
        // propagates its own new prototypes and adds them: the exact solver directly, RevAff with the residuals it
        // left below θ carried (in the box, ``IncrementalRevAff``, or through the affinity jobs). Ψ_raw
        // is not checkpointed (it is large): a resumed run rebuilds it, with one solve from every prototype or, for
        // RevAff carrying its residuals, batch by batch as it was built. The box is held across iterations and its
        // matrix only borrowed by each step, so the solver's in-place additions never copy it.
        var running: RunningAffinity?
        let addsRevAff = parameters.solver != .exact && affinityComputer.carriesRevAffResiduals
        func emptyAffinity() throws -> RunningAffinity {
            RunningAffinity(try AffinityMatrix(zerosForUsers: graph.userCount, personaCount: personas.count))
        }
        var action = machine.start()
        var prototypes: PrototypeLabels
        actions: while true {
            let stepStart = clock.now
            func seconds() -> Double { (clock.now - stepStart).inSeconds }
            switch action {
            case .rebuildAffinity(let iteration, let labels, let batches):
                running = nil
                if addsRevAff {
                    // Batch by batch, as the interrupted run added them: the same Ψ̂ and carried residuals, so the
                    // resumed run samples what the uninterrupted one would have.
                    let box = try emptyAffinity()
                    for batch in batches {
                        let matrix = try LabelMatrix(labels: batch, userCount: graph.userCount, beta: parameters.beta)
                        try await RunStep.$iteration.withValue(iteration) {
                            try await affinityComputer.addAffinity(graph: graph, labels: matrix, to: box)
                        }
                    }
                    running = box
                } else {
                    let matrix = try LabelMatrix(labels: labels, userCount: graph.userCount, beta: parameters.beta)
                    let solved = try await RunStep.$iteration.withValue(iteration) {
                        try await affinityComputer.affinity(graph: graph, labels: matrix)
                    }
                    running = RunningAffinity(solved)
                }
                action = machine.affinityReady(seconds: seconds())
            case .sample(let iteration, let count):
                let sample = try sampleUsers(
                    iteration: iteration, count: count, affinity: running?.matrix, prototypes: machine.prototypes,
                    attempted: machine.attemptedUsers)
                action = machine.sampled(sample, seconds: seconds())
            case .label(let iteration, let users, let probing):
                let batch = try await RunStep.$iteration.withValue(iteration) {
                    try await label(users, probing: probing)
                }
                action = try machine.labeled(batch, seconds: seconds())
            case .computeAffinity(let iteration, let labels, let mode):
                let added = try LabelMatrix(labels: labels, userCount: graph.userCount, beta: parameters.beta)
                if mode == .add {
                    // RevAff's first addition starts from an empty Ψ̂; the exact solver's first iteration replaces.
                    let box = try running ?? emptyAffinity()
                    try await RunStep.$iteration.withValue(iteration) {
                        try await affinityComputer.addAffinity(graph: graph, labels: added, to: box)
                    }
                    running = box
                } else {
                    running = nil
                    let matrix = try await RunStep.$iteration.withValue(iteration) {
                        try await affinityComputer.affinity(graph: graph, labels: added)
                    }
                    running = RunningAffinity(matrix)
                }
                action = machine.affinityReady(seconds: seconds())
            case .checkpoint(let state):
                try await checkpoint(state)
                action = machine.checkpointed()
            case .fail(let failure):
                throw failure
            case .assign(let final):
                prototypes = final
                break actions
            }
            for event in machine.takeEvents() { observe(event) }
        }
        for event in machine.takeEvents() { observe(event) }
        var report = machine.report

        var finalAffinity =
            try running?.matrix
            ?? AffinityMatrix(zerosForUsers: graph.userCount, personaCount: personas.count)
        running = nil  // the box lets go, so scaling the columns below does not copy them
        let assignStart = clock.now
        let coefficients = PersonaDistribution(labels: prototypes).debiasCoefficients(beta: parameters.beta)
        var cut: CalibratedCut?
        if parameters.assignment == .calibrated {
            cut = try CalibratedCut.fit(
                graph: graph, prototypes: prototypes, rawAffinity: finalAffinity, coefficients: coefficients,
                walkLength: parameters.walkLength, seed: parameters.seed)
            report.calibratedCut = cut
        }
        // From here on Ψ is the de-biased affinity of Eq. (4): what assignment ranks and psi.npy holds.
        try finalAffinity.scaleColumns(by: coefficients, threadCount: threadCount)
        let assignment =
            try cut.map {
                try PersonaAssignment(affinity: finalAffinity, labels: prototypes, cut: $0, graph: graph)
            } ?? PersonaAssignment(affinity: finalAffinity, labels: prototypes, k: parameters.topK)
        report.timings.assignment = (clock.now - assignStart).inSeconds
        observe(.assigned(unreachable: assignment.unreachableUsers.count))

        report.prototypes = prototypes.count
        let distribution = PersonaDistribution(labels: prototypes)
        for (index, name) in personas.names.enumerated() {
            report.prototypeDistribution[name] = distribution.probabilities[index]
        }
        var assigned = [Int](repeating: 0, count: personas.count)
        for persona in assignment.personas { assigned[persona] += 1 }
        for (index, name) in personas.names.enumerated() { report.assignedCounts[name] = assigned[index] }
        report.unreachableUsers = assignment.unreachableUsers.count
        report.unreachableSample = assignment.unreachableUsers.prefix(20).map { graph.userIDs[$0] }
        report.assignmentSummary = AssignmentSummary(
            assignment: assignment, affinity: finalAffinity, labels: prototypes, personaNames: personas.names)
        report.timings.total += (clock.now - started).inSeconds
        return RunOutcome(assignment: assignment, affinity: finalAffinity, prototypes: prototypes, report: report)
    }

    /// Users of the first iteration asked first, on their own: if the labeler answers none of them (a refused key,
    /// a wrong endpoint), the run fails before it sends the rest of the sample.
    public static let probeSize = 8

    /// The labeler's answers for `sample`; with `probing`, the first ``probeSize`` users are asked first as a
    /// preflight (they are part of the sample, so the probe costs nothing extra).
    func label(_ sample: [Int], probing: Bool) async throws -> LabelingBatch {
        guard probing, preflight, sample.count > Self.probeSize else {
            return try await labeler.label(users: sample, in: graph)
        }
        let probe = Array(sample.prefix(Self.probeSize))
        var batch = try await RunStep.$isPreflight.withValue(true) { try await labeler.label(users: probe, in: graph) }
        if batch.failures.count == probe.count && parameters.maxLabelFailureShare < 1 {
            throw RunFailure.labeling(
                failures: batch.failures, sampled: probe.count, allowedShare: parameters.maxLabelFailureShare,
                iteration: 1, preflight: true)
        }
        batch.merge(try await labeler.label(users: Array(sample.dropFirst(Self.probeSize)), in: graph))
        return batch
    }

    /// U_t: DU (or uniform) sampling among users that are neither prototypes nor already attempted.
    func sampleUsers(
        iteration: Int, count: Int, affinity: AffinityMatrix?, prototypes: PrototypeLabels, attempted: Set<Int>
    ) throws -> [Int] {
        // One generator per iteration, derived from the seed: a resumed run draws the same users.
        var random = SeededGenerator(seed: parameters.seed &+ UInt64(iteration) &* 0x9E37_79B9_7F4A_7C15)
        var excluded = prototypes
        for user in attempted where !prototypes.isPrototype(user) {
            // Failed users are excluded like prototypes; they are not labeled, so this copy is local.
            try excluded.setPersonas([], forUser: user)
        }
        if parameters.sampling == .uniform || iteration == 1 || affinity == nil {
            return try UniformSampler().sample(
                count: count, userCount: graph.userCount, excluding: excluded, using: &random)
        }
        return try DUSampler(
            floor: parameters.duFloor, prior: parameters.duPrior, beta: parameters.beta,
            poolFactor: parameters.duPool, threadCount: threadCount
        ).sample(
            iteration: iteration, count: count, userCount: graph.userCount, affinity: affinity,
            labels: excluded, purchases: { [graph] in graph.degree(ofUser: $0) }, using: &random)
    }
}
