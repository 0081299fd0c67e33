import CHiredis
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One synchronous connection to Redis over hiredis: the only type that touches the C library.
///
/// Every call blocks the calling thread until the reply arrives or the timeout elapses, so async code must
/// use ``RedisClient``, which runs connections on its own dispatch queue. Not thread-safe: use one
/// connection from one thread at a time. After a connection, I/O, timeout or protocol error the connection
/// is broken (hiredis contexts cannot be reused) and every further call throws; make a new one.
final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    /// Where this connection goes (printing it never shows the password).
    let endpoint: RedisEndpoint
    let options: RedisConnectionOptions
    /// Set after an error that leaves the hiredis context unusable.
    private(set) var isBroken = false

    /// Connects, then authenticates (`AUTH [user] password`) and selects the database when the endpoint says so.
    init(endpoint: RedisEndpoint, options: RedisConnectionOptions = RedisConnectionOptions())
        throws(RedisError)
    {
        _ = Self.ignoreSIGPIPE
        self.endpoint = endpoint
        self.options = options
        let connectTimeout = Self.timeval(options.connectTimeout)
        let made: UnsafeMutablePointer<redisContext>?
        switch endpoint.address {
        case .tcp(let host, let port): made = redisConnectWithTimeout(host, Int32(port), connectTimeout)
        case .unix(let path): made = redisConnectUnixWithTimeout(path, connectTimeout)
        }
        guard let made else {
            throw RedisError(
                code: .connection, message: "out of memory allocating a hiredis context",
                context: endpoint.description)
        }
        if made.pointee.err != 0 {
            let text = Self.errorString(made)
            redisFree(made)
            let code: RedisError.Code = text.lowercased().contains("timed out") ? .timeout : .connection
            throw RedisError(code: code, message: "cannot connect: \(text)", context: endpoint.description)
        }
        context = made
        guard redisSetTimeout(context, Self.timeval(options.commandTimeout)) == REDIS_OK else {
            throw RedisError(code: .connection, message: "cannot set the socket timeout", context: endpoint.description)
        }
        if let password = endpoint.password {
            var auth: [RedisArgument] = ["AUTH"]
            if let user = endpoint.username { auth.append(RedisArgument(user)) }
            auth.append(RedisArgument(password))
            _ = try command(auth)
        }
        if endpoint.database != 0 {
            _ = try command(["SELECT", RedisArgument(endpoint.database)])
        }
    }

    deinit { redisFree(context) }

    /// Sends one command and waits for its reply. An error reply is thrown as `.serverError`.
    ///
    /// - Parameter extraTimeout: added to the command timeout for this call only, for blocking commands
    ///   whose server-side block time would otherwise trip the socket timeout.
    func command(_ arguments: [RedisArgument], extraTimeout: Duration = .zero) throws(RedisError) -> RedisValue {
        let value = try withTimeout(extraTimeout) { () throws(RedisError) -> RedisValue in
            try checkUsable(arguments)
            let (raw, callErrno) = Self.withArgv(arguments) { argc, argv, lengths in
                (redisCommandArgv(context, argc, argv, lengths), errno)
            }
            guard let raw else { throw ioFailure(arguments.first, errno: callErrno) }
            defer { freeReplyObject(raw) }
            return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
        }
        return try value.throwingServerError(context: Self.name(arguments.first))
    }

    /// Sends all commands in one write and reads their replies in order. Error replies are returned in
    /// place (as ``RedisValue/error(_:)``); only connection-level failures throw.
    func pipeline(_ commands: [[RedisArgument]], extraTimeout: Duration = .zero)
        throws(RedisError) -> [RedisValue]
    {
        guard !commands.isEmpty else { return [] }
        return try withTimeout(extraTimeout) { () throws(RedisError) -> [RedisValue] in
            for arguments in commands {
                try checkUsable(arguments)
                let (status, callErrno) = Self.withArgv(arguments) { argc, argv, lengths in
                    (redisAppendCommandArgv(context, argc, argv, lengths), errno)
                }
                guard status == REDIS_OK else { throw ioFailure(arguments.first, errno: callErrno) }
            }
            var replies: [RedisValue] = []
            replies.reserveCapacity(commands.count)
            for arguments in commands {
                var raw: UnsafeMutableRawPointer?
                let status = redisGetReply(context, &raw)
                let callErrno = errno
                guard status == REDIS_OK, let raw else { throw ioFailure(arguments.first, errno: callErrno) }
                replies.append(Self.convert(raw.assumingMemoryBound(to: redisReply.self)))
                freeReplyObject(raw)
            }
            return replies
        }
    }

    // MARK: - Internals

    /// hiredis 0.14 writes with `write(2)`, so a write to a connection the server closed (restart, idle
    /// timeout) raises SIGPIPE, which would kill the process. Ignore it process-wide, once, before the first
    /// connection: the write then fails with EPIPE and becomes a retriable `.io` error.
    private static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    private func checkUsable(_ arguments: [RedisArgument]) throws(RedisError) {
        if isBroken {
            throw RedisError(
                code: .connection, message: "connection is closed after an earlier error",
                context: Self.name(arguments.first))
        }
        if arguments.isEmpty {
            throw RedisError(code: .protocol, message: "empty command")
        }
    }

    private func withTimeout<T>(_ extra: Duration, _ body: () throws(RedisError) -> T) throws(RedisError) -> T {
        guard extra > .zero else { return try body() }
        guard redisSetTimeout(context, Self.timeval(options.commandTimeout + extra)) == REDIS_OK else {
            isBroken = true
            throw RedisError(code: .io, message: "cannot set the socket timeout")
        }
        let result = Result { () throws(RedisError) -> T in try body() }
        if !isBroken && redisSetTimeout(context, Self.timeval(options.commandTimeout)) != REDIS_OK {
            isBroken = true
        }
        return try result.get()
    }

    /// Marks the connection broken and describes the hiredis error (reading errno to tell timeouts apart).
    private func ioFailure(_ command: RedisArgument?, errno savedErrno: Int32) -> RedisError {
        isBroken = true
        let kind = context.pointee.err
        let text = Self.errorString(context)
        let code: RedisError.Code
        switch kind {
        case REDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK: code = .timeout
        case REDIS_ERR_PROTOCOL: code = .protocol
        case REDIS_ERR_EOF: code = .connection
        default: code = .io
        }
        let message = code == .timeout ? "no reply within the command timeout" : (text.isEmpty ? "I/O error" : text)
        return RedisError(code: code, message: message, context: Self.name(command))
    }

    private static func name(_ argument: RedisArgument?) -> String? {
        argument.map { String(decoding: $0.bytes.prefix(32), as: UTF8.self).uppercased() }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: &context.pointee.errstr) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    private static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }

    /// Lays all arguments out in one buffer and passes hiredis the pointer and length arrays.
    private static func withArgv<R>(
        _ arguments: [RedisArgument],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        // One buffer for every argument, copied whole (a memcpy each: an affinity shard's result is megabytes).
        var storage: [UInt8] = []
        storage.reserveCapacity(arguments.reduce(1) { $0 + $1.bytes.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        offsets.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            offsets.append(storage.count)
            lengths.append(argument.bytes.count)
            storage.append(contentsOf: argument.bytes)
        }
        storage.append(0)  // never empty, so the base address is never nil
        return storage.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                var pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
                return pointers.withUnsafeMutableBufferPointer { argv in
                    lengths.withUnsafeBufferPointer { body(Int32(arguments.count), argv.baseAddress!, $0.baseAddress!) }
                }
            }
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            return .bytes(bytes(node.str, node.len))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(node.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ARRAY:
            var values: [RedisValue] = []
            values.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                if let element = node.element[index] { values.append(convert(element)) } else { values.append(.null) }
            }
            return .array(values)
        default:
            return .error("unsupported hiredis reply type \(node.type)")
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}
