import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Names for temporary files and directories that carry the writing process's id, and the removal of those
/// left behind by processes that no longer run (killed while writing).
///
/// A temporary is named `<prefix><pid>.<random>`. A leftover whose process still runs is kept: it may be a
/// concurrent writer into the same directory.
enum LeftoverPaths {
    /// `<prefix><this process id>.<random>`: a fresh temporary name.
    static func name(prefix: String) -> String {
        let random = UInt32.random(in: 0...UInt32.max)
        return "\(prefix)\(getpid()).\(String(random, radix: 16))"
    }

    /// Removes (recursively) the entries of `directory` named `<prefix><pid>.…` whose process `pid` no longer
    /// runs; returns their paths. Entries of other names, and of running processes, are left alone.
    @discardableResult
    static func removeStale(in directory: String, prefix: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for entry in entries.sorted() where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let pid = pid_t(rest[..<dot]), pid > 0,
                !isRunning(pid)
            else { continue }
            let path = FileSystem.join(directory, entry)
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }

    /// Whether a process with this id exists (one we may not signal counts as existing).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
