import GPLRSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Writes to standard output and standard error without trapping when the reader has gone away.
///
/// SIGPIPE is ignored process-wide (the Redis layer needs that), so a write to a closed pipe — `gplr demo | head`
/// — fails with `EPIPE` instead of ending the process, and `FileHandle.write` turns that failure into a crash
/// that skips every clean-up (the demo's redis-server and workers would be left running). Here a failed write
/// sends the process a SIGTERM instead, once: commands that clean up on SIGTERM (`demo`, `serve`, a distributed
/// `run`) stop as if interrupted; the others end as a closed pipe would have ended them.
enum StandardStreams {
    static func writeError(_ text: String) { write(text, to: STDERR_FILENO) }
    static func writeOutput(_ text: String) { write(text, to: STDOUT_FILENO) }

    /// Whether a failed write has already asked for termination.
    private static let terminating = Mutex(false)

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                let first = terminating.withLock { terminating in
                    defer { terminating = true }
                    return !terminating
                }
                if first { kill(getpid(), SIGTERM) }
                return
            }
        }
    }
}
