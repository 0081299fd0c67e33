import Foundation
import GPLRRuntime
import GPLRTestSupport
import Testing

/// Dead letters say what went wrong in words: no `NSCocoaErrorDomain` or `Swift.DecodingError.Context` dumps.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DeadLetterTextTests {
    @Test func undecodablePayloadsAndMissingFilesAreDescribedReadably() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let missing = harness.fixture.labelJob(users: [1], labelsPath: harness.directory.file("nope.jsonl"))
            try await harness.queue.enqueue([
                JobEnvelope(
                    id: "garbage", runID: harness.runID, kind: LabelJobDefinition.kind, payload: Data("not json".utf8)),
                JobEnvelope(
                    id: "wrong-shape", runID: harness.runID, kind: LabelJobDefinition.kind,
                    payload: Data(#"{"version": 1, "users": "all"}"#.utf8)),
                try harness.envelope("missing", kind: LabelJobDefinition.kind, payload: missing),
            ])
            let worker = try harness.startWorker("w1", ["--max-attempts", "1"])
            defer { worker.stop() }

            var texts: [String: String] = [:]
            for id in ["garbage", "wrong-shape", "missing"] {
                texts[id] = try await harness.waitForDeadLetter(id)?.error
            }
            for (id, text) in texts {
                #expect(
                    !text.contains("NSCocoaErrorDomain") && !text.contains("DecodingError")
                        && !text.contains("UserInfo="), "\(id): \(text)")
            }
            #expect(texts.count == 3, "worker log:\n\(worker.standardError)")
            #expect(texts["garbage"]?.contains("not valid JSON") == true, "\(texts)")
            #expect(texts["wrong-shape"]?.hasSuffix("does not decode (\"snapshot\" is missing)") == true, "\(texts)")
            #expect(texts["missing"]?.contains("nope.jsonl") == true, "\(texts)")
            #expect(texts["missing"]?.contains("doesn’t exist") == true, "\(texts)")
        }
    }
}
