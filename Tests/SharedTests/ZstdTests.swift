import Testing

@testable import GPLRCore
@testable import GPLRZstd

@Suite(.timeLimit(.minutes(5))) struct ZstdTests {
    @Test(arguments: [1, 3, 19])
    func roundTripsRandomAndRepetitiveData(level: Int) throws {
        var rng = SeededGenerator(seed: UInt64(level))
        let random = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let repetitive = Array(repeating: Array("abcabcabd".utf8), count: 5_000).flatMap { $0 }
        for input in [random, repetitive, []] {
            let compressed = try Zstd.compress(input, level: level)
            #expect(try Zstd.decompress(compressed, expectedSize: input.count) == input)
        }
        let packed = try Zstd.compress(repetitive, level: level)
        #expect(packed.count < repetitive.count / 20)
    }

    @Test func multiThreadedCompressionRoundTrips() throws {
        let input = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 5) }
        let compressor = try ZstdCompressor(level: 3, workers: 2)
        let compressed = try compressor.compress(input)
        #expect(try ZstdDecompressor().decompress(compressed, expectedSize: input.count) == input)
    }

    @Test func garbageIsAnErrorWithZstdsName() throws {
        let error = try #require(throws: ZstdError.self) {
            try Zstd.decompress(Array("definitely not zstd".utf8), expectedSize: 10)
        }
        #expect(error.code == .decompression)
        let compressed = try Zstd.compress(Array(repeating: 1, count: 1000))
        var damaged = compressed
        damaged[damaged.count - 1] ^= 0xFF  // inside the block data / checksum area
        damaged[damaged.count / 2] ^= 0xFF
        if let failure = (#expect(throws: ZstdError.self) { try Zstd.decompress(damaged, expectedSize: 1000) }) {
            #expect(failure.zstdErrorName != nil || failure.code == .sizeMismatch)
        }
        // A truncated frame names zstd's reason.
        let truncated = try #require(throws: ZstdError.self) {
            try Zstd.decompress(Array(compressed.dropLast(3)), expectedSize: 1000)
        }
        #expect(truncated.zstdErrorName != nil)
    }

    @Test func wrongExpectedSizeIsRefused() throws {
        let compressed = try Zstd.compress(Array(repeating: 9, count: 100))
        let error = try #require(throws: ZstdError.self) { try Zstd.decompress(compressed, expectedSize: 99) }
        #expect(error.code == .sizeMismatch)
    }

    @Test func invalidLevelIsRefused() throws {
        #expect(throws: ZstdError.self) { try ZstdCompressor(level: 1_000_000) }
    }
}
