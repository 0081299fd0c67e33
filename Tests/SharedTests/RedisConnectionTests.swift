import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis

@Suite(.timeLimit(.minutes(5))) struct RedisConnectionTests {
    @Test func binarySafeValuesRoundTrip() async throws {
        try await withRedisServer { server in
            let connection = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            let key: [UInt8] = [0x6B, 0x00, 0x01]
            let value: [UInt8] = [0x00, 0xFF, 0x00, 0x0A, 0x0D, 0x80]
            #expect(try connection.command(["SET", RedisArgument(key), RedisArgument(value)]) == .status("OK"))
            #expect(try connection.command(["GET", RedisArgument(key)]).bytes == value)
            #expect(try connection.command(["STRLEN", RedisArgument(key)]).int == value.count)
            #expect(try connection.command(["GET", "missing"]).isNull)
            #expect(try connection.command(["SET", "empty", ""]) == .status("OK"))
            #expect(try connection.command(["GET", "empty"]) == .bytes([]))
        }
    }

    @Test func pipelineReturnsRepliesInOrderWithErrorsInPlace() async throws {
        try await withRedisServer { server in
            let connection = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            var commands: [[RedisArgument]] = (0..<200).map { _ in ["INCR", "counter"] }
            commands.insert(["LPUSH", "counter", "x"], at: 50)  // WRONGTYPE in the middle
            let replies = try connection.pipeline(commands)
            #expect(replies.count == 201)
            #expect(replies[50].errorMessage?.hasPrefix("WRONGTYPE") == true)
            let counts = replies.enumerated().filter { $0.offset != 50 }.map { $0.element.int }
            #expect(counts == (1...200).map { Optional($0) })
            #expect(try connection.command(["GET", "counter"]).int == 200)
        }
    }

    @Test func arraysAndServerErrors() async throws {
        try await withRedisServer { server in
            let connection = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            _ = try connection.command(["RPUSH", "list", "a", "b", "c"])
            let list = try connection.command(["LRANGE", "list", "0", "-1"])
            #expect(list.array?.compactMap(\.string) == ["a", "b", "c"])
            #expect {
                try connection.command(["NOSUCHCOMMAND"])
            } throws: { error in
                (error as? RedisError)?.code == .serverError && !((error as? RedisError)?.isRetriable ?? true)
            }
            // A server error does not break the connection.
            #expect(try connection.command(["PING"]) == .status("PONG"))
        }
    }

    @Test func commandTimeoutBreaksTheConnection() async throws {
        try await withRedisServer { server in
            let options = RedisConnectionOptions(commandTimeout: .milliseconds(200))
            let connection = try RedisConnection(endpoint: RedisEndpoint(url: server.url), options: options)
            #expect {
                try connection.command(["BLPOP", "nothing", "5"])
            } throws: { error in
                (error as? RedisError)?.code == .timeout
            }
            #expect(connection.isBroken)
            // The same blocking command is fine when its block time is added to the timeout.
            let fresh = try RedisConnection(endpoint: RedisEndpoint(url: server.url), options: options)
            #expect(try fresh.command(["BLPOP", "nothing", "1"], extraTimeout: .seconds(1)).isNull)
            #expect(try fresh.command(["PING"]) == .status("PONG"))
        }
    }

    @Test func selectsTheDatabaseFromTheURL() async throws {
        try await withRedisServer { server in
            let three = try RedisConnection(endpoint: RedisEndpoint(url: server.url + "/3"))
            _ = try three.command(["SET", "where", "three"])
            let zero = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            #expect(try zero.command(["GET", "where"]).isNull)
            _ = try zero.command(["SELECT", "3"])
            #expect(try zero.command(["GET", "where"]).string == "three")
        }
    }

    @Test func connectsOverAUnixSocket() async throws {
        let socketDirectory = try TemporaryDirectory(prefix: "gplr-sock")
        defer { socketDirectory.remove() }
        let path = socketDirectory.file("redis.sock")
        let options = RedisServer.Options(extraArguments: ["--unixsocket", path, "--unixsocketperm", "700"])
        try await withRedisServer(options) { _ in
            let connection = try RedisConnection(endpoint: RedisEndpoint(url: "unix://\(path)?db=2"))
            _ = try connection.command(["SET", "k", "v"])
            let info = try connection.command(["CLIENT", "INFO"]).string ?? ""
            #expect(info.contains("db=2"))
        }
    }

    @Test func refusedConnectionIsARetriableConnectionError() throws {
        let port = try RedisServer.freePort()
        do {
            _ = try RedisConnection(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port)))
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.code == .connection)
            #expect(error.isRetriable)
        }
    }
}
