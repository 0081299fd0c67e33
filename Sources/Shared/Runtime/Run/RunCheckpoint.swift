public import GPLRCore

/// The state of a run after a finished iteration: enough to continue it in another process (the distributed
/// coordinator stores it in Redis after every iteration, so a killed coordinator resumes where it stopped).
public struct RunCheckpoint: Codable, Sendable, Equatable {
    /// Iterations fully done (sampled, labeled, Ψ recomputed).
    public var completedIterations: Int
    public var prototypes: PrototypeSet
    /// Users the labeler failed on (never sampled again), ascending.
    public var failedUsers: [Int]
    /// The report so far.
    public var report: RunReport
    /// The iteration that labeled each prototype, parallel to `prototypes.users`: a run whose RevAff Ψ̂ was built
    /// iteration by iteration rebuilds it the same way, so that it goes on exactly as it would have.
    /// `nil` in checkpoints written before it was recorded (the rebuild then pushes every prototype at once).
    public var prototypeIterations: [Int]?

    public init(
        completedIterations: Int, prototypes: PrototypeSet, failedUsers: [Int], report: RunReport,
        prototypeIterations: [Int]? = nil
    ) {
        self.completedIterations = completedIterations
        self.prototypes = prototypes
        self.failedUsers = failedUsers
        self.report = report
        self.prototypeIterations = prototypeIterations
    }

    /// The iteration that labeled each prototype, parallel to `prototypes.users`: ``prototypeIterations``, or 1
    /// for every prototype when it is missing or does not match the prototypes (an older checkpoint).
    public var labelingIterations: [Int] {
        guard let iterations = prototypeIterations, iterations.count == prototypes.users.count else {
            return prototypes.users.map { _ in 1 }
        }
        return iterations
    }

    /// The prototypes split by the iteration that labeled them (``labelingIterations``), in iteration order.
    public func prototypeBatches() throws -> [PrototypeLabels] {
        var batches: [Int: PrototypeLabels] = [:]
        for (index, iteration) in labelingIterations.enumerated() {
            try batches[iteration, default: PrototypeLabels(personaCount: prototypes.personaCount)]
                .setPersonas(prototypes.personas[index], forUser: prototypes.users[index])
        }
        return batches.sorted { $0.key < $1.key }.map(\.value)
    }
}
