public import GPLRSupport

/// A rejected input to one of the GPLR algorithms (labels, affinity shards, sampling, assignment, evaluation).
///
/// The algorithms are pure, so every failure is a caller mistake that can be described precisely: the code says
/// which kind, the message says what was wrong and with which values, and `context` names the input involved.
public struct AlgorithmError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: Code
    public let message: String
    /// The input or parameter involved, e.g. "PrototypeLabels", "RevAff.epsilon".
    public let context: String

    public init(_ code: Code, _ message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { "\(code) in \(context): \(message)" }
}

extension AlgorithmError {
    /// Refuses a β of Eq. (3) that is negative or not finite (the de-bias coefficients' exponent), naming `context`.
    static func checkBeta(_ beta: Double, context: String) throws {
        guard beta >= 0 && beta.isFinite else {
            throw AlgorithmError(.invalidParameter, "beta must be finite and ≥ 0, got \(beta)", context: context)
        }
    }
}

extension AlgorithmError {
    /// What kind of input was rejected. Compare against the statics; the set may grow.
    public typealias Code = ErrorCode<AlgorithmError>
}

extension ErrorCode<AlgorithmError> {
    /// A persona index is not in `0 ..< personaCount`.
    public static var personaOutOfRange: Self { Self("persona out of range") }
    /// A user index is not in `0 ..< userCount`.
    public static var userOutOfRange: Self { Self("user out of range") }
    /// A numeric parameter (walk length, ε, β, k, thread count, …) is outside its domain.
    public static var invalidParameter: Self { Self("invalid parameter") }
    /// Affinity shards or matrices that must line up (users, persona columns) do not.
    public static var shardMismatch: Self { Self("shard mismatch") }
    /// A step that needs every persona column got an affinity matrix holding only some.
    public static var incompleteAffinity: Self { Self("incomplete affinity") }
}
