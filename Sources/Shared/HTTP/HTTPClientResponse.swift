/// A complete HTTP response: status, header fields of the final response, body.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Header fields in the order received (names as sent by the server).
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Whether the transfer reused a kept-alive connection instead of opening a new one.
    public var reusedConnection: Bool

    public init(status: Int, headers: [HTTPHeader], body: [UInt8], reusedConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.reusedConnection = reusedConnection
    }

    /// The first value of header `name` (case-insensitive), trimmed.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
