public import GPLRSupport

/// An error from the Redis layer: connecting, talking to the server, or a server error reply.
///
/// The message never contains credentials: URLs are redacted before they appear in a message, and command
/// arguments are never echoed (only the command name is kept as context).
public struct RedisError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation (never containing a password).
    public var message: String
    /// The command name (first argument only) or the operation that failed, for context.
    public var context: String?
    /// The server's error prefix for `.serverError` (e.g. `NOSCRIPT`, `WRONGPASS`, `BUSYGROUP`).
    public var serverErrorPrefix: String? {
        guard code == .serverError else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// Whether trying again (after reconnecting) may succeed: connection/io/timeout failures and server
    /// errors that signal a transient state (`LOADING`, `BUSY`, `TRYAGAIN`, `MASTERDOWN`, ...).
    public var isRetriable: Bool {
        switch code {
        case .connection, .io, .timeout: return true
        case .serverError:
            let transient: Set<String> = ["LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN", "READONLY"]
            return serverErrorPrefix.map(transient.contains) ?? false
        default: return false
        }
    }

    /// Whether the connection that produced this error must be thrown away (hiredis contexts are unusable
    /// after an I/O or protocol error).
    var breaksConnection: Bool { code == .connection || code == .io || code == .timeout || code == .protocol }

    public init(code: Code, message: String, context: String? = nil) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        var text = "Redis \(code) error"
        if let context { text += " (\(context))" }
        return text + ": " + message
    }
}

extension RedisError {
    /// What kind of failure this is. Compare against the statics (`.connection`, `.timeout`, ...).
    public typealias Code = ErrorCode<RedisError>
}

extension ErrorCode<RedisError> {
    /// The server could not be reached (refused, unknown host, connect timeout) or the connection is closed.
    public static var connection: Self { Self("connection") }
    /// Reading or writing the socket failed after the connection was established.
    public static var io: Self { Self("io") }
    /// The server sent something hiredis could not parse.
    public static var `protocol`: Self { Self("protocol") }
    /// The server answered with an error reply (`-ERR ...`, `-NOSCRIPT ...`, `-WRONGPASS ...`).
    public static var serverError: Self { Self("server-error") }
    /// A connect or command timeout elapsed.
    public static var timeout: Self { Self("timeout") }
    /// The connection URL is malformed or uses an unsupported scheme.
    public static var url: Self { Self("url") }
    /// The reply had a shape the caller did not expect (e.g. a string where an integer was required).
    public static var unexpectedReply: Self { Self("unexpected-reply") }
}
