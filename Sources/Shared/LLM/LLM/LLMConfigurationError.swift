public import GPLRSupport

/// A configuration that could not be loaded. Never contains the key or the key file's contents.
public struct LLMConfigurationError: Error, CustomStringConvertible, Sendable {
    public let code: Code
    public let message: String
    /// The key file path or the variable name concerned.
    public let source: String

    public var description: String { "LLMConfigurationError.\(code): \(message) (\(source))" }
}

extension LLMConfigurationError {
    /// What kind of failure this is; compare against the statics.
    public typealias Code = ErrorCode<LLMConfigurationError>
}

extension ErrorCode<LLMConfigurationError> {
    /// The key file does not exist or cannot be read.
    public static var unreadableKeyFile: Self { Self("unreadableKeyFile") }
    /// The key file holds only whitespace.
    public static var emptyKeyFile: Self { Self("emptyKeyFile") }
    /// An environment variable has a value that cannot be used.
    public static var invalidValue: Self { Self("invalidValue") }
}
