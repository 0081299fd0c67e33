import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis

@Suite(.timeLimit(.minutes(5))) struct RedisClientTests {
    @Test func sendsCommandsAndPipelinesFromAsyncCode() async throws {
        try await withRedisServer { server in
            let client = try RedisClient(url: server.url)
            try await client.send("SET", "a", RedisArgument([0, 1, 2] as [UInt8]))
            #expect(try await client.send("GET", "a").bytes == [0, 1, 2])
            let replies = try await client.pipeline((0..<50).map { ["RPUSH", "l", RedisArgument($0)] })
            #expect(replies.map(\.int) == (1...50).map { Optional($0) })
            // Many tasks at once share the client; each gets its own reply.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.send("SET", RedisArgument("k\(index)"), RedisArgument(index))
                        let value = try await client.send("GET", RedisArgument("k\(index)")).int
                        #expect(value == index)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func reconnectsAfterTheServerRestarted() async throws {
        try await withRedisServer { server in
            let client = try RedisClient(url: server.url)
            #expect(try await client.send("PING") == .status("PONG"))
            try server.restart()
            try await client.send("SET", "after", "restart")
            #expect(try await client.send("GET", "after").string == "restart")
        }
    }

    @Test func dataSurvivesSIGKILLWithAppendOnly() async throws {
        try await withRedisServer(RedisServer.Options(appendOnly: true)) { server in
            let client = try RedisClient(url: server.url)
            try await client.send("SET", "durable", RedisArgument([0, 0, 7] as [UInt8]))
            server.kill()
            try server.restart()
            #expect(try await client.send("GET", "durable").bytes == [0, 0, 7])
        }
    }

    @Test func timedOutCommandIsNotResent() async throws {
        try await withRedisServer { server in
            let options = RedisClientOptions(connection: RedisConnectionOptions(commandTimeout: .milliseconds(200)))
            let client = try RedisClient(url: server.url, options: options)
            await #expect {
                try await client.send("BLPOP", "q", "1")
            } throws: { error in
                (error as? RedisError)?.code == .timeout
            }
            // The client reconnects for the next command; the timed-out one was sent once, not retried.
            let stats = try await client.send("INFO", "commandstats").string ?? ""
            #expect(stats.contains("cmdstat_blpop:calls=1,"))
            #expect(try await client.send(["BLPOP", "q", "1"], extraTimeout: .seconds(1)).isNull)
        }
    }

    @Test func givesUpAfterTheConfiguredAttempts() async throws {
        // A socket nobody listens on. (A stopped server's TCP port could be taken by another test's server
        // meanwhile — tests run in parallel — and then something else answers.)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = "unix://" + directory.file("no-server.sock")
        let options = RedisClientOptions(
            connection: RedisConnectionOptions(connectTimeout: .milliseconds(500)),
            reconnect: RedisReconnectPolicy(maxAttempts: 3, initialDelay: .milliseconds(10)))
        let client = try RedisClient(url: url, options: options)
        do {
            try await client.send("PING")
            Issue.record("a stopped server answered")
        } catch let error as RedisError {
            #expect(error.code == .connection)
            #expect(error.isRetriable)
        }
    }

    @Test func evalshaReloadsTheScriptAfterScriptFlush() async throws {
        try await withRedisServer { server in
            let client = try RedisClient(url: server.url)
            let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
            #expect(try await client.evaluate(script, keys: ["n"], arguments: ["5"]).int == 5)
            #expect(try await client.send("SCRIPT", "EXISTS", RedisArgument(script.sha1)).array == [.integer(1)])
            try await client.send("SCRIPT", "FLUSH")
            #expect(try await client.send("SCRIPT", "EXISTS", RedisArgument(script.sha1)).array == [.integer(0)])
            #expect(try await client.evaluate(script, keys: ["n"], arguments: ["2"]).int == 7)
            // Script errors are server errors, not swallowed.
            await #expect(throws: RedisError.self) {
                try await client.evaluate(RedisScript("return redis.call('NOPE')"))
            }
        }
    }
}
