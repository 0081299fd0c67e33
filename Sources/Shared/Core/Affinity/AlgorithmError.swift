/// A rejected input to one of the GPLR algorithms (labels, affinity shards, sampling, assignment, evaluation).
///
/// The algorithms are pure, so every failure is a caller mistake that can be described precisely: the code says
/// which kind, the message says what was wrong and with which values, and `context` names the input involved.
public struct AlgorithmError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of input was rejected. Compare against the statics; the set may grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case personaOutOfRange, userOutOfRange, invalidParameter, shardMismatch, incompleteAffinity
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A persona index is not in `0 ..< personaCount`.
        public static let personaOutOfRange = Code(.personaOutOfRange)
        /// A user index is not in `0 ..< userCount`.
        public static let userOutOfRange = Code(.userOutOfRange)
        /// A numeric parameter (walk length, ε, β, k, thread count, …) is outside its domain.
        public static let invalidParameter = Code(.invalidParameter)
        /// Affinity shards or matrices that must line up (users, persona columns) do not.
        public static let shardMismatch = Code(.shardMismatch)
        /// A step that needs every persona column got an affinity matrix holding only some.
        public static let incompleteAffinity = Code(.incompleteAffinity)

        public var description: String {
            switch value {
            case .personaOutOfRange: "persona out of range"
            case .userOutOfRange: "user out of range"
            case .invalidParameter: "invalid parameter"
            case .shardMismatch: "shard mismatch"
            case .incompleteAffinity: "incomplete affinity"
            }
        }
    }

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
