import Foundation
import GPLRSupport

/// A request for ``HTTPClient``: method, URL, headers, body and its own timeouts.
///
/// Its `description` and mirror show the method, the URL without credentials or query, and header *names*
/// only: header values (the API key) never reach a log line or an error message.
public struct HTTPClientRequest: Sendable {
    /// The HTTP method; the client supports `GET` and `POST`.
    public struct Method: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        public static let get = Method(name: "GET")
        public static let post = Method(name: "POST")
        public var description: String { name }
    }

    public var method: Method
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Time allowed to establish the connection (TCP + TLS).
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer, connection included.
    public var timeout: Duration

    public init(
        method: Method = .post, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }
}

extension HTTPClientRequest: CustomStringConvertible, CustomReflectable {
    public var description: String {
        "\(method) \(HTTPClientRequest.redact(url)) headers: [\(headers.map(\.name).joined(separator: ", "))]"
            + " body: \(body.count) bytes"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": method.description, "url": HTTPClientRequest.redact(url),
                "headerNames": headers.map(\.name), "bodyBytes": body.count,
            ])
    }

    /// `url` without user info, query or fragment: safe to put in messages.
    package static func redact(_ url: String) -> String { URLText.withoutSecrets(url) ?? "<invalid URL>" }
}
