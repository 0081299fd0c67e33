import Foundation
public import Hummingbird

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps web pages on other names from reading or driving a local HTTP server (the dashboard, a worker's
/// `/metrics`) through DNS rebinding: a page at `http://evil.example:8080/` whose name is made to resolve to
/// 127.0.0.1 is "same origin" with itself, so the browser lets it read every answer (and the dashboard's CSRF checks
/// pass). Its requests still carry `Host: evil.example:8080`, and that is what this guard refuses, on every route.
///
/// Accepted names (case-insensitive, port ignored, a trailing dot dropped): `localhost`, any IP address literal
/// (`127.0.0.1`, `[::1]`, a pod or LAN address: a page whose URL names an address was served from that address,
/// so no rebinding is involved), the name the server is bound to, and the names given with `--allowed-host`
/// (for a reverse proxy that passes its own name on). A request without `Host` is refused too.
public struct HostGuard: Sendable {
    /// The accepted names besides `localhost` and IP literals, lowercased, without brackets or a trailing dot.
    let names: Set<String>
    let server: String
    let advice: String

    /// - Parameters:
    ///   - boundHost: the `--host` the server listens on.
    ///   - allowedHosts: the `--allowed-host` names.
    ///   - server: how refusals name the server ("this dashboard").
    ///   - advice: what a refusal suggests for a legitimate name (e.g. the flag that allows it).
    public init(boundHost: String, allowedHosts: [String] = [], server: String, advice: String) {
        self.server = server
        self.advice = advice
        names = Set(([boundHost, "localhost"] + allowedHosts).map(Self.normalized))
    }

    /// Why a request with this `Host` header is refused, or `nil` when it may go on.
    public func refusal(host: String?) -> String? {
        guard let host, !host.isEmpty else { return "the request has no Host header" }
        let name = Self.normalized(Self.hostName(host))
        if names.contains(name) || Self.isIPAddress(name) { return nil }
        return "Host '\(host.prefix(200))' is not a name of \(server) (DNS rebinding protection); "
            + advice.replacingOccurrences(of: "NAME", with: String(name.prefix(200)))
    }

    /// The name part of a `Host` value: `[::1]:8080` → `::1`, `example.org:80` → `example.org`.
    static func hostName(_ host: String) -> String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            return String(host[host.index(after: host.startIndex)..<close])
        }
        if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
            return String(host[..<colon])
        }
        return host
    }

    /// Lowercased, without brackets around an IPv6 literal and without a trailing dot.
    static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// Whether `name` is an IPv4 (dotted quad) or IPv6 address literal.
    public static func isIPAddress(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }
}

/// ``HostGuard`` in front of every route: a refused request gets `421 Misdirected Request` with the reason in
/// Hummingbird's JSON error shape.
public struct HostGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let guardian: HostGuard

    public init(_ guardian: HostGuard) {
        self.guardian = guardian
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let reason = guardian.refusal(host: request.head.authority) {
            throw HTTPError(.misdirectedRequest, message: reason)
        }
        return try await next(request, context)
    }
}
