public import GPLRSupport

/// A result file could not be written.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let code: Code
    /// The file that could not be written.
    public let path: String
    public let reason: String

    package static func cannotWrite(path: String, reason: String) -> OutputError {
        OutputError(code: .cannotWrite, path: path, reason: reason)
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

extension OutputError {
    /// What kind of failure this is; compare against the statics.
    public typealias Code = ErrorCode<OutputError>
}

extension ErrorCode<OutputError> {
    public static var cannotWrite: Self { Self("cannot-write") }
}
