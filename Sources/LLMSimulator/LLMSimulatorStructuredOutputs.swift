/// What the simulator does with a request whose `response_format` is `json_schema`.
public enum LLMSimulatorStructuredOutputs: String, Sendable, CaseIterable {
    /// Answers as if it were absent (content faults and name variations still happen): an old server.
    case ignore
    /// Answers within the schema, as a strict server does: no malformed content, unknown names, wrong ids or
    /// name variations; every answer is checked against the schema (``LLMSimulatorStatistics/schemaViolations``).
    case honour
    /// Refuses it with HTTP 400 naming `response_format`, as servers without structured outputs do.
    case refuse
}
