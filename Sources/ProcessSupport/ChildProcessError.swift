public import GPLRSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A child process could not be started or controlled.
public struct ChildProcessError: Error, CustomStringConvertible {
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

extension ChildProcessError {
    /// What kind of failure this is; compare against the statics.
    public typealias Code = ErrorCode<ChildProcessError>
}

extension ErrorCode<ChildProcessError> {
    /// `posix_spawn` failed, or the child ended at once.
    public static var spawnFailed: Self { Self("spawnFailed") }
    /// The executable to start is missing.
    public static var notFound: Self { Self("notFound") }
    /// A server child did not start serving in time.
    public static var notReady: Self { Self("notReady") }
}
