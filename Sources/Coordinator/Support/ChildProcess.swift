import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn` and a clean signal mask, its output appended to a log file.
///
/// Foundation's `Process` would hand the child the spawning thread's blocked signals (Swift's dispatch threads
/// block most of them), so a `gplr-worker` started that way would never see SIGTERM. Here the mask is emptied and
/// SIGTERM, SIGINT, SIGPIPE, ... are reset to their defaults (this process may ignore them to catch them through
/// dispatch sources). The child gets its own process group, so a Ctrl-C in the terminal reaches only `gplr`,
/// which stops its children in order.
final class ChildProcess: Sendable {
    let pid: pid_t
    let executable: String
    let logPath: String
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable arguments…` (an absolute path) with exactly `environment`, standard input from
    /// /dev/null, standard output and error appended to `logPath`.
    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGALRM, SIGCHLD, SIGUSR1, SIGUSR2, SIGPIPE] {
            sigaddset(&defaults, number)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ChildProcessError(.spawnFailed, "cannot start \(executable)", errno: result)
        }
        self.pid = pid
        self.executable = executable
        self.logPath = logPath
    }

    /// How it ended.
    enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .signaled(let number): "killed by signal \(number)"
            }
        }
    }

    /// Its termination once it has ended (reaping it), `nil` while it runs.
    var termination: Termination? {
        let raw = status.withLock { status -> Int32? in
            if status == nil {
                var raw: Int32 = 0
                let result = waitpid(pid, &raw, WNOHANG)
                if result == pid { status = raw } else if result < 0 && errno == ECHILD { status = 0 }
            }
            return status
        }
        return raw.map { $0 & 0x7f == 0 ? .exited(($0 >> 8) & 0xff) : .signaled($0 & 0x7f) }
    }

    var isRunning: Bool { termination == nil }

    /// Sends `signal` unless it has ended (and been reaped: its pid may belong to someone else by then).
    func send(_ signal: Int32) {
        if isRunning { _ = kill(pid, signal) }
    }

    /// Waits up to `timeout` for it to end; its termination, or `nil` if it still runs.
    func wait(timeout: Duration) async -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination { return termination }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return termination
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace`; returns once it is reaped.
    @discardableResult
    func terminate(grace: Duration) async -> Termination {
        send(SIGTERM)
        if let ended = await wait(timeout: grace) { return ended }
        send(SIGKILL)
        while true {
            if let ended = await wait(timeout: .seconds(1)) { return ended }
        }
    }
}

/// A child process could not be started or controlled.
struct ChildProcessError: Error, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case spawnFailed, notFound }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        static let spawnFailed = Code(.spawnFailed)
        static let notFound = Code(.notFound)
        var description: String { value.rawValue }
    }

    let code: Code
    let message: String
    /// The `errno` of the failing call, if any.
    let errno: Int32?

    init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    var description: String {
        guard let errno else { return message }
        return "\(message): \(String(cString: strerror(errno)))"
    }
}
