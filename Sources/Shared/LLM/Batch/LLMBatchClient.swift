import Foundation
public import GPLRHTTP

/// A client for OpenAI's Batch API over ``HTTPClient`` (libcurl): upload a JSON Lines file of chat completion
/// requests (`POST /v1/files`, purpose `batch`), create a batch from it (`POST /v1/batches`), read its status
/// (`GET /v1/batches/{id}`) and download its output and error files (`GET /v1/files/{id}/content`).
///
/// The URLs are `{base}/v1/…` of ``LLMConfiguration/baseURL`` (a full ``LLMConfiguration/endpointURL`` has no
/// batch counterpart). Each call is retried like a chat completion (429, 5xx, 408, timeouts and broken
/// connections, `Retry-After` honoured) up to ``LLMConfiguration/maxAttempts``; other 4xx fail at once. The key
/// and extra headers go into their headers only, never into errors or logs.
public final class LLMBatchClient: Sendable {
    public let configuration: LLMConfiguration
    private let http: HTTPClient
    private let ownsHTTPClient: Bool
    private let policy: RetryPolicy

    /// A client with its own ``HTTPClient``; call ``shutdown()`` when done.
    public convenience init(configuration: LLMConfiguration) throws(HTTPClientError) {
        let http = try HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 4))
        self.init(configuration: configuration, http: http, owns: true)
    }

    private init(configuration: LLMConfiguration, http: HTTPClient, owns: Bool) {
        self.configuration = configuration
        self.http = http
        ownsHTTPClient = owns
        policy = RetryPolicy(configuration: configuration)
    }

    /// Shuts down the HTTP client if this client created it.
    public func shutdown() async {
        if ownsHTTPClient { await http.shutdown() }
    }

    /// `{base}/v1/<path>`.
    func url(_ path: String) -> String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        return base + "/v1/" + path
    }

    /// Uploads `jsonl` as a batch input file and returns its id.
    public func upload(_ jsonl: [UInt8], filename: String) async throws(LLMBatchError) -> String {
        var form = LLMBatchMultipart()
        form.addField("purpose", "batch")
        form.addFile("file", filename: filename, contentType: "application/jsonl", jsonl)
        let response = try await send(
            .post, url("files"), step: "upload", body: form.finished(), contentType: form.contentType)
        return try decode(LLMBatchWire.File.self, response, step: "upload").id
    }

    /// Creates a batch of the chat completion requests in file `inputFileID`.
    public func createBatch(inputFileID: String, completionWindow: String) async throws(LLMBatchError)
        -> LLMBatchWire.Batch
    {
        let body: [UInt8]
        do {
            body = Array(
                try JSONEncoder().encode(
                    LLMBatchWire.CreateBatch(inputFileID: inputFileID, completionWindow: completionWindow)))
        } catch {
            throw LLMBatchError(.invalidResponse, step: "create", "cannot encode the request: \(error)")
        }
        let response = try await send(
            .post, url("batches"), step: "create", body: body, contentType: "application/json")
        return try decode(LLMBatchWire.Batch.self, response, step: "create")
    }

    /// The batch `id` as the server sees it now.
    public func batch(_ id: String) async throws(LLMBatchError) -> LLMBatchWire.Batch {
        let response = try await send(.get, url("batches/\(Self.escaped(id))"), step: "status")
        return try decode(LLMBatchWire.Batch.self, response, step: "status")
    }

    /// Asks the server to cancel batch `id` (`POST /v1/batches/{id}/cancel`): it stops answering its lines and
    /// ends `cancelled`; lines already answered are billed and in its output file.
    public func cancelBatch(_ id: String) async throws(LLMBatchError) -> LLMBatchWire.Batch {
        let response = try await send(
            .post, url("batches/\(Self.escaped(id))/cancel"), step: "cancel", body: Array("{}".utf8),
            contentType: "application/json")
        return try decode(LLMBatchWire.Batch.self, response, step: "cancel")
    }

    /// The bytes of file `id` (a batch's output or error file).
    public func content(ofFile id: String) async throws(LLMBatchError) -> [UInt8] {
        try await send(.get, url("files/\(Self.escaped(id))/content"), step: "download").body
    }

    private static func escaped(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? id
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse, step: String)
        throws(LLMBatchError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw LLMBatchError(
                .invalidResponse, step: step, "the answer is not a \(T.self) (\(response.body.count) bytes)",
                status: response.status)
        }
    }

    /// One call with retries; returns the first 2xx response.
    private func send(
        _ method: HTTPClientRequest.Method, _ url: String, step: String, body: [UInt8] = [],
        contentType: String? = nil
    ) async throws(LLMBatchError) -> HTTPClientResponse {
        var headers = [HTTPHeader(name: "Accept", value: "application/json")] + configuration.credentialHeaders()
        if let contentType { headers.append(HTTPHeader(name: "Content-Type", value: contentType)) }
        let request = HTTPClientRequest(
            method: method, url: url, headers: headers, body: body, connectTimeout: configuration.connectTimeout,
            timeout: configuration.requestTimeout)
        let shown = "\(method) \(ChatCompletionClient.redacted(url))"
        var attempt = 1
        while true {
            var retryAfter: Duration?
            let failure: LLMBatchError
            do {
                let response = try await http.execute(request)
                if (200..<300).contains(response.status) { return response }
                let text = ChatCompletionClient.scrub(
                    Self.serverMessage(response), key: configuration.apiKey, headers: configuration.headers)
                failure = LLMBatchError(
                    [408, 429].contains(response.status) || response.status >= 500 ? .unavailable : .rejected,
                    step: step, "\(shown) failed: \(text)", status: response.status)
                retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"))
            } catch {
                if error.code == .cancelled {
                    throw LLMBatchError(.cancelled, step: step, "\(shown) cancelled", underlying: error)
                }
                failure = LLMBatchError(
                    error.isRetriable ? .unavailable : .rejected, step: step, "\(shown): no response: \(error)",
                    underlying: error)
            }
            guard failure.code == .unavailable, attempt < policy.maxAttempts else { throw failure }
            let (delay, _) = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, unit: Double.random(in: 0..<1))
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw LLMBatchError(.cancelled, step: step, "\(shown) cancelled while waiting to retry")
            }
            attempt += 1
        }
    }

    /// The server's `error.message`, or the start of the body.
    private static func serverMessage(_ response: HTTPClientResponse) -> String {
        if let body = try? JSONDecoder().decode(ChatCompletionWire.ErrorBody.self, from: Data(response.body)),
            let message = body.error.message
        {
            return String(message.prefix(300))
        }
        return String(decoding: response.body.prefix(300), as: UTF8.self)
    }
}
