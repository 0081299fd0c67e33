public import GPLRSupport

/// A persona-set generation that could not produce a set.
public struct PersonaSetGenerationError: Error, CustomStringConvertible, Sendable {
    public let code: Code
    public let message: String
    /// The step ("propose", "merge", "final").
    public let step: String
    /// The last cause (a ``ChatCompletionError`` or a ``PersonaSetError``).
    public let underlying: (any Error & Sendable)?

    public init(code: Code, message: String, step: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.step = step
        self.underlying = underlying
    }

    public var description: String {
        var text = "PersonaSetGenerationError.\(code) (\(step)): \(message)"
        if let underlying { text += "; last cause: \(underlying)" }
        return text
    }
}

extension PersonaSetGenerationError {
    /// What kind of failure this is; compare against the statics.
    public typealias Code = ErrorCode<PersonaSetGenerationError>
}

extension ErrorCode<PersonaSetGenerationError> {
    /// The graph has no user with a purchase.
    public static var noUsers: Self { Self("noUsers") }
    /// Every propose call failed or answered no persona.
    public static var noProposals: Self { Self("noProposals") }
    /// Every merge call failed or answered no persona.
    public static var noMerges: Self { Self("noMerges") }
    /// The final call failed or answered no persona.
    public static var noFinalSet: Self { Self("noFinalSet") }
}
