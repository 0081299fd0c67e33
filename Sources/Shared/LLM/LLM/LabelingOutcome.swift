/// What a labeling answer said, after strict validation, and everything that was wrong with it.
struct LabelingOutcome: Sendable, Equatable {
    /// Users with a usable answer → their personas (canonical names from R, at most the limit, answer order).
    /// An empty list means the LLM answered "Unrepresentable".
    var personas: [String: [String]] = [:]
    /// Users asked about without a usable answer (absent, not a list, or only unknown names), in asking order.
    /// The caller may ask again.
    var missingUserIDs: [String] = []
    /// 1 when the answer was not a JSON object (all users are then missing), else 0.
    var parseFailures = 0
    /// Persona names not in R (after normalising case and spacing), dropped.
    var unknownPersonaCount = 0
    /// The dropped names themselves (first 20), for reports.
    var unknownPersonaNames: [String] = []
    /// Keys of the answer that are not users asked about, ignored.
    var unexpectedUserIDCount = 0
    /// Valid personas beyond the per-user limit, dropped.
    var excessPersonaCount = 0
    /// Repeated personas within one user's answer, dropped.
    var duplicatePersonaCount = 0
    /// Users answered "Unrepresentable".
    var unrepresentableCount = 0
    /// Users whose value was not a list of strings.
    var invalidEntryCount = 0

    init() {}

    /// Whether every user asked about got a usable answer and nothing was dropped.
    var isClean: Bool {
        missingUserIDs.isEmpty && parseFailures == 0 && unknownPersonaCount == 0 && unexpectedUserIDCount == 0
            && excessPersonaCount == 0 && duplicatePersonaCount == 0 && invalidEntryCount == 0
    }
}
