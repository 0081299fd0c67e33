import Foundation
import Synchronization

#if canImport(Glibc)
    public import Glibc
#endif

/// A child process started with `posix_spawnp` and a clean signal mask: the one way this package starts
/// processes (`gplr demo`'s workers and redis-server, the test suite's binaries, redis-server and chromium).
///
/// Foundation's `Process` would hand the child the spawning thread's blocked signals (Swift's dispatch threads
/// block most of them), so a `gplr-worker` or `redis-server` started that way would never see SIGTERM. Here the
/// mask is emptied and SIGTERM, SIGINT, SIGPIPE, ... are reset to their defaults (this process may ignore them
/// to catch them through dispatch sources).
///
/// It is stopped with SIGKILL when the last reference goes away, unless ``detach()`` was called (`gplr demo
/// --keep`): nothing started here outlives its owner by accident.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let executable: String
    /// Where its standard output and error go (`/dev/null` when discarded; the same path when they share a file).
    public let stdoutPath: String
    public let stderrPath: String
    private let state = Mutex(State())

    private struct State {
        var status: Int32?
        var detached = false
    }

    /// Starts `executable arguments…` with standard input from /dev/null.
    ///
    /// - Parameters:
    ///   - executable: an absolute path, or a name looked up in `PATH` (`redis-server`).
    ///   - environment: the child's whole environment; `nil` passes this process's on.
    ///   - stdoutPath, stderrPath: files for its standard output and error; the same path shares one descriptor.
    ///   - appendOutput: append to those files instead of truncating them.
    ///   - descriptors: more descriptors for the child, as child descriptor → this process's descriptor (e.g. the
    ///     pipes of `chromium --remote-debugging-pipe` on 3 and 4). No other descriptor of this process is passed
    ///     on: every other one above standard error is closed in the child.
    ///   - newProcessGroup: give it a process group of its own, so a Ctrl-C in the terminal reaches only this
    ///     process, which stops its children in order (`gplr demo`).
    public init(
        executable: String, arguments: [String], environment: [String: String]? = nil,
        stdoutPath: String = "/dev/null", stderrPath: String = "/dev/null", appendOutput: Bool = false,
        descriptors: [Int32: Int32] = [:], newProcessGroup: Bool = false
    ) throws(ChildProcessError) {
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
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let mode = O_WRONLY | O_CREAT | (appendOutput ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, mode, 0o644)
        if stderrPath == stdoutPath {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, mode, 0o644)
        }
        for (child, parent) in descriptors.sorted(by: { $0.key < $1.key }) {
            posix_spawn_file_actions_adddup2(&actions, parent, child)
        }
        // Nothing else of this process's: without this, every descriptor open here without close-on-exec at the
        // moment of the spawn (a file another thread is writing, a socket) would stay open in the child for its
        // whole life. A test's freshly written script then cannot be executed while a redis-server started beside
        // it holds it open for writing (ETXTBSY), and a `gplr demo` worker would keep the demo's files.
        let highest = descriptors.keys.max() ?? 2
        for descriptor in 3..<max(3, highest) where descriptors[descriptor] == nil {
            posix_spawn_file_actions_addclose(&actions, descriptor)  // not open: glibc ignores the EBADF
        }
        Self.addCloseFrom(&actions, highest + 1)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { environment in
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { for pointer in argv + (envp ?? []) { free(pointer) } }
        var pid: pid_t = 0
        let result =
            envp.map { posix_spawnp(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw ChildProcessError(.spawnFailed, "cannot start \(executable)", errno: result)
        }
        self.pid = pid
        self.executable = executable
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// `posix_spawn_file_actions_addclosefrom_np(actions, lowest)` (glibc ≥ 2.34, which Swift's Glibc module does
    /// not export: looked up by name), or where it is missing, a close action for each descriptor `/proc/self/fd`
    /// lists now.
    private static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        if let closeFrom = closeFromAction {
            _ = closeFrom(&actions, lowest)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }).sorted() where descriptor >= lowest {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    private typealias CloseFromAction =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFromAction: CloseFromAction? = dlsym(
        UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"
    ).map { unsafeBitCast($0, to: CloseFromAction.self) }

    deinit {
        if !state.withLock({ $0.detached }) { stop() }
    }

    /// How it ended.
    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        init(status raw: Int32) {
            self = raw & 0x7f == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
        }

        public var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .signaled(let number): "killed by signal \(number)"
            }
        }
    }

    /// Its termination once it has ended (reaping it), `nil` while it runs.
    public var termination: Termination? {
        let raw = state.withLock { state -> Int32? in
            if state.status == nil {
                var raw: Int32 = 0
                let result = waitpid(pid, &raw, WNOHANG)
                // ECHILD: reaped elsewhere, the status is lost; it has ended all the same.
                if result == pid { state.status = raw } else if result < 0 && errno == ECHILD { state.status = 0 }
            }
            return state.status
        }
        return raw.map(Termination.init(status:))
    }

    public var isRunning: Bool { termination == nil }

    /// Sends `signal` unless it has ended (and been reaped: its pid may belong to someone else by then).
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

    /// SIGTERM, then SIGKILL if it has not ended within `grace`; returns once it is reaped.
    @discardableResult
    public func terminate(grace: Duration) async -> Termination {
        send(SIGTERM)
        if let ended = await wait(timeout: grace) { return ended }
        send(SIGKILL)
        while true {
            if let ended = await wait(timeout: .seconds(1)) { return ended }
        }
    }

    /// Sends `signal` if it still runs and blocks until it has ended (use a signal that ends it).
    @discardableResult
    public func signalAndWait(_ signal: Int32) -> Termination {
        let raw = state.withLock { state -> Int32 in
            if let status = state.status { return status }
            _ = kill(pid, signal)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            state.status = raw
            return raw
        }
        return Termination(status: raw)
    }

    /// Kills it with SIGKILL if it still runs, and reaps it.
    public func stop() {
        if isRunning { signalAndWait(SIGKILL) }
    }

    /// Leaves it running when this object goes away (`gplr demo --keep`).
    public func detach() {
        state.withLock { $0.detached = true }
    }
}
