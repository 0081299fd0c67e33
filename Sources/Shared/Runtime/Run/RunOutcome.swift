public import GPLRCore

/// Everything a finished run produced: Φ, Ψ, the prototypes and the report.
public struct RunOutcome: Sendable {
    /// Φ for every user.
    public var assignment: PersonaAssignment
    /// Ψ, users × all personas, from the last iteration.
    public var affinity: AffinityMatrix
    /// The prototypes U_s with their labels (an empty list = "Unrepresentable").
    public var prototypes: PrototypeLabels
    public var report: RunReport
}
