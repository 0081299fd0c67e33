/// The local response cache file (``LLMFileCache``) could not be opened or appended to.
public struct LLMFileCacheError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The file or directory concerned.
    public let path: String
    /// The `errno` of the failed call, when there was one.
    public let systemCode: Int32?

    public init(_ message: String, path: String, systemCode: Int32? = nil) {
        self.message = message
        self.path = path
        self.systemCode = systemCode
    }

    public var description: String { "LLMFileCacheError: \(message) (\(path))" }
}
