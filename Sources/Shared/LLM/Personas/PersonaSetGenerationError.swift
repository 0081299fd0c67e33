/// A persona-set generation that could not produce a set.
public struct PersonaSetGenerationError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case noUsers, noProposals, noMerges, noFinalSet }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The graph has no user with a purchase.
        public static let noUsers = Code(.noUsers)
        /// Every propose call failed or answered no persona.
        public static let noProposals = Code(.noProposals)
        /// Every merge call failed or answered no persona.
        public static let noMerges = Code(.noMerges)
        /// The final call failed or answered no persona.
        public static let noFinalSet = Code(.noFinalSet)
        public var description: String { base.rawValue }
    }

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
