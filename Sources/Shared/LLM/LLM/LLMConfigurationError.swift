/// A configuration that could not be loaded. Never contains the key or the key file's contents.
public struct LLMConfigurationError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case unreadableKeyFile, emptyKeyFile, invalidValue }
        private let base: Base
        /// The key file does not exist or cannot be read.
        public static let unreadableKeyFile = Code(base: .unreadableKeyFile)
        /// The key file holds only whitespace.
        public static let emptyKeyFile = Code(base: .emptyKeyFile)
        /// An environment variable has a value that cannot be used.
        public static let invalidValue = Code(base: .invalidValue)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// The key file path or the variable name concerned.
    public let source: String

    public var description: String { "LLMConfigurationError.\(code): \(message) (\(source))" }
}
