import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A set of result files written under temporary names inside their directory and switched in together, so
/// that an interrupted write never leaves a truncated or mixed set beside the previous one.
///
/// 1. Files are written into a hidden staging directory `<dir>/.gplr-staging-<pid>.<random>/` (``path(_:)``).
/// 2. ``commit(_:)`` flushes them to disk and renames the staging directory to `<dir>/.gplr-commit`: the
///    commit point, one atomic rename.
/// 3. It then renames each file over its final name and removes `.gplr-commit`.
///
/// A process killed before step 2 leaves the previous set untouched, plus a staging directory that the next
/// ``OutputStaging`` for the directory removes (its process no longer runs). A process killed during step 3
/// leaves `.gplr-commit`, which the next one finishes first (roll forward). Either way the directory ends up
/// holding one complete set: the previous one or the new one (docs/decisions.md, "Result files").
public final class OutputStaging {
    /// The name prefix of staging directories.
    public static let stagingPrefix = ".gplr-staging-"
    /// The name of a committed set whose files are being moved into place.
    public static let commitName = ".gplr-commit"

    /// The directory the files end up in.
    public let directory: String
    /// The staging directory the files are written into.
    public let stagingDirectory: String
    private var pending = true

    /// Finishes an interrupted switch in `directory` and removes the staging directories of writers that no
    /// longer run (``recover(directory:)``), then creates a fresh staging directory.
    public init(directory: String) throws(OutputError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError.cannotWrite(path: directory, reason: "cannot create the directory: \(error)")
        }
        try Self.recover(directory: directory)
        let staging = FileSystem.join(directory, LeftoverPaths.name(prefix: Self.stagingPrefix))
        // Created and registered in one step, so an interrupt cannot fall between the two and leave it behind.
        guard TemporaryPaths.create({ mkdir(staging, 0o755) == 0 ? staging : nil }) != nil else {
            throw OutputError.cannotWrite(path: staging, reason: Self.lastError())
        }
        stagingDirectory = staging
    }

    deinit { discard() }

    /// Where to write the file that will be called `name` in ``directory``.
    public func path(_ name: String) -> String { FileSystem.join(stagingDirectory, name) }

    /// Switches the staged files `names` in, renamed in the given order (put the one readers look at first,
    /// such as a report, last).
    public func commit(_ names: [String]) throws(OutputError) {
        guard pending else {
            throw OutputError.cannotWrite(path: stagingDirectory, reason: "already committed or discarded")
        }
        for name in names { try Self.flush(path(name)) }
        try Self.flush(stagingDirectory)
        let committed = FileSystem.join(directory, Self.commitName)
        guard rename(stagingDirectory, committed) == 0 else {
            let reason = Self.lastError()
            discard()
            throw OutputError.cannotWrite(path: committed, reason: "cannot commit the staged results: \(reason)")
        }
        pending = false
        TemporaryPaths.unregister(stagingDirectory)
        try Self.flush(directory)
        try Self.moveIntoPlace(from: committed, into: directory, order: names)
    }

    /// Removes the staging directory and everything in it (nothing happens after ``commit(_:)``).
    public func discard() {
        guard pending else { return }
        pending = false
        try? FileManager.default.removeItem(atPath: stagingDirectory)
        TemporaryPaths.unregister(stagingDirectory)
    }

    /// Finishes a switch a killed process committed but did not complete, and removes the staging directories
    /// of processes that no longer run.
    public static func recover(directory: String) throws(OutputError) {
        let committed = FileSystem.join(directory, commitName)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: committed, isDirectory: &isDirectory), isDirectory.boolValue {
            try moveIntoPlace(from: committed, into: directory, order: [])
        }
        LeftoverPaths.removeStale(in: directory, prefix: stagingPrefix)
    }

    /// Renames every file of `committed` into `directory` (`order` first, the rest by name), then removes
    /// `committed`. A file already gone was moved by a concurrent recovery.
    private static func moveIntoPlace(from committed: String, into directory: String, order: [String])
        throws(OutputError)
    {
        let present = (try? FileManager.default.contentsOfDirectory(atPath: committed)) ?? []
        let names = order.filter(present.contains) + present.filter { !order.contains($0) }.sorted()
        for name in names {
            let target = FileSystem.join(directory, name)
            if rename(FileSystem.join(committed, name), target) != 0 && errno != ENOENT {
                throw OutputError.cannotWrite(
                    path: target, reason: "cannot move the new file into place: \(lastError())")
            }
        }
        if rmdir(committed) != 0 && errno != ENOENT {
            throw OutputError.cannotWrite(path: committed, reason: "cannot remove: \(lastError())")
        }
        try flush(directory)
    }

    /// `fsync` of a file or directory, so a rename that follows never exposes unwritten data after a crash.
    private static func flush(_ path: String) throws(OutputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError.cannotWrite(path: path, reason: "cannot open to flush: \(lastError())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw OutputError.cannotWrite(path: path, reason: "cannot flush: \(lastError())") }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
