import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// `--parent-pid`: stops the worker gracefully (as SIGTERM does) once its parent process is gone, so that the
/// workers a supervisor like `gplr demo` starts never outlive it, even when it is killed with SIGKILL and cannot
/// stop them itself. The parent is gone when the worker has been re-parented (`getppid()` changed): robust
/// against the parent's pid being reused.
struct ParentWatch: Service {
    let parent: pid_t
    let logger: Logger
    var interval: Duration = .milliseconds(500)

    func run() async throws {
        while !Task.isCancelled {
            if getppid() != parent {
                logger.notice("parent process is gone; stopping", metadata: ["worker.parent": "\(parent)"])
                kill(getpid(), SIGTERM)  // the ServiceGroup's graceful shutdown: finish the jobs in hand
                break
            }
            try? await Task.sleep(for: interval)
        }
        // Returning would end the group at once; wait for the graceful shutdown instead.
        try? await gracefulShutdown()
    }
}
