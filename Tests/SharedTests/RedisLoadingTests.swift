import Foundation
import GPLRTestSupport
import Synchronization
import Testing

@testable import GPLRRedis

/// A Redis server that is loading its data, met by clients. Run on its own by `Ops/test.sh`: the test watches a
/// seconds-long `LOADING` window, which a test process whose threads are all busy with other suites' blocking
/// waits can miss.
@Suite(.timeLimit(.minutes(5))) struct RedisLoadingTests {
    /// A restarted server answers `LOADING` while it reads its data back (here 3,000 keys at 2 ms each, Redis's
    /// own `key-load-delay`, answering between every kilobyte it reads, as it does every 2 MB by default): a client
    /// waits for it by time, not by its reconnect attempts (one here), and gets the loaded data, for single commands
    /// and pipelines. A client without patience sees the `LOADING` error, which shows that the patient one met it too.
    @Test func aServerLoadingItsDataIsWaitedFor() async throws {
        try await withRedisServer(
            RedisServer.Options(extraArguments: [
                "--key-load-delay", "2000", "--loading-process-events-interval-bytes", "1024",
            ])
        ) { server in
            let writer = try RedisClient(url: server.url)
            _ = try await writer.pipeline((0..<3000).map { ["SET", RedisArgument("k\($0)"), RedisArgument($0)] })
            try await writer.send("SAVE")
            // The restart blocks until the loading is over: on a thread of its own, neither one of the test
            // process's few task threads nor a Dispatch worker (both busy with other suites' waits once kept it from
            // starting until this test had given up).
            let restarted = Atomic(false)
            let restartFailure = Mutex<String?>(nil)
            Thread {
                do { try server.restart(timeout: .seconds(60)) } catch {
                    restartFailure.withLock { $0 = "\(error)" }
                }
                restarted.store(true, ordering: .sequentiallyConsistent)
            }.start()
            let impatient = try RedisClient(url: server.url, options: RedisClientOptions(reconnect: .never))
            // Until the server answers LOADING (true) or the restart is over without it (false).
            let sawLoading =
                try await poll(timeout: .seconds(90), every: .milliseconds(10)) { () -> Bool? in
                    do {
                        _ = try await impatient.send("GET", "k0")  // the old server, or the new one had loaded
                    } catch let error as RedisError {
                        if error.serverErrorPrefix == "LOADING" { return true }  // else not listening yet
                    }
                    return restarted.load(ordering: .sequentiallyConsistent) ? false : nil
                } ?? false
            #expect(sawLoading, "the restarted server never answered LOADING")
            let patient = try RedisClient(
                url: server.url, options: RedisClientOptions(reconnect: RedisReconnectPolicy(maxAttempts: 1)))
            let pipelined = try await patient.pipeline([["GET", "k1"], ["GET", "k2999"]])
            #expect(pipelined.map(\.int) == [1, 2999])
            #expect(try await patient.send("GET", "k7").int == 7)
            #expect(await eventually(timeout: .seconds(90)) { restarted.load(ordering: .sequentiallyConsistent) })
            #expect(restartFailure.withLock { $0 } == nil)
        }
    }
}
