import CCurl
import CCurlShim
import Foundation
import GPLRSupport
import Synchronization

/// The curl multi handle and the dedicated thread that drives it.
///
/// Async callers hand in ``PendingTransfer``s through a locked queue and wake the thread with
/// `curl_multi_wakeup`; the thread alone touches the multi and easy handles (`curl_multi_poll`,
/// `curl_multi_perform`), so no blocking curl call ever runs on the Swift cooperative pool.
final class CurlMultiLoop: @unchecked Sendable {
    // @unchecked: the mutable state below `inbox` is confined to the curl thread; `inbox` is a Mutex.
    private struct Inbox {
        var submitted: [PendingTransfer] = []
        var cancelled: [PendingTransfer] = []
        var shuttingDown = false
        var finished = false
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private static let globalInit: Int32 = Int32(curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue)

    private let multi: UnsafeMutableRawPointer
    private let configuration: HTTPClientConfiguration
    private let inbox = Mutex(Inbox())

    // Thread-confined state.
    private var waiting: [PendingTransfer] = []
    private var waitingHead = 0
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var activeByToken: [ObjectIdentifier: UnsafeMutableRawPointer] = [:]

    init(configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        guard Self.globalInit == 0 else {
            throw HTTPClientError(code: .setup, curlCode: Int(Self.globalInit), message: "curl_global_init failed")
        }
        guard let multi = curl_multi_init() else {
            throw HTTPClientError(code: .setup, message: "curl_multi_init failed")
        }
        self.multi = multi
        self.configuration = configuration
        // Keep-alive: the connection cache holds one connection per possible concurrent request.
        _ = gplr_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS.rawValue, configuration.maxConcurrentRequests)
        _ = gplr_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING.rawValue, Int(CURLPIPE_MULTIPLEX))
    }

    /// Starts the thread. It keeps `self` alive until it has shut down.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "gplr-curl"
        thread.start()
    }

    func submit(_ transfer: PendingTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.shuttingDown else { return false }
            inbox.submitted.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted {
            transfer.complete(
                .failure(
                    HTTPClientError(
                        code: .shutdown, message: "HTTP client is shut down",
                        url: HTTPClientRequest.redact(transfer.request.url))))
        }
    }

    func cancel(_ transfer: PendingTransfer) {
        inbox.withLock { inbox in
            guard !inbox.finished else { return }
            inbox.cancelled.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    /// Asks the thread to stop; in-flight and queued requests fail with ``HTTPClientError/Code/shutdown``.
    func requestShutdown() {
        inbox.withLock { inbox in
            guard !inbox.finished else { return }
            inbox.shuttingDown = true
            curl_multi_wakeup(multi)
        }
    }

    /// Stops the thread and returns once the multi handle is freed.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = inbox.withLock { inbox -> Bool in
                guard !inbox.finished else { return true }
                inbox.shuttingDown = true
                inbox.shutdownWaiters.append(continuation)
                curl_multi_wakeup(multi)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    // MARK: - The thread

    private func run() {
        while true {
            let (submitted, cancelled, shuttingDown) = inbox.withLock { inbox in
                defer {
                    inbox.submitted.removeAll(keepingCapacity: true)
                    inbox.cancelled.removeAll(keepingCapacity: true)
                }
                return (inbox.submitted, inbox.cancelled, inbox.shuttingDown)
            }
            waiting.append(contentsOf: submitted)
            for token in cancelled {
                if let easy = activeByToken[ObjectIdentifier(token)] { finish(easy, with: nil) }
            }
            if shuttingDown { break }
            startWaiting()
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectCompleted()
            if active.count < configuration.maxConcurrentRequests && waitingHead < waiting.count { continue }
            var descriptors: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 1000, &descriptors)
        }
        tearDown()
    }

    private func startWaiting() {
        while active.count < configuration.maxConcurrentRequests && waitingHead < waiting.count {
            let token = waiting[waitingHead]
            waitingHead += 1
            if token.isCancelled { continue }
            do {
                let transfer = try CurlTransfer(token: token, configuration: configuration)
                let code = curl_multi_add_handle(multi, transfer.easy)
                guard code == CURLM_OK else {
                    token.complete(
                        .failure(
                            HTTPClientError(
                                code: .setup, curlCode: Int(code.rawValue), message: "curl_multi_add_handle failed",
                                url: HTTPClientRequest.redact(token.request.url))))
                    continue
                }
                active[transfer.easy] = transfer
                activeByToken[ObjectIdentifier(token)] = transfer.easy
            } catch {
                token.complete(.failure(error))
            }
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    private func collectCompleted() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            finish(easy, with: message.pointee.data.result)
        }
    }

    /// Detaches `easy` from the multi handle and resolves its request (`code == nil`: cancelled, already resolved).
    private func finish(_ easy: UnsafeMutableRawPointer, with code: CURLcode?) {
        guard let transfer = active.removeValue(forKey: easy) else { return }
        activeByToken[ObjectIdentifier(transfer.token)] = nil
        _ = curl_multi_remove_handle(multi, easy)
        if let code { transfer.token.complete(transfer.result(code: code)) }
    }

    private func tearDown() {
        let (queued, waiters) = inbox.withLock { inbox in
            inbox.finished = true
            defer {
                inbox.submitted.removeAll()
                inbox.shutdownWaiters.removeAll()
            }
            return (inbox.submitted, inbox.shutdownWaiters)
        }
        for (easy, transfer) in active {
            _ = curl_multi_remove_handle(multi, easy)
            transfer.token.complete(.failure(shutdownError(transfer.token)))
        }
        active.removeAll()
        activeByToken.removeAll()
        for token in waiting[waitingHead...] + queued { token.complete(.failure(shutdownError(token))) }
        waiting.removeAll()
        curl_multi_cleanup(multi)
        for waiter in waiters { waiter.resume() }
    }

    private func shutdownError(_ token: PendingTransfer) -> HTTPClientError {
        HTTPClientError(
            code: .shutdown, message: "HTTP client shut down before the response arrived",
            url: HTTPClientRequest.redact(token.request.url))
    }
}
