import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis

@Suite(.timeLimit(.minutes(5))) struct RedisAuthTests {
    static let password = "Pa55-w0rd-never-printed"

    @Test func passwordOnlyURLAuthenticates() async throws {
        try await withRedisServer(RedisServer.Options(password: Self.password)) { server in
            let url = "redis://:\(Self.password)@127.0.0.1:\(server.port)/1"
            let connection = try RedisConnection(endpoint: RedisEndpoint(url: url))
            #expect(try connection.command(["PING"]) == .status("PONG"))
            // Without the password the server refuses commands.
            let anonymous = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            #expect(throws: RedisError.self) { try anonymous.command(["GET", "x"]) }
        }
    }

    @Test func wrongPasswordFailsWithoutRevealingIt() async throws {
        try await withRedisServer(RedisServer.Options(password: Self.password)) { server in
            let wrong = "Wr0ng-\(Self.password)"
            let url = "redis://:\(wrong)@127.0.0.1:\(server.port)"
            do {
                _ = try RedisConnection(endpoint: RedisEndpoint(url: url))
                Issue.record("authenticated with a wrong password")
            } catch let error as RedisError {
                #expect(error.code == .serverError)
                #expect(!error.isRetriable)
                #expect(!String(describing: error).contains(wrong))
                #expect(!error.message.contains(wrong))
            }
            // The async client gives up at once (no retries on an auth failure) and does not leak it either.
            let client = try RedisClient(url: url)
            do {
                try await client.send("PING")
                Issue.record("authenticated with a wrong password")
            } catch let error as RedisError {
                #expect(!String(describing: error).contains(wrong))
                #expect(!"\(client.endpoint)".contains(wrong))
            }
        }
    }

    @Test func aclUserAuthenticatesWithUserAndPassword() async throws {
        try await withRedisServer { server in
            let admin = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            _ = try admin.command(["ACL", "SETUSER", "worker", "on", ">\(Self.password)", "~gplr:*", "+@all"])
            let url = "redis://worker:\(Self.password)@127.0.0.1:\(server.port)"
            let connection = try RedisConnection(endpoint: RedisEndpoint(url: url))
            #expect(try connection.command(["ACL", "WHOAMI"]).string == "worker")
            #expect(try connection.command(["SET", "gplr:x", "1"]) == .status("OK"))
            // Least privilege: keys outside the pattern are refused.
            #expect(throws: RedisError.self) { try connection.command(["SET", "other", "1"]) }
            do {
                let wrongURL = "redis://worker:nope-\(Self.password)@127.0.0.1:\(server.port)"
                _ = try RedisConnection(endpoint: RedisEndpoint(url: wrongURL))
                Issue.record("wrong ACL password accepted")
            } catch let error as RedisError {
                #expect(error.serverErrorPrefix == "WRONGPASS")
                #expect(!String(describing: error).contains(Self.password))
            }
        }
    }
}
