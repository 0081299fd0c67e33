#if canImport(Glibc)
    import Glibc
#endif

/// A child process could not be started or controlled.
public struct ChildProcessError: Error, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case spawnFailed, notFound, notReady }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// `posix_spawn` failed, or the child ended at once.
        public static let spawnFailed = Code(.spawnFailed)
        /// The executable to start is missing.
        public static let notFound = Code(.notFound)
        /// A server child did not start serving in time.
        public static let notReady = Code(.notReady)
        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    /// The `errno` of the failing call, if any.
    public let errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String {
        guard let errno else { return message }
        return "\(message): \(String(cString: strerror(errno)))"
    }
}
