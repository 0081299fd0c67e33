import Foundation
import GPLRCore
import GPLRRedis
import GPLRTestSupport
import Testing

@testable import GPLRRuntime

/// An example kind, defined the way docs/architecture.md shows ("Adding a job kind"): the degrees of some users
/// of a snapshot. It is not registered (the registry holds the kinds of this build); everything else a kind needs
/// comes from ``JobDefinition``.
enum UserDegreeJobDefinition: JobDefinition {
    struct Payload: Codable, Sendable, Equatable {
        var version = 1
        var snapshot: String
        var users: [Int]
    }

    static let kind: JobKind = "user-degree"
    static let payloadVersion = 1
    static let retryPolicy = JobRetryPolicy(maxAttempts: 2)

    static func execute(_ payload: Payload, in context: any JobExecutionContext) async throws -> [Int] {
        let graph = try await context.graph(snapshot: payload.snapshot)
        guard payload.users.allSatisfy({ (0..<graph.userCount).contains($0) }) else {
            throw JobExecutionError(.outOfRange, "a user is not in the snapshot")
        }
        return payload.users.map { graph.degree(ofUser: $0) }
    }
}

@Suite(.timeLimit(.minutes(5))) struct JobRegistryTests {
    @Test func everyKindIsRegisteredOnceAndNamesItsJobIDs() throws {
        let kinds = JobRegistry.kinds
        #expect(Set(kinds).count == kinds.count)
        #expect(kinds.map(\.rawValue) == ["label", "affinity", "persona-propose", "persona-merge", "item-label"])
        for definition in JobRegistry.definitions {
            #expect(JobRegistry.definition(for: definition.kind) == definition)
            #expect(JobRegistry.kind(ofJobID: "\(definition.kind)-t1-0123456789abcdef") == definition.kind)
        }
        #expect(JobRegistry.definition(for: UserDegreeJobDefinition.kind) == nil)
        #expect(JobRegistry.kind(ofJobID: "user-degree-t1-00") == nil)
    }

    @Test func aNewKindRunsThroughTheQueueWithNothingButItsDefinition() async throws {
        let fixture = try JobFixture()
        let server = try RedisServer()
        defer { server.stop() }
        let queue = JobQueue(client: try RedisClient(url: server.url), keys: RedisKeys(prefix: "t"))
        let payload = UserDegreeJobDefinition.Payload(snapshot: fixture.hash.hex, users: [3, 0, 7])
        let envelope = try UserDegreeJobDefinition.envelope(payload, run: "r1", step: "once")
        #expect(envelope.id == (try UserDegreeJobDefinition.jobID(payload, step: "once")))
        #expect(envelope.id.hasPrefix("user-degree-once-"))
        #expect(try await queue.enqueue([envelope]) == 1)

        let leased = try #require(try await queue.dequeue(consumer: "w", kinds: [UserDegreeJobDefinition.kind]).first)
        let context = InMemoryJobContext(graph: fixture.graph)
        let result = try await UserDegreeJobDefinition.run(payload: leased.envelope.payload, in: context)
        #expect(try await queue.complete(leased, result: result))

        let stored = try #require(try await queue.result(run: "r1", jobID: envelope.id))
        #expect(try UserDegreeJobDefinition.decodeResult(stored) == [3, 0, 7].map { fixture.graph.degree(ofUser: $0) })
        #expect(try await queue.presentResults(run: "r1", among: [envelope.id, "other"]) == [envelope.id])
    }

    @Test func payloadsOfAnotherVersionOrShapeAreRefusedByName() throws {
        var payload = UserDegreeJobDefinition.Payload(snapshot: String(repeating: "0", count: 64), users: [1])
        payload.version = 2
        let newer = #expect(throws: JobExecutionError.self) {
            try UserDegreeJobDefinition.decodePayload(try JobCoding.encode(payload))
        }
        #expect(newer?.code == .unsupportedVersion)
        #expect(newer?.message == "user-degree job version 2 (this build understands 1)")
        let garbage = #expect(throws: JobExecutionError.self) {
            try UserDegreeJobDefinition.decodePayload(Data("[1,2]".utf8))
        }
        #expect(garbage?.code == .invalidPayload)
    }

    @Test func theRetryPolicyAsksTheErrorAndRefusesUnknownOnes() {
        struct Unclassified: Error {}
        let policy = UserDegreeJobDefinition.retryPolicy
        #expect(policy.maxAttempts == 2)
        #expect(LabelJobDefinition.retryPolicy == .standard && JobRetryPolicy.standard.maxAttempts == nil)
        #expect(policy.isRetriable(JobExecutionError(.snapshot, "fetch failed", retriable: true)))
        #expect(!policy.isRetriable(JobExecutionError(.invalidPayload, "bad")))
        #expect(policy.isRetriable(RedisError(code: .connection, message: "refused")))
        #expect(!policy.isRetriable(RedisError(code: .serverError, message: "WRONGTYPE no")))
        #expect(
            policy.isRetriable(
                SnapshotStoreError(
                    hash: ContentHash(hex: String(repeating: "a", count: 64))!,
                    message: "missing")))
        #expect(!policy.isRetriable(Unclassified()))
    }
}
