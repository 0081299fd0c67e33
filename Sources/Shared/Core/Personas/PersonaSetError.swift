import GPLRSupport

/// A persona set that cannot be used: unreadable, not the expected JSON, or failing validation.
struct PersonaSetError: Error, CustomStringConvertible, Sendable {
    var code: Code
    var message: String
    /// The persona file, or `nil` for a set built in memory.
    var file: String?
    var underlying: (any Error & Sendable)?

    init(_ code: Code, _ message: String, file: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.underlying = underlying
    }

    var description: String {
        var text = "persona set"
        if let file { text += " \(file)" }
        text += ": \(code): \(message)"
        if let underlying { text += " (\(ErrorText.describe(underlying)))" }
        return text
    }
}

extension PersonaSetError {
    /// What kind of failure this is; compare against the statics.
    typealias Code = ErrorCode<PersonaSetError>
}

extension ErrorCode<PersonaSetError> {
    /// The file could not be read.
    static var unreadable: Self { Self("unreadable") }
    /// The file is not a JSON array of `{"name","description"}` (nor `{"personas": [...]}`).
    static var malformed: Self { Self("malformed") }
    /// The set has no personas.
    static var empty: Self { Self("empty") }
    /// A persona's name is empty after normalisation.
    static var emptyName: Self { Self("emptyName") }
    /// Two names are equal after normalisation.
    static var duplicateName: Self { Self("duplicateName") }
    /// A persona is named "Unrepresentable", which is an LLM answer, not a persona.
    static var reservedName: Self { Self("reservedName") }
    /// The file could not be written.
    static var unwritable: Self { Self("unwritable") }
    /// More personas, or longer names or descriptions, than ``PersonaSetLimits`` allow.
    static var limitExceeded: Self { Self("limitExceeded") }
    /// A name holds `|` (the separator of `phi.csv`'s persona lists) or a control character (a line feed would
    /// split the line of every output that names the persona).
    static var invalidCharacter: Self { Self("invalidCharacter") }
}
