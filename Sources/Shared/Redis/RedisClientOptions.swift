/// How a ``RedisClient`` retries after connection failures.
public struct RedisReconnectPolicy: Sendable, Hashable {
    /// Total tries of one operation (1 = no retry) while the failure is a connection/I/O error or a
    /// transient server error such as `BUSY` (`LOADING` is waited for by time: ``loadingPatience``).
    public var maxAttempts: Int
    /// The pause before the second try; doubled for each further try, up to ``maxDelay``.
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// How long a server that answers `LOADING` (restarted, reading its RDB or AOF back) is waited for, whatever
    /// ``maxAttempts`` says: it is up and making progress, and loading a large dataset takes longer than the
    /// attempts' backoff lasts. The command is sent again every ``maxDelay`` at most, as it was refused unrun.
    public var loadingPatience: Duration

    public init(
        maxAttempts: Int = 8, initialDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(2),
        loadingPatience: Duration = .seconds(120)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.loadingPatience = loadingPatience
    }

    /// No retries at all (a `LOADING` answer included).
    public static let never = RedisReconnectPolicy(maxAttempts: 1, loadingPatience: .zero)

    /// The pause after failed try number `attempt` (1-based): exponential, capped, with up to 25 % jitter
    /// so that many workers reconnecting at once spread out.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) where delay < maxDelay { delay = delay * 2 }
        delay = min(delay, maxDelay)
        return delay + delay * Double.random(in: 0...0.25)
    }
}

/// Options of a ``RedisClient``.
public struct RedisClientOptions: Sendable, Hashable {
    /// The connect and command timeouts: the defaults everywhere but in the Redis layer's own tests.
    var connection: RedisConnectionOptions
    public var reconnect: RedisReconnectPolicy

    public init(reconnect: RedisReconnectPolicy = RedisReconnectPolicy()) {
        self.init(connection: RedisConnectionOptions(), reconnect: reconnect)
    }

    init(connection: RedisConnectionOptions, reconnect: RedisReconnectPolicy = RedisReconnectPolicy()) {
        self.connection = connection
        self.reconnect = reconnect
    }
}
