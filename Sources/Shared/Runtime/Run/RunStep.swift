/// Where in Algorithm 1 the current task works, as a task-local value: ``GPLRRunner`` binds it around every
/// labeler and affinity call, so an implementation that needs the iteration (the distributed ones build job ids
/// from it) reads it here instead of widening the ``PersonaLabeler`` and ``AffinityComputer`` protocols.
public enum RunStep {
    /// The iteration t (1-based) being labeled or propagated; for the one solve that rebuilds Ψ_raw when a run
    /// resumes, the last completed iteration (0 outside a run).
    @TaskLocal public static var iteration = 0
    /// Whether the labeler is asked the preflight's few users (``GPLRRunner/probeSize``) before the rest of the
    /// first sample: the distributed labeler splits them over two jobs so that two workers warm up at once.
    @TaskLocal public static var isPreflight = false
}
