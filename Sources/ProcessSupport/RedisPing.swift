#if canImport(Glibc)
    import Glibc
#endif

/// Whether a `redis-server` on a loopback port serves, and which process it is: plain-socket requests, so that
/// starting a server needs no Redis client (this target sits below the library).
enum RedisPing {
    /// `true` when the server answers `+PONG`, or an error other than `-LOADING` (`-NOAUTH` means it is up).
    static func answers(port: Int) -> Bool {
        guard let text = exchange(port: port, request: "PING\r\n", until: { _ in true }) else { return false }
        return text.hasPrefix("+PONG") || (text.hasPrefix("-") && !text.hasPrefix("-LOADING"))
    }

    /// The `process_id` the server on `port` reports (`INFO server`, after `AUTH` when it has a password); `nil`
    /// when it does not answer with one. Two servers started at once can be given the same free port: the one
    /// that fails to bind it exits, and without this check its owner would take the other's answers for its own.
    static func processID(port: Int, password: String?) -> Int? {
        let auth = password.map { "AUTH \($0)\r\n" } ?? ""
        let text = exchange(port: port, request: auth + "INFO server\r\n") { $0.contains("\r\nprocess_id:") }
        guard let text, let range = text.range(of: "\r\nprocess_id:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// Sends `request` and reads the reply until `complete` says it has what it needs (or the server closes, or 1 s
    /// passes without data); `nil` when nothing came back.
    private static func exchange(port: Int, request: String, until complete: (String) -> Bool) -> String? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return nil }
        let bytes = Array(request.utf8)
        guard send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return nil }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < 1 << 16 {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            received += chunk[..<count]
            if complete(String(decoding: received, as: UTF8.self)) { break }
        }
        return received.isEmpty ? nil : String(decoding: received, as: UTF8.self)
    }
}
