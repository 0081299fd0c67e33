import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// ``AffinityShardCodec``'s sparse form: a shard whose values are mostly zero (a RevAff increment) crosses Redis as a
/// bitmap and its non-zero values, and comes back with every value's bits; a malformed sparse section is refused.
@Suite(.timeLimit(.minutes(1))) struct AffinityShardCodecTests {
    /// The bit patterns of a matrix's values (`==` on doubles would let `-0.0` pass for `0.0`).
    private func bits(_ matrix: AffinityMatrix) -> [UInt64] { matrix.values.map(\.bitPattern) }

    /// A real RevAff increment (few seeds, so most users get nothing) is written sparse, smaller than dense, and
    /// decodes to the same bits and residuals; a shard without zeros stays dense.
    @Test func aRevAffIncrementTravelsSparseAndComesBackBitForBit() throws {
        let graph = AffinityFixtures.graph(seed: 61, userCount: 400, itemCount: 120)
        let labels = try LabelMatrix(
            labels: try AffinityFixtures.labels(seed: 61, userCount: graph.userCount, personaCount: 5, share: 0.02),
            userCount: graph.userCount)
        let solver = RevAff(walkLength: 1, epsilon: 0.05, threadCount: 2)
        let (result, residuals) = try solver.increment(
            graph: graph, labels: labels, personas: [1, 3, 4], carrying: RevAffResiduals())
        let shard = AffinityShardResult(affinity: result.affinity, residuals: residuals)
        let nonZero = shard.affinity.values.count { $0 != 0 }
        #expect(
            nonZero > 0 && nonZero < shard.affinity.values.count / 2, "\(nonZero) of \(shard.affinity.values.count)")

        let bytes = AffinityShardCodec.encode(shard)
        #expect(Array(bytes.prefix(8)) == Array("GPLRPSI4".utf8))
        let affinity = shard.affinity
        let dense = 20 + 4 * affinity.columnCount + 8 * affinity.values.count + residuals.encoded().count
        #expect(bytes.count < dense / 2, "sparse \(bytes.count) bytes against dense \(dense)")
        let decoded = try AffinityShardCodec.decodeResult(bytes)
        #expect(bits(decoded.affinity) == bits(shard.affinity))
        #expect(decoded == shard)

        let plain = AffinityShardCodec.encode(AffinityShardResult(affinity: shard.affinity))
        #expect(Array(plain.prefix(8)) == Array("GPLRPSI3".utf8))
        #expect(bits(try AffinityShardCodec.decode(plain)) == bits(shard.affinity))

        // A shard with no zero stays dense: the sparse form would be larger.
        let full = try AffinityMatrix(
            userCount: 40, personaCount: 5, personas: [0, 1], values: (0..<80).map { 0.001 * Double($0 + 1) })
        let fullBytes = AffinityShardCodec.encode(AffinityShardResult(affinity: full))
        #expect(Array(fullBytes.prefix(8)) == Array("GPLRPSI1".utf8))
        #expect(bits(try AffinityShardCodec.decode(fullBytes)) == bits(full))
    }

    /// Zeros of either sign, a subnormal, NaN and an all-zero shard keep their bits.
    @Test func everyBitPatternSurvivesTheSparseForm() throws {
        var values = [Double](repeating: 0, count: 3 * 70)
        values[3] = -0.0
        values[17] = .leastNonzeroMagnitude
        values[64] = .nan
        values[209] = 1e300
        let shard = try AffinityMatrix(userCount: 70, personaCount: 6, personas: [0, 2, 5], values: values)
        let bytes = AffinityShardCodec.encode(AffinityShardResult(affinity: shard))
        #expect(Array(bytes.prefix(8)) == Array("GPLRPSI3".utf8))
        #expect(bits(try AffinityShardCodec.decode(bytes)) == bits(shard))

        // Far more users than bytes: a shard one persona wide, all zero but one value, and one all zero.
        var lone = [Double](repeating: 0, count: 5_000)
        lone[4_321] = 0.125
        let wide = try AffinityMatrix(userCount: 5_000, personaCount: 6, personas: [4], values: lone)
        let wideBytes = AffinityShardCodec.encode(AffinityShardResult(affinity: wide))
        #expect(Array(wideBytes.prefix(8)) == Array("GPLRPSI3".utf8) && wideBytes.count < 5_000 / 6)
        #expect(bits(try AffinityShardCodec.decode(wideBytes)) == bits(wide))
        let zeros = try AffinityMatrix(zerosForUsers: 5_000, personaCount: 6)
        let zeroBytes = AffinityShardCodec.encode(AffinityShardResult(affinity: zeros))
        #expect(Array(zeroBytes.prefix(8)) == Array("GPLRPSI3".utf8))
        #expect(try AffinityShardCodec.decode(zeroBytes) == zeros)
    }

    /// A count that disagrees with the bitmap, a bit past the last value, missing or extra bytes: each refused,
    /// saying what is wrong, never decoded into other values.
    @Test func aMalformedSparseSectionIsRefused() throws {
        var values = [Double](repeating: 0, count: 2 * 11)
        values[0] = 0.5
        values[9] = 0.25
        let shard = try AffinityMatrix(userCount: 11, personaCount: 2, personas: [0, 1], values: values)
        let bytes = AffinityShardCodec.encode(AffinityShardResult(affinity: shard))
        #expect(Array(bytes.prefix(8)) == Array("GPLRPSI3".utf8))
        let countAt = 20 + 4 * 2, bitmapAt = countAt + 8  // 22 values: a 3-byte bitmap, then the 2 values
        func message(_ broken: [UInt8]) -> String? {
            #expect(throws: AlgorithmError.self) { try AffinityShardCodec.decodeResult(broken) }?.message
        }
        var moreCounted = bytes
        moreCounted[countAt] = 3
        #expect(message(moreCounted + [0, 0, 0, 0, 0, 0, 0, 0]).map { $0.contains("marks 2 values") } == true)
        var extraBit = bytes
        extraBit[bitmapAt + 1] |= 0x01
        #expect(message(extraBit)?.contains("more than 2 values") == true)
        var pastTheEnd = bytes
        pastTheEnd[bitmapAt + 2] |= 0x80  // bit 23: there are 22 values
        pastTheEnd[countAt] = 3
        #expect(message(pastTheEnd + [0, 0, 0, 0, 0, 0, 0, 0])?.contains("past the 22") == true)
        #expect(message(Array(bytes.dropLast(1)))?.contains("expected") == true)
        #expect(message(bytes + [0])?.contains("expected \(bytes.count) bytes") == true)
    }
}
