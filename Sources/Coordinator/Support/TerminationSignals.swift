import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM caught as values: from ``init()`` on, they no longer end the process but are delivered
/// to ``next()`` (through dispatch sources, so nothing runs in a signal handler).
///
/// Install it before starting children: children started with `ChildProcess` (ProcessSupport) get the default
/// dispositions back, so ignoring the signals here does not leak into them.
final class TerminationSignals: Sendable {
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation
    private let sources: Mutex<[any DispatchSourceSignal]>

    /// - Parameter handler: also called (on the signals' own queue) for every signal, before it reaches
    ///   ``next()``: for commands whose work is synchronous and cannot wait for an `await`.
    init(_ numbers: [Int32] = [SIGINT, SIGTERM], handler: (@Sendable (Int32) -> Void)? = nil) {
        (stream, continuation) = AsyncStream<Int32>.makeStream()
        let queue = DispatchQueue(label: "gplr.signals")
        let continuation = continuation
        sources = Mutex(
            numbers.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    handler?(number)
                    continuation.yield(number)
                }
                source.resume()
                return source
            })
    }

    /// The next signal received, or `nil` when cancelled or after ``cancel()``.
    func next() async -> Int32? {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }

    /// Stops watching; a later signal is ignored.
    func cancel() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
            sources = []
        }
        continuation.finish()
    }

    /// `SIGINT`, `SIGTERM` or `signal N`.
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }
}
