import Dispatch

/// An async Redis client: one connection driven from its own serial dispatch queue, so blocking hiredis
/// calls never run on the Swift cooperative thread pool.
///
/// The connection is opened lazily and reopened after connection errors, with the backoff of
/// ``RedisClientOptions/reconnect``. A command whose connection broke mid-flight is sent again on a fresh
/// connection, so it may run twice: callers rely on at-least-once semantics (the job queue does).
/// Commands are serialised; a blocking command (`XREADGROUP ... BLOCK`) holds the client until it returns,
/// so give long blocking reads their own client. Cancelling a task does not interrupt a command in flight;
/// it stops further retries.
public final class RedisClient: Sendable {
    public let endpoint: RedisEndpoint
    public let options: RedisClientOptions
    private let queue: DispatchQueue
    private let slot = ConnectionSlot()

    /// The connection, touched only on `queue`.
    private final class ConnectionSlot: @unchecked Sendable {
        // @unchecked: confinement to the serial `queue` is the synchronisation (a lock would be held across I/O).
        var connection: RedisConnection?
    }

    public init(endpoint: RedisEndpoint, options: RedisClientOptions = RedisClientOptions()) {
        self.endpoint = endpoint
        self.options = options
        self.queue = DispatchQueue(label: "gplr.redis.client")
    }

    /// A client for a `redis://` or `unix://` URL (see ``RedisEndpoint/init(url:)``).
    public convenience init(url: String, options: RedisClientOptions = RedisClientOptions()) throws {
        self.init(endpoint: try RedisEndpoint(url: url), options: options)
    }

    /// Sends one command; an error reply is thrown as a ``RedisError`` with code `.serverError`.
    ///
    /// - Parameter extraTimeout: the block time of a blocking command, added to the socket timeout.
    @discardableResult
    public func send(_ arguments: [RedisArgument], extraTimeout: Duration = .zero) async throws -> RedisValue {
        try await withRetries { connection throws(RedisError) in
            try connection.command(arguments, extraTimeout: extraTimeout)
        }
    }

    /// Sends one command given as variadic arguments.
    @discardableResult
    public func send(_ arguments: RedisArgument...) async throws -> RedisValue {
        try await send(arguments)
    }

    /// Sends several commands in one round trip. Error replies come back in place as ``RedisValue/error(_:)``,
    /// except `LOADING`: a server still reading its data back refuses them all, and the whole pipeline is sent
    /// again as one command would be (so a pipeline that met the end of the loading may run some commands twice,
    /// the at-least-once of a broken connection).
    public func pipeline(_ commands: [[RedisArgument]], extraTimeout: Duration = .zero) async throws -> [RedisValue] {
        try await withRetries { connection throws(RedisError) in
            let replies = try connection.pipeline(commands, extraTimeout: extraTimeout)
            if let loading = replies.lazy.compactMap(\.errorMessage).first(where: { $0.hasPrefix("LOADING") }) {
                throw RedisError(code: .serverError, message: loading, context: "pipeline")
            }
            return replies
        }
    }

    /// Runs a Lua script with `EVALSHA`, loading it with `SCRIPT LOAD` when the server answers `NOSCRIPT`
    /// (first use, after `SCRIPT FLUSH` or a server restart).
    @discardableResult
    public func evaluate(_ script: RedisScript, keys: [RedisArgument] = [], arguments: [RedisArgument] = [])
        async throws -> RedisValue
    {
        let tail = [RedisArgument(keys.count)] + keys + arguments
        do {
            return try await send(["EVALSHA", RedisArgument(script.sha1)] + tail)
        } catch let error as RedisError where error.serverErrorPrefix == "NOSCRIPT" {
            let loaded = try await send("SCRIPT", "LOAD", RedisArgument(script.source))
            guard loaded.string == script.sha1 else {
                throw RedisError(
                    code: .unexpectedReply, message: "SCRIPT LOAD returned another SHA-1", context: "SCRIPT")
            }
            return try await send(["EVALSHA", RedisArgument(script.sha1)] + tail)
        }
    }

