#if canImport(Glibc)
    import Glibc
#endif

extension RedisServer {
    /// A child process started with `posix_spawnp` with an EMPTY signal mask.
    ///
    /// Foundation's `Process` spawns from a dispatch worker thread, and those threads block almost every
    /// signal; the child inherits that mask, so `redis-server` would never see SIGTERM. Spawning ourselves
    /// lets `stop()` be a real SIGTERM (graceful shutdown, AOF flushed).
    struct ChildProcess: Sendable {
        let pid: pid_t

        static func spawn(_ arguments: [String]) throws -> ChildProcess {
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var empty = sigset_t()
            sigemptyset(&empty)
            posix_spawnattr_setsigmask(&attributes, &empty)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for number in [SIGTERM, SIGINT, SIGALRM, SIGCHLD, SIGUSR1] { sigaddset(&defaults, number) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid: pid_t = 0
            let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, environ)
            guard status == 0 else {
                throw RedisServerError(message: "cannot start \(arguments[0]): \(String(cString: strerror(status)))")
            }
            return ChildProcess(pid: pid)
        }

        /// The exit status if the process has ended (and reaps it), `nil` while it runs.
        func exitStatusIfEnded() -> Int32? {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            return result == pid ? status : (result < 0 ? -1 : nil)
        }

        /// Sends `signal` and waits until the process has ended.
        func terminate(with signal: Int32) {
            Glibc.kill(pid, signal)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }
}
