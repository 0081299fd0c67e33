import Foundation
import GPLRLLM
import Testing

@testable import GPLRRuntime

/// Label results are written by hand and read by a fast path (``LabelJobResult/encodedCanonical()``,
/// ``LabelJobResult/decodeCanonical(_:)``): the bytes must be `JSONEncoder`'s, and whatever the fast path accepts it
/// must read as `JSONDecoder` does; what it does not accept goes to `JSONDecoder` and reads the same.
@Suite struct LabelJobResultCanonicalTests {
    static let batches: [LabelingBatch] = [
        LabelingBatch(),
        LabelingBatch(labels: [7: [], 3: [2, 0, 11], 1_000_123: [5]]),
        LabelingBatch(
            labels: [1: [0]], counters: ["noise-dropped": 3, "noise-added": 0, "a/b": 12]),
        LabelingBatch(labels: [1: [0]], counters: ["a \"quoted\" name": 1]),
        LabelingBatch(
            labels: [2: [1, 1]], failures: [4: "no label for user \"x/y\"\n in the file", 9: "ü"],
            counters: ["missing-from-labels-file": 2]),
    ]

    @Test(arguments: batches)
    func theBytesAreJSONEncodersAndReadBackTheSame(batch: LabelingBatch) throws {
        let result = LabelJobResult(batch: batch)
        let written = try LabelJobDefinition.encodeResult(result)
        #expect(written == (try JobCoding.encode(result)))
        #expect(try LabelJobDefinition.decodeResult(written) == result)
        #expect(try JSONDecoder().decode(LabelJobResult.self, from: written) == result)
        // The fast path takes the results without failures whose counter names need no escape but `\/`, and reads
        // them as JSONDecoder does.
        let fast = LabelJobResult.decodeCanonical(written)
        #expect((fast != nil) == (batch.failures.isEmpty && !batch.counters.keys.contains { $0.contains("\"") }))
        if let fast { #expect(fast == result) }
    }

    @Test(arguments: [
        #"{"counters":{},"failed":[],"labeled":[{"personas":[1],"user":2}] }"#,
        #"{"counters":{},"failed":[],"labeled":[{"user":2,"personas":[1]}]}"#,
        #"{"counters":{"a":1,"a":2},"failed":[],"labeled":[]}"#,
        #"{"counters":{"a":-1},"failed":[],"labeled":[]}"#,
        #"{"counters":{},"failed":[],"labeled":[{"personas":[01],"user":2}]}"#,
        #"{"counters":{},"failed":[],"labeled":[{"personas":[1,],"user":2}]}"#,
        #"{"counters":{"\u0061":1},"failed":[],"labeled":[]}"#,
    ])
    func anythingElseIsLeftToJSONDecoder(json: String) {
        #expect(LabelJobResult.decodeCanonical(Data(json.utf8)) == nil)
    }
}
