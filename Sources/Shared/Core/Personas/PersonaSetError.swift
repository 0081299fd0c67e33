import GPLRSupport

/// A persona set that cannot be used: unreadable, not the expected JSON, or failing validation.
struct PersonaSetError: Error, CustomStringConvertible, Sendable {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case unreadable, malformed, empty, emptyName, duplicateName, reservedName, unwritable, limitExceeded
            case invalidCharacter
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read.
        static let unreadable = Code(.unreadable)
        /// The file is not a JSON array of `{"name","description"}` (nor `{"personas": [...]}`).
        static let malformed = Code(.malformed)
        /// The set has no personas.
        static let empty = Code(.empty)
        /// A persona's name is empty after normalisation.
        static let emptyName = Code(.emptyName)
        /// Two names are equal after normalisation.
        static let duplicateName = Code(.duplicateName)
        /// A persona is named "Unrepresentable", which is an LLM answer, not a persona.
        static let reservedName = Code(.reservedName)
        /// The file could not be written.
        static let unwritable = Code(.unwritable)
        /// More personas, or longer names or descriptions, than ``PersonaSetLimits`` allow.
        static let limitExceeded = Code(.limitExceeded)
        /// A name holds `|` (the separator of `phi.csv`'s persona lists) or a control character (a line feed would
        /// split the line of every output that names the persona).
        static let invalidCharacter = Code(.invalidCharacter)

        var description: String { base.rawValue }
    }

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
