public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A built executable run as a child process with a clean signal mask (unlike Foundation's `Process`, whose
/// children inherit the dispatch thread's blocked signals and would never see SIGTERM), its output going to
/// files the test can read. Stop it in a `defer` (``stop()`` is a no-op once it has ended).
public final class ProcessHandle: @unchecked Sendable {
    // @unchecked: `status` is guarded by `lock`; the rest is immutable.
    public let pid: pid_t
    /// Where its standard output and error go.
    public let stdoutPath: String
    public let stderrPath: String
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable arguments…` (an absolute path) with standard input from /dev/null.
    /// - Parameter descriptors: more descriptors for the child, as child descriptor → this process's descriptor
    ///   (e.g. the pipes of `chromium --remote-debugging-pipe` on 3 and 4).
    public init(
        executable: String, arguments: [String], stdoutPath: String, stderrPath: String,
        descriptors: [Int32: Int32] = [:]
    ) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGALRM, SIGCHLD, SIGUSR1, SIGPIPE] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        for (child, parent) in descriptors.sorted(by: { $0.key < $1.key }) {
            posix_spawn_file_actions_adddup2(&actions, parent, child)
        }

        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
        guard result == 0 else {
            throw ProcessHandleError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Starts a product of this package (see ``BuiltProduct``), output in files of `directory` named after
    /// `label`.
    public convenience init(product: String, _ arguments: [String], directory: TemporaryDirectory, label: String)
        throws
    {
        try self.init(
            executable: BuiltProduct.path(product), arguments: arguments,
            stdoutPath: directory.file("\(label).stdout"), stderrPath: directory.file("\(label).stderr"))
    }

    deinit { stop() }

    /// Whether it is still running.
    public var isRunning: Bool { exitStatus == nil }

    /// The raw `waitpid` status once it has ended (reaping it), `nil` while it runs.
    public var exitStatus: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if status == nil {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid { status = raw } else if result < 0 && errno == ECHILD { status = -1 }
        }
        return status
    }

    /// How it ended, once it has.
    public enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signaled(Int32)
    }

    public var termination: Termination? {
        exitStatus.map { raw in raw & 0x7f == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f) }
    }

    /// Sends `signal` (e.g. SIGTERM, SIGKILL) without waiting.
    public func send(_ signal: Int32) {
        if isRunning { _ = kill(pid, signal) }
    }

    /// Waits up to `timeout` for it to end; its termination, or `nil` if it still runs.
    @discardableResult
    public func wait(timeout: Duration) async -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let termination { return termination }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return termination
    }

    /// Kills it with SIGKILL if it still runs, and reaps it.
    public func stop() {
        guard isRunning else { return }
        _ = kill(pid, SIGKILL)
        lock.lock()
        defer { lock.unlock() }
        if status == nil {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = raw
        }
    }

    /// What it wrote to standard error so far.
    public var standardError: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }
}

/// A child process could not be started.
public struct ProcessHandleError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "ProcessHandle: \(message)" }
}
