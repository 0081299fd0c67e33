/// Timeouts of one connection.
struct RedisConnectionOptions: Sendable, Hashable {
    /// How long establishing the TCP/Unix connection may take.
    var connectTimeout: Duration
    /// The socket read/write timeout of an ordinary command. Blocking commands (`XREADGROUP ... BLOCK`) add
    /// their block time on top (see ``RedisConnection/command(_:extraTimeout:)``).
    var commandTimeout: Duration

    init(connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(30)) {
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }
}
