import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRLLM

/// The local response cache file: answers survive a reopen, and every kind of damage — a torn last line, a
/// flipped byte, garbage — is skipped and counted, never fatal; the first append after a torn line starts a
/// line of its own. Through an ``LLMLabeler`` against the simulator, a second labeling sends nothing.
@Suite(.timeLimit(.minutes(2))) struct LLMFileCacheTests {
    static func entry(_ index: Int) -> LLMResponseCache.Entry {
        LLMResponseCache.Entry(
            content: #"{"users": [{"id": "u\#(index)", "personas": ["A \"quoted\"\nname"]}]}"#,
            usage: TokenUsage(promptTokens: 10 + index, completionTokens: index), model: "m")
    }

    @Test func answersSurviveAReopenAndConcurrentAppendsStayWhole() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cache = try LLMFileCache(directory: directory.path)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try? cache.store(Self.entry(index), hash: "h\(index)") }
            }
        }
        #expect(cache.count == 200 && cache.appended == 200)
        let reopened = try LLMFileCache(directory: directory.path)
        #expect(reopened.count == 200 && reopened.corruptLines == 0 && reopened.appended == 0)
        for index in [0, 57, 199] { #expect(reopened.lookup(hash: "h\(index)") == Self.entry(index)) }
        #expect(reopened.lookup(hash: "h200") == nil)
    }

    @Test func damagedLinesAreSkippedAndCountedAndTheNextAppendStartsAFreshLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file(LLMFileCache.fileName)
        var text = ""
        for index in 0..<4 {
            text += String(decoding: LLMFileCache.encode(hash: "h\(index)", entry: Self.entry(index)), as: UTF8.self)
        }
        // Line 2 (h1) has a flipped byte in its JSON, then garbage, then h3 torn in the middle (a crash mid-write).
        var lines = text.split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "u1", with: "v1")
        let torn = String(lines[3].prefix(lines[3].count / 2))
        text = [lines[0], lines[1], "not a cache line", lines[2], torn].joined(separator: "\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let cache = try LLMFileCache(directory: directory.path)
        #expect(cache.corruptLines == 3, "the edited line, the garbage and the torn line")
        #expect(cache.count == 2)
        #expect(cache.lookup(hash: "h0") == Self.entry(0) && cache.lookup(hash: "h2") == Self.entry(2))
        #expect(cache.lookup(hash: "h1") == nil && cache.lookup(hash: "h3") == nil)
        try cache.store(Self.entry(3), hash: "h3")

        let reopened = try LLMFileCache(directory: directory.path)
        #expect(reopened.count == 3 && reopened.corruptLines == 3)
        #expect(reopened.lookup(hash: "h3") == Self.entry(3))
    }

    @Test func aLabelerWithTheFileCacheAsksTheServerOnce() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 12)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await LLMLabelerFixtures.withSimulator(truth: truth) { simulator, port in
            let configuration = LLMLabelerFixtures.configuration(port: port)
            let cache = LLMResponseCache(file: try LLMFileCache(directory: directory.path))
            let first = try await LLMLabelerFixtures.label(
                Array(0..<12), in: graph, configuration: configuration, cache: cache)
            #expect(simulator.statistics.requests == 12 && first.counters["llm.cache-misses"] == 12)
            // Another process later: a new cache object over the same file.
            let again = LLMResponseCache(file: try LLMFileCache(directory: directory.path))
            let second = try await LLMLabelerFixtures.label(
                Array(0..<12), in: graph, configuration: configuration, cache: again)
            #expect(simulator.statistics.requests == 12, "the second labeling must not reach the server")
            #expect(second.labels == first.labels && second.counters["llm.cache-hits"] == 12)
            let text = try String(contentsOfFile: directory.file(LLMFileCache.fileName), encoding: .utf8)
            #expect(!text.contains(LLMLabelerFixtures.apiKey))
        }
    }
}
