import Foundation
public import ProcessSupport

/// The test suite's name for ``ChildProcess`` (the one process type, in `ProcessSupport`): a built executable run
/// with a clean signal mask, its output going to files the test can read, killed when the test lets go of it.
public typealias ProcessHandle = ChildProcess

extension ChildProcess {
    /// Starts a product of this package (see ``BuiltProduct``), output in files of `directory` named after
    /// `label`.
    public convenience init(product: String, _ arguments: [String], directory: TemporaryDirectory, label: String)
        throws
    {
        try self.init(
            executable: BuiltProduct.path(product), arguments: arguments,
            stdoutPath: directory.file("\(label).stdout"), stderrPath: directory.file("\(label).stderr"))
    }

    /// What it wrote to standard error so far.
    public var standardError: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }
}
