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
    private static let paths = Mutex<Set<String>>([])

    /// Remembers `path` (a file or a directory) as temporary.
    public static func register(_ path: String) {
        paths.withLock { _ = $0.insert(path) }
    }

    /// Forgets `path`: it has been renamed into place or removed.
    public static func unregister(_ path: String) {
        paths.withLock { _ = $0.remove(path) }
    }

    /// The paths registered now.
    static var registered: Set<String> { paths.withLock { $0 } }

    /// Removes every registered path (recursively for directories) and forgets them; returns those removed.
    @discardableResult
    public static func removeAll() -> [String] {
        let taken = paths.withLock { paths in
            defer { paths.removeAll() }
            return paths
        }
        return taken.sorted().filter { path in
            (try? FileManager.default.removeItem(atPath: path)) != nil
        }
    }
}
