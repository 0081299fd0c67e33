import ArgumentParser
import Foundation
import GPLRRedis

/// `--redis URL` and `--prefix` of the commands that talk to a gplr Redis.
struct RedisOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Redis URL (redis://[user:password@]host:port/db or unix:///path); default: $GPLR_REDIS_URL.",
            discussion: "Prefer the environment variable: a password on the command line ends up in shell history."))
    var redis: String?

    @Option(help: "Key prefix (as for the workers).")
    var prefix: String = "gplr"

    func validate() throws {
        guard url != nil else { throw ValidationError("give --redis URL (or set GPLR_REDIS_URL)") }
    }

    /// The URL from the option or the environment.
    var url: String? { redis ?? ProcessInfo.processInfo.environment["GPLR_REDIS_URL"] }

    func client() throws -> RedisClient {
        try RedisClient(url: url ?? "")
    }

    var keys: RedisKeys { RedisKeys(prefix: prefix) }
}
