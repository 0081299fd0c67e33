import Logging

/// A swift-log handler that hands each message on as one line, without timestamp, level or metadata: what the
/// CLI's status lines look like (``Console/logger``), and what tests collect. The coordinator's code logs
/// through a `Logger` it is given; only the executable decides where the lines go.
struct LineLogHandler: LogHandler {
    let write: @Sendable (String) -> Void
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        write("\(event.message)")
    }
}

extension Logger {
    /// A logger whose lines go to `write` (``LineLogHandler``).
    static func lines(_ label: String, _ write: @escaping @Sendable (String) -> Void) -> Logger {
        Logger(label: label) { _ in LineLogHandler(write) }
    }
}
