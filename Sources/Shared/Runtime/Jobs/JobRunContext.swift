/// The run whose job the current task executes, as a task-local value: the worker binds it around every job
/// (``JobDefinition`` payloads do not all name their run), so an executor that counts something per run (the LLM
/// outcomes of a `label` job, ``RedisLLMOutcomeRecorder``) reads it here instead of widening every payload.
public enum JobRunContext {
    /// The job's run id; `nil` outside a worker's job (tests that call an executor directly).
    @TaskLocal public static var runID: String?
}
