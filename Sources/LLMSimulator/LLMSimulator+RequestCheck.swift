import Hummingbird

extension LLMSimulator {
    /// The refusal for a request without the configured query parameters (400) or headers (401), or `nil`.
    /// Like some real servers, a wrong header's value is echoed: the client must scrub it.
    func checkHeadersAndQuery(of request: Request) -> Response? {
        let query = request.uri.queryParameters
        for (name, value) in configuration.expectedQuery.sorted(by: { $0.key < $1.key })
        where query[Substring(name)].map(String.init) != value {
            state.withLock { $0.statistics.wrongQuery += 1 }
            return Self.error(.badRequest, "missing or wrong query parameter \(name)")
        }
        for (name, value) in configuration.expectedHeaders.sorted(by: { $0.key < $1.key }) {
            let received = Self.header(name, in: request)
            if received != value {
                state.withLock { $0.statistics.unauthorized += 1 }
                return Self.error(.unauthorized, "header \(name) missing or wrong: \(received ?? "none")")
            }
        }
        for name in configuration.absentHeaders where Self.header(name, in: request) != nil {
            state.withLock { $0.statistics.unauthorized += 1 }
            return Self.error(.unauthorized, "unexpected header \(name)")
        }
        return nil
    }

    /// The value of header `name` (any case) in `request`, or `nil`.
    static func header(_ name: String, in request: Request) -> String? {
        request.headers.first { $0.name.canonicalName == name.lowercased() }?.value
    }
}
