import Foundation
import GPLRTestSupport
import Synchronization
import Testing

@testable import Coordinator
@testable import GPLRRedis
@testable import GPLRRuntime

/// A coordinator waiting on a paused queue says so instead of looking stalled, does not count the paused time
/// against its step timeout, and finishes once the queue is resumed.
@Suite(.serialized, .timeLimit(.minutes(3))) struct QueuePauseRunTests {
    @Test func aWaitOnAPausedQueueSaysSoAndOutlivesItsTimeout() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 4)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let queue = JobQueue(client: try RedisClient(url: server.url))
        try await queue.pause(kind: LabelJobDefinition.kind)
        let lines = LogLines()
        var run = try data.coordinator(server) { lines.append($0) }
        // Each step after the resume has 10 s unpaused (5 s was too short for a loaded CI machine).
        run.timeout = .seconds(10)
        let prepared = run
        let worker = try TestWorker(url: server.url, graph: data.graph)
        let outcome = try await withWorker(worker) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await prepared.start(data.newRun("paused", parameters: data.parameters(budget: 30)))
                }
                let said = await poll(timeout: .seconds(60)) {
                    lines.all.contains { $0.contains("queue label paused") } ? true : nil
                }
                #expect(said == true, "\(lines.all)")
                // Past the 10 s step timeout while paused: nothing ran, the run waits on.
                try await Task.sleep(for: .seconds(11))
                let stats = try await queue.stats(run: "paused")
                #expect(stats.enqueued > 0 && stats.completed == 0 && stats.running == 0, "\(stats)")
                #expect(try await RunRecordStore(client: queue.client).phase(run: "paused") == .running)
                try await queue.resume(kind: LabelJobDefinition.kind)
                try await group.next()
                return try await RunRecordStore(client: queue.client).phase(run: "paused")
            }
        }
        #expect(outcome == .done, "\(lines.all)")
        #expect(lines.all.contains { $0.contains("`gplr queue resume label`") })
    }
}
