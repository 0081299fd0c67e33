/// An HTTP/1.1 and HTTP/2 client over libcurl's multi interface.
///
/// One dedicated thread drives all transfers (not the Swift cooperative pool); up to
/// ``HTTPClientConfiguration/maxConcurrentRequests`` are on the wire at once, the rest wait in submission
/// order. Connections are kept alive and reused, and HTTP/2 is negotiated over TLS where the server offers it.
///
/// Call ``shutdown()`` when done: it fails what is still in flight with ``HTTPClientError/Code/shutdown`` and
/// returns once the curl thread has exited. Dropping the last reference also stops the thread.
public final class HTTPClient: Sendable {
    private let loop: CurlMultiLoop

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPClientError) {
        loop = try CurlMultiLoop(configuration: configuration)
        loop.start()
    }

    deinit { loop.requestShutdown() }

    /// Sends `request` and returns the complete response, whatever its status.
    ///
    /// Throws ``HTTPClientError`` when no response arrived: timeout, connection failure, cancellation of the
    /// calling task (the transfer is aborted), or shutdown.
    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let transfer = PendingTransfer(request: request)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if transfer.install(continuation) { loop.submit(transfer) }
            }
        } onCancel: {
            if transfer.cancel() { loop.cancel(transfer) }
        }
        return try result.get()
    }

    /// Stops the client: pending requests fail with ``HTTPClientError/Code/shutdown``; returns once the curl
    /// thread has released all handles. Later calls to ``execute(_:)`` fail the same way.
    public func shutdown() async {
        await loop.shutdown()
    }
}
