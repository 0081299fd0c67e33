/// A fault the simulator can inject into a chat completion.
public enum LLMSimulatorFault: String, Sendable, Hashable, CaseIterable {
    /// HTTP 429 with `Retry-After`.
    case rateLimited
    /// HTTP 500.
    case serverError
    /// No answer until ``LLMSimulatorConfiguration/hangDuration`` has passed (or the simulator stops).
    case hang
    /// HTTP 200 whose body is not a chat completion (truncated JSON).
    case malformedBody
    /// A valid chat completion whose content is truncated JSON.
    case malformedJSON
    /// Each user's answer gets an extra persona name that is not in R.
    case unknownPersona
    /// The first user's answer comes under a user id that was not asked about.
    case wrongUserID
}
