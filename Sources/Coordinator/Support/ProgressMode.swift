import Foundation

/// How long steps show their progress on standard error.
enum ProgressMode: String, Sendable, CaseIterable {
    /// One line redrawn in place (`\r` + clear to end of line), at most ten times a second: for a terminal.
    case bar
    /// Whole lines, at most one every few seconds, plus a final line: for logs and pipes (no `\r`, no escapes).
    case plain
    /// Nothing.
    case off

    /// The environment variable that forces a mode.
    static let environmentVariable = "GPLR_PROGRESS"

    /// The mode for this process: `GPLR_PROGRESS` if it names a mode, else ``bar`` when standard error is a
    /// terminal whose `TERM` is not `dumb`, else ``plain``. Decided once.
    static let current: ProgressMode = {
        let environment = ProcessInfo.processInfo.environment
        let resolved = resolve(environment: environment, standardErrorIsTerminal: isatty(STDERR_FILENO) == 1)
        if let problem = resolved.problem { Console.status("warning: \(problem)") }
        return resolved.mode
    }()

    /// The mode for `environment` and whether standard error is a terminal, and a warning when
    /// `GPLR_PROGRESS` holds something that is not a mode (it is then ignored).
    static func resolve(environment: [String: String], standardErrorIsTerminal: Bool)
        -> (mode: ProgressMode, problem: String?)
    {
        var problem: String?
        if let forced = environment[environmentVariable], !forced.isEmpty {
            if let mode = ProgressMode(rawValue: forced.lowercased()) { return (mode, nil) }
            problem = "\(environmentVariable)=\(forced) is not one of bar, plain, off; ignored"
        }
        return (standardErrorIsTerminal && environment["TERM"] != "dumb" ? .bar : .plain, problem)
    }
}
