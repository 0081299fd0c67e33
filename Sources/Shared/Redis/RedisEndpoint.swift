import Foundation

/// Where and how to connect: address, credentials and database, parsed from a URL.
///
/// Accepted forms:
/// - `redis://[user:password@]host[:port][/db]` (ACL user and password; port 6379, db 0 by default)
/// - `redis://:password@host[:port][/db]` (password only, `requirepass`)
/// - `unix:///path/to/redis.sock[?db=N&user=U&password=P]`
///
/// `rediss://` is rejected: the hiredis shipped with Debian 12 (0.14) has no TLS. See docs/protocol.md for
/// running it safely (private network or a tunnel). The password is never part of ``description`` or of any
/// error message.
public struct RedisEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A TCP host and port or a Unix domain socket path.
    enum Address: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    var address: Address
    /// The ACL user for `AUTH user password`; `nil` means `AUTH password` (the `default` user).
    public var username: String?
    /// The password; `nil` means no `AUTH` on connect.
    public var password: String?
    /// The database for `SELECT` on connect (0 means no `SELECT`).
    public var database: Int

    init(address: Address, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `unix://` URL.
    public init(url: String) throws(RedisError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw RedisError(code: .url, message: "not a valid URL: \(Self.redact(url))")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name.lowercased()] = item.value ?? "" }
        let database: Int
        switch scheme {
        case "redis":
            let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
            let port = components.port ?? 6379
            guard (1...65535).contains(port) else {
                throw RedisError(code: .url, message: "port \(port) out of range in \(Self.redact(url))")
            }
            let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let dbText = path.isEmpty ? query["db"] : path
            database = try Self.parseDatabase(dbText, url: url)
            let user = components.user.flatMap { $0.isEmpty ? nil : $0 }
            let password = components.password
            if user != nil && password == nil {
                throw RedisError(code: .url, message: "a user without a password in \(Self.redact(url))")
            }
            self.init(address: .tcp(host: host, port: port), username: user, password: password, database: database)
        case "unix":
            let path = components.path
            guard !path.isEmpty else {
                throw RedisError(code: .url, message: "no socket path in \(Self.redact(url))")
            }
            database = try Self.parseDatabase(query["db"], url: url)
            let user = query["user"].flatMap { $0.isEmpty ? nil : $0 }
            self.init(address: .unix(path: path), username: user, password: query["password"], database: database)
        case "rediss":
            throw RedisError(
                code: .url,
                message: "TLS (rediss://) is not supported by this hiredis build (0.14); "
                    + "use redis:// over a private network or a TLS tunnel (stunnel, spiped, ssh -L)")
        default:
            throw RedisError(code: .url, message: "unsupported scheme '\(scheme)' (use redis:// or unix://)")
        }
    }

    private static func parseDatabase(_ text: String?, url: String) throws(RedisError) -> Int {
        guard let text, !text.isEmpty else { return 0 }
        guard let value = Int(text), value >= 0 else {
            throw RedisError(code: .url, message: "database '\(text)' is not a non-negative integer in \(redact(url))")
        }
        return value
    }

    /// The URL with any password replaced by `***`, safe to log.
    public var description: String {
        let auth: String
        switch (username, password) {
        case (let user?, _?): auth = "\(user):***@"
        case (nil, _?): auth = ":***@"
        default: auth = ""
        }
        switch address {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "redis://\(auth)\(shownHost):\(port)/\(database)"
        case .unix(let path):
            var text = "unix://\(path)?db=\(database)"
            if let username { text += "&user=\(username)" }
            if password != nil { text += "&password=***" }
            return text
        }
    }

    /// Removes anything that may be a password from a URL we failed to parse: the userinfo part and any
    /// `password=` query value.
    static func redact(_ url: String) -> String {
        var text = url
        if let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].lastIndex(of: "@") {
            text.replaceSubrange(schemeEnd.upperBound..<at, with: "***")
        }
        if let range = text.range(of: "password=", options: .caseInsensitive) {
            let end = text[range.upperBound...].firstIndex(of: "&") ?? text.endIndex
            text.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return text
    }
}
