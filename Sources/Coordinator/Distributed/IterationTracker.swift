import Synchronization

/// The iteration t the runner is in, for the job ids of the distributed labeler and affinity computer (the
/// ``PersonaLabeler`` and ``AffinityComputer`` protocols do not pass it). Set from the runner's
/// `RunEvent.sampled` events; a resumed run starts it at the checkpoint's completed iterations, which is the
/// iteration whose Ψ the runner recomputes first, so the recomputation finds that iteration's results.
final class IterationTracker: Sendable {
    private let value: Mutex<Int>

    init(_ iteration: Int) { value = Mutex(iteration) }

    var iteration: Int {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
