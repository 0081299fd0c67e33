import Foundation
import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRRedis
@testable import GPLRRuntime

/// `GET /api/runs/{id}/jobs` over real HTTP and a real redis-server: each filter (state, kind, iteration, text in
/// the id or the error) and the page boundaries (first, last, past the end, bounded page size).
@Suite(.serialized, .timeLimit(.minutes(3))) struct DashboardJobSearchTests {
    @Test func jobsAreFilteredAndPagedWithinBounds() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-dash-jobs")
        defer { directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: directory)
        let planted = try await PlantedJobs.plant(redis: server.url)

        func page(_ query: String) async throws -> DashboardPayload.JobPage {
            try await dashboard.get(DashboardPayload.JobPage.self, "api/runs/\(PlantedJobs.run)/jobs?\(query)")
        }
        let all = try await page("")
        #expect(all.total == planted.all.count && all.jobs.map(\.id) == planted.all.sorted())
        #expect(all.limit == DashboardAPI.jobPageLimit && all.offset == 0)

        // Pages of 3 over the 7 label jobs: 3, 3, 1, then nothing; together every job once, in id order.
        var seen: [String] = []
        for (offset, size) in [(0, 3), (3, 3), (6, 1), (7, 0)] {
            let part = try await page("kind=label&offset=\(offset)&limit=3")
            #expect(part.total == 7 && part.offset == offset && part.limit == 3 && part.jobs.count == size, "\(offset)")
            seen += part.jobs.map(\.id)
        }
        #expect(seen == planted.labels.sorted())
        let past = try await page("kind=label&offset=100")
        #expect(past.offset == 7 && past.jobs.isEmpty && past.total == 7)
        #expect(try await page("limit=100000").limit == DashboardAPI.jobPageLimit)
        #expect(try await page("limit=0").limit == 1)

        let dead = try await page("state=dead")
        #expect(dead.jobs.map(\.id) == [planted.dead] && dead.jobs.first?.error == "planted Boom in a label job")
        let running = try await page("state=running")
        #expect(running.jobs.map(\.id) == [planted.running] && running.jobs.first?.worker == "w2")
        #expect(try await page("state=done").jobs.map(\.id) == [planted.done])
        #expect(try await page("state=queued&kind=label").total == 4)
        #expect(try await page("state=queued").total == 7)
        let second = try await page("iteration=2")
        #expect(second.jobs.map(\.id) == planted.affinity.sorted() && second.jobs.allSatisfy { $0.iteration == 2 })
        #expect(try await page("iteration=1").total == 7)
        #expect(try await page("iteration=3").total == 0)
        #expect(try await page("q=bOOm").jobs.map(\.id) == [planted.dead], "text in the error, any case")
        #expect(try await page("q=T2-P0-0001").jobs.map(\.id) == [planted.affinity[1]], "text in the id")
        #expect(try await page("q=boom&state=queued").total == 0)

        for bad in ["state=lost", "kind=nope", "iteration=-1", "offset=x", "limit=-2"] {
            let answer = try await dashboard.request("api/runs/\(PlantedJobs.run)/jobs?\(bad)")
            #expect(answer.status == 400, "\(bad): \(String(decoding: answer.body, as: UTF8.self))")
        }
        #expect(try await dashboard.request("api/runs/nope/jobs").status == 404)
    }
}

/// A run (without a record) with 7 label jobs of iteration 1 (one done, one dead, one running on `w2`, four
/// queued) and 3 affinity jobs of iteration 2 (queued), made through the real queue.
struct PlantedJobs {
    static let run = "search-run"
    var labels: [String]
    var affinity: [String]
    var done: String
    var dead: String
    var running: String
    var all: [String] { labels + affinity }

    static func plant(redis: String) async throws -> PlantedJobs {
        let queue = JobQueue(client: try RedisClient(url: redis))
        let labels = (0..<7).map { "label-t1-000\($0)" }
        let affinity = (0..<3).map { "affinity-t2-p0-000\($0)" }
        try await queue.enqueue(
            labels.map { JobEnvelope(id: $0, runID: run, kind: LabelJobDefinition.kind, payload: Data("{}".utf8)) }
                + affinity.map {
                    JobEnvelope(id: $0, runID: run, kind: AffinityJobDefinition.kind, payload: Data("{}".utf8))
                })
        func take(_ consumer: String) async throws -> LeasedJob {
            try #require(try await queue.dequeue(consumer: consumer, kinds: [LabelJobDefinition.kind]).first)
        }
        let done = try await take("w1")
        try await queue.complete(done, result: Data("ok".utf8))
        let dead = try await take("w1")
        try await queue.fail(dead, error: "planted Boom in a label job", retriable: false)
        let running = try await take("w2")
        return PlantedJobs(labels: labels, affinity: affinity, done: done.id, dead: dead.id, running: running.id)
    }
}
