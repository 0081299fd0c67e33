import Foundation
import Testing

@testable import GPLRRuntime

/// The attempts the queue's scripts store on their fast paths are strings: the client's hand-written opening of a
/// one-attempt list (``JobAttempt/openingJSON``), finished in Lua. Finished the same way here, they must read back
/// as the attempt they stand for, whatever the worker's name holds.
@Suite struct JobAttemptJSONTests {
    @Test(arguments: ["worker-host-4242", "a \"quoted\" name", "back\\slash", "tab\there\nnewline", "ünïcødé ✓"])
    func openingJSONFinishedAsTheScriptsDoDecodesToTheAttempt(worker: String) throws {
        let running = JobAttempt(worker: worker, delivery: 3, startedAt: 1_764_700_000_123, outcome: "running")
        var ended = running
        ended.endedAt = 1_764_700_001_456
        ended.outcome = "done"
        // `running_json` and `ended_json` in JobQueueScripts.attemptFunctions.
        let runningJSON = running.openingJSON + ",\"o\":\"running\"}]"
        let endedJSON = running.openingJSON + ",\"e\":1764700001456,\"o\":\"done\"}]"
        #expect(try JSONDecoder().decode([JobAttempt].self, from: Data(runningJSON.utf8)) == [running])
        #expect(try JSONDecoder().decode([JobAttempt].self, from: Data(endedJSON.utf8)) == [ended])
        #expect(JobQueueScripts.attemptFunctions.contains(#"return opening .. ',"o":"running"}]'"#))
        #expect(
            JobQueueScripts.attemptFunctions.contains(
                #"return opening .. ',"e":' .. now .. ',"o":"' .. outcome .. '"}]'"#))
    }
}
