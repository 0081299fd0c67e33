import Foundation
import Testing

@testable import GPLRRuntime

/// A label job's result is read back from Redis: a user listed twice must not trap the coordinator that reduces it.
@Suite struct LabelJobResultTests {
    @Test func aUserListedTwiceKeepsItsFirstEntry() throws {
        let json = """
            {"labeled":[{"user":1,"personas":[0]},{"user":1,"personas":[2]},{"user":2,"personas":[]}],
             "failed":[{"user":3,"error":"first"},{"user":3,"error":"second"}],"counters":{"dropped":1}}
            """
        let batch = try JSONDecoder().decode(LabelJobResult.self, from: Data(json.utf8)).batch
        #expect(batch.labels == [1: [0], 2: []])
        #expect(batch.failures == [3: "first"])
        #expect(batch.counters == ["dropped": 1])
    }
}
