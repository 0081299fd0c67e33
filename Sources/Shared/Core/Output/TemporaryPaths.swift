import Foundation
import Synchronization

/// The files and directories this process is writing under temporary names (a snapshot's `.<name>.tmp-…`, a
/// run's `.gplr-staging-…`), so that an interrupted command can remove them before it exits.
///
/// Writers register a path when they create it and unregister it once it has been renamed into place or
/// removed; the `gplr` CLI calls ``removeAll()`` on SIGINT/SIGTERM. A process killed outright (SIGKILL, power
/// loss) cannot clean up: its leftovers carry its process id, and the next writer into the same place removes
/// those of processes that no longer run (see ``LeftoverPaths``).
public enum TemporaryPaths {
    private struct State {
        var paths: Set<String> = []
        /// Set by ``removeAll()``: the process is on its way out, so nothing more may be created.
        var closed = false
    }
    private static let state = Mutex(State())

    /// Creates a temporary with `create` (which returns its path, or `nil` when it could not) and remembers it,
    /// in one step under the registry's lock: an interrupt's ``removeAll()`` either runs before the file exists,
    /// and then nothing is created, or after, and then removes it. Use it rather than ``register(_:)`` for paths
    /// created here, so that a signal between the creation and the registration leaves nothing behind.
    /// - Returns: the path created, or `nil` when `create` failed or the process is being interrupted.
    public static func create(_ create: () -> String?) -> String? {
        state.withLock { state in
            guard !state.closed, let path = create() else { return nil }
            state.paths.insert(path)
            return path
        }
    }

    /// Remembers `path` (a file or a directory) as temporary.
    public static func register(_ path: String) {
        state.withLock { _ = $0.paths.insert(path) }
    }

    /// Forgets `path`: it has been renamed into place or removed.
    public static func unregister(_ path: String) {
        state.withLock { _ = $0.paths.remove(path) }
    }

    /// The paths registered now.
    static var registered: Set<String> { state.withLock { $0.paths } }

    /// Removes every registered path (recursively for directories) and forgets them; returns those removed.
    /// Later ``create(_:)`` calls create nothing: the process is stopping.
    @discardableResult
    public static func removeAll() -> [String] {
        let taken = state.withLock { state in
            defer {
                state.paths.removeAll()
                state.closed = true
            }
            return state.paths
        }
        return taken.sorted().filter { path in
            (try? FileManager.default.removeItem(atPath: path)) != nil
        }
    }
}