    /// Closes the connection now (the next command opens a new one).
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [slot] in
                slot.connection = nil
                continuation.resume()
            }
        }
    }

    // MARK: - Internals

    private func withRetries<T: Sendable>(
        _ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> T
    ) async throws -> T {
        var attempt = 1
        var loading: (since: ContinuousClock.Instant, tries: Int)?
        while true {
            let (result, duringConnect) = await perform(body)
            switch result {
            case .success(let value):
                return value
            case .failure(let error) where error.serverErrorPrefix == "LOADING":
                // Restarted and reading its data back: refused unrun, so sent again until the patience runs out.
                let since = loading?.since ?? .now
                let tries = (loading?.tries ?? 0) + 1
                guard ContinuousClock.now - since < options.reconnect.loadingPatience else { throw error }
                try await Task.sleep(for: options.reconnect.delay(afterAttempt: tries))
                loading = (since, tries)
            case .failure(let error):
                // A command that timed out may still be running on the server: do not send it again.
                // Failing to connect (refused, timeout) is always worth another try.
                let retriable =
                    duringConnect
                    ? error.breaksConnection || error.isRetriable
                    : error.isRetriable && error.code != .timeout
                guard retriable, attempt < options.reconnect.maxAttempts else { throw error }
                try await Task.sleep(for: options.reconnect.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Runs `body` on the client's queue with a live connection (opening one if needed).
    private func perform<T: Sendable>(
        _ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> T
    ) async -> (Result<T, RedisError>, duringConnect: Bool) {
        await withCheckedContinuation { (continuation: CheckedContinuation<(Result<T, RedisError>, Bool), Never>) in
            queue.async { [self] in
                continuation.resume(returning: onQueue(body))
            }
        }
    }

    /// `body` with a live connection; called on `queue` only.
    private func onQueue<T>(_ body: (RedisConnection) throws(RedisError) -> T) -> (Result<T, RedisError>, Bool) {
        let connection: RedisConnection
        if let existing = slot.connection, !existing.isBroken {
            connection = existing
        } else {
            slot.connection = nil
            do {
                connection = try RedisConnection(endpoint: endpoint, options: options.connection)
            } catch {
                return (.failure(error), true)
            }
            slot.connection = connection
        }
        let result = Result { () throws(RedisError) -> T in try body(connection) }
        if connection.isBroken { slot.connection = nil }
        return (result, false)
    }

    // MARK: - Blocking

    /// Sends one command from the calling thread and waits for the reply there, in one attempt (a broken
    /// connection is reopened by the next call). For a thread of its own that must keep talking to Redis when
    /// the Swift thread pool and libdispatch's global queues are busy with computation (the coordinator lease);
    /// never call it from a task. An error reply is thrown as a ``RedisError`` with code `.serverError`.
    @discardableResult
    public func sendBlocking(_ arguments: [RedisArgument]) throws(RedisError) -> RedisValue {
        let (result, _) = queue.sync { onQueue { connection throws(RedisError) in try connection.command(arguments) } }
        return try result.get()
    }

    /// ``evaluate(_:keys:arguments:)`` with ``sendBlocking(_:)``.
    @discardableResult
    public func evaluateBlocking(_ script: RedisScript, keys: [RedisArgument] = [], arguments: [RedisArgument] = [])
        throws(RedisError) -> RedisValue
    {
        let tail = [RedisArgument(keys.count)] + keys + arguments
        do {
            return try sendBlocking(["EVALSHA", RedisArgument(script.sha1)] + tail)
        } catch  where error.serverErrorPrefix == "NOSCRIPT" {
            try sendBlocking(["SCRIPT", "LOAD", RedisArgument(script.source)])
            return try sendBlocking(["EVALSHA", RedisArgument(script.sha1)] + tail)
        }
    }
}
