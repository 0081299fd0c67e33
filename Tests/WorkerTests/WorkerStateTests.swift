import Foundation
import Testing

@testable import GPLRRuntime
@testable import Worker

/// The lease bookkeeping of a worker: a job whose outcome is being recorded is no longer extended, and an
/// extension refused because this worker itself just acknowledged the job is not reported as a lost lease
/// (a 1M-user run logged such false "lease lost" warnings).
@Suite(.timeLimit(.minutes(1))) struct WorkerStateTests {
    static func job(_ entry: String) -> LeasedJob {
        LeasedJob(
            envelope: JobEnvelope(id: "label-t1-\(entry)", runID: "r", kind: "label", payload: Data("{}".utf8)),
            entryID: entry, consumer: "w", deliveryCount: 1)
    }

    @Test func aSettlingJobIsNotExtendedAndARefusedExtensionOfItIsNoLostLease() {
        let state = WorkerState()
        let running = Self.job("1-0"), settling = Self.job("2-0"), released = Self.job("3-0")
        state.hold([running, settling, released])
        state.settle(settling)
        state.release(released)
        #expect(Set(state.jobsToExtend.map(\.entryID)) == ["1-0"])

        #expect(!state.markLeaseLost(settling))
        #expect(!state.leaseLost(settling))
        #expect(!state.markLeaseLost(released))
        #expect(state.markLeaseLost(running))
        #expect(state.leaseLost(running))
        #expect(state.jobsToExtend.isEmpty)
    }
}
