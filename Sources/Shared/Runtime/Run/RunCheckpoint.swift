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

    public init(completedIterations: Int, prototypes: PrototypeSet, failedUsers: [Int], report: RunReport) {
        self.completedIterations = completedIterations
        self.prototypes = prototypes
        self.failedUsers = failedUsers
        self.report = report
    }
}
