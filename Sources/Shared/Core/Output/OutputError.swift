/// A result file could not be written.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case cannotWrite }
        private let value: Value
        public static let cannotWrite = Code(value: .cannotWrite)
        public var description: String { "cannot-write" }
    }

    public let code: Code
    /// The file that could not be written.
    public let path: String
    public let reason: String

    package static func cannotWrite(path: String, reason: String) -> OutputError {
        OutputError(code: .cannotWrite, path: path, reason: reason)
    }

    public var description: String { "cannot write \(path): \(reason)" }
}
