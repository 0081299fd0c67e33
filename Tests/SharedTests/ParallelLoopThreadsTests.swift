import Dispatch
import Foundation
import Synchronization
import Testing

@testable import GPLRCore

/// ``ParallelLoop`` on threads of its own gives the results of a serial loop, from any number of callers at once.
@Suite(.timeLimit(.minutes(2))) struct ParallelLoopThreadsTests {
    @Test func everyChunkRunsOnceWithItsOwnStateAcrossManyLoops() {
        for threads in [1, 2, 3, 8] {
            for chunks in [0, 1, 5, 64] {
                var hits = [Int](repeating: 0, count: chunks)
                hits.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress
                    ParallelLoop.run(chunks: chunks, threads: threads) { chunk in base![chunk] += 1 }
                }
                #expect(hits.allSatisfy { $0 == 1 }, "threads \(threads), chunks \(chunks)")
                var sums = [Int](repeating: 0, count: chunks)
                sums.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress
                    ParallelLoop.run(chunks: chunks, threads: threads, setup: { [Int](repeating: 0, count: 4) }) {
                        scratch, chunk in
                        scratch[chunk % 4] += 1  // state is per thread: never shared
                        base![chunk] = chunk * 2
                    }
                }
                #expect(sums == (0..<chunks).map { $0 * 2 })
            }
        }
        // Loops started from several threads at once each finish (helpers are started, never waited for).
        let group = DispatchGroup()
        let totals = Shared([Int](repeating: 0, count: 4))
        for caller in 0..<4 {
            group.enter()
            Thread {
                var local = [Int](repeating: 0, count: 100)
                local.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress
                    ParallelLoop.run(chunks: 100, threads: 3) { chunk in base![chunk] = chunk }
                }
                totals.value.withLock { $0[caller] = local.reduce(0, +) }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(totals.value.withLock { $0 } == [Int](repeating: 4950, count: 4))
    }
}
