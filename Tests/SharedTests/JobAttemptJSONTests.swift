import Foundation
import Testing

@testable import GPLRRuntime

/// The one-attempt lists the attempt scripts' fast paths store are written by hand: they must read back as the
/// attempt they stand for, whatever the worker's name holds.
@Suite struct JobAttemptJSONTests {
    @Test(arguments: ["worker-host-4242", "a \"quoted\" name", "back\\slash", "tab\there\nnewline", "ünïcødé ✓"])
    func soleAttemptJSONDecodesToTheAttempt(worker: String) throws {
        let running = JobAttempt(worker: worker, delivery: 3, startedAt: 1_764_700_000_123, outcome: "running")
        var ended = running
        ended.endedAt = 1_764_700_001_456
        ended.outcome = "done"
        for attempt in [running, ended] {
            let decoded = try JSONDecoder().decode([JobAttempt].self, from: Data(attempt.soleAttemptJSON.utf8))
            #expect(decoded == [attempt])
        }
        #expect(!running.soleAttemptJSON.contains("\"e\""))
    }
}
