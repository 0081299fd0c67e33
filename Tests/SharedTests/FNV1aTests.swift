import Testing

@testable import GPLRSupport

/// The shared FNV-1a gives the published 64-bit test vectors (what the stand-in labeler's personas and the LLM
/// simulator's seeded streams rest on).
@Suite(.timeLimit(.minutes(1))) struct FNV1aTests {
    @Test func publishedVectors() {
        #expect(FNV1a.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar") == 0x8594_4171_f739_67e8)
    }
}
