import Crypto

/// A Lua script with its SHA-1, run with `EVALSHA` (and loaded on `NOSCRIPT`) by
/// ``RedisClient/evaluate(_:keys:arguments:)``.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// The lowercase hex SHA-1 of ``source``, as `SCRIPT LOAD` returns it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
