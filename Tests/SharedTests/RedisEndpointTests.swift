import Testing

@testable import GPLRRedis

@Suite(.timeLimit(.minutes(5))) struct RedisEndpointTests {
    @Test func parsesUserPasswordHostPortAndDatabase() throws {
        let endpoint = try RedisEndpoint(url: "redis://alice:s3cr%40t@redis.internal:6380/4")
        #expect(endpoint.address == .tcp(host: "redis.internal", port: 6380))
        #expect(endpoint.username == "alice")
        #expect(endpoint.password == "s3cr@t")
        #expect(endpoint.database == 4)
    }

    @Test func passwordOnlyAndDefaults() throws {
        let endpoint = try RedisEndpoint(url: "redis://:hunter2@10.0.0.5")
        #expect(endpoint.address == .tcp(host: "10.0.0.5", port: 6379))
        #expect(endpoint.username == nil)
        #expect(endpoint.password == "hunter2")
        #expect(endpoint.database == 0)
        let plain = try RedisEndpoint(url: "redis://localhost:7000")
        #expect(plain.password == nil && plain.username == nil)
    }

    @Test func unixSocketWithQuery() throws {
        let endpoint = try RedisEndpoint(url: "unix:///var/run/redis.sock?db=2&password=pw")
        #expect(endpoint.address == .unix(path: "/var/run/redis.sock"))
        #expect(endpoint.database == 2)
        #expect(endpoint.password == "pw")
    }

    @Test(arguments: ["rediss://:pw@host:6379", "http://host", "redis://host/notanumber", "unix://", "::::"])
    func rejectsBadURLs(_ url: String) {
        #expect(throws: RedisError.self) { try RedisEndpoint(url: url) }
    }

    @Test func descriptionsAndErrorsNeverShowThePassword() throws {
        let endpoint = try RedisEndpoint(url: "redis://bob:TopSecret99@host:1/1")
        #expect(!endpoint.description.contains("TopSecret99"))
        #expect(endpoint.description.contains("bob"))
        let unix = try RedisEndpoint(url: "unix:///s.sock?password=TopSecret99")
        #expect(!unix.description.contains("TopSecret99"))
        do {
            _ = try RedisEndpoint(url: "redis://bob:TopSecret99@host/xx")
            Issue.record("expected a URL error")
        } catch {
            #expect(error.code == .url)
            #expect(!String(describing: error).contains("TopSecret99"))
        }
        #expect(!RedisEndpoint.redact("unix:///s?password=TopSecret99&db=1").contains("TopSecret99"))
    }

    @Test func scriptSHA1MatchesKnownDigest() {
        // sha1("return 1") as computed by `redis-cli SCRIPT LOAD "return 1"`.
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }
}
