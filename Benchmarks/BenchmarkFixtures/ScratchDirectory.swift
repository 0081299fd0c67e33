import Foundation

/// A temp directory for one benchmark process: its path is fixed when the benchmarks are registered (nothing is
/// created then, so `swift package benchmark list` writes nothing), it is made by the benchmark's setup and removed
/// by its teardown (setup and teardown closures take no arguments, so both reach it through this value).
public struct ScratchDirectory: Sendable {
    /// `<temp>/gplr-benchmark-<label>-<random>`.
    public let path: String

    public init(label: String) {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("gplr-benchmark-\(label)-\(UUID().uuidString.prefix(8).lowercased())").path
    }

    /// Creates the directory (and its parents).
    public func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Removes the directory and everything in it; a directory that is already gone is not an error.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
