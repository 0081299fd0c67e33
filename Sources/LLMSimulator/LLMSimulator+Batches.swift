import Foundation
import GPLRLLM
import Hummingbird

extension LLMSimulator {
    /// OpenAI's Files and Batches endpoints: `POST /v1/files` (multipart, purpose `batch`), `POST /v1/batches`,
    /// `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`, `GET /v1/files/{id}/content`. A batch is
    /// `validating`, then `in_progress`, then ends (``LLMSimulatorBatchConfiguration``); its lines are answered by
    /// the chat endpoint's logic. A batch cancelled before it ends answers none of its lines.
    func addBatchRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/files") { request, _ in try await self.uploadFile(request) }
        router.post("/v1/batches") { request, _ in try await self.createBatch(request) }
        router.get("/v1/batches/:id") { request, context in
            self.batchStatus(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/v1/batches/:id/cancel") { request, context in
            self.cancelBatch(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/v1/files/:id/content") { request, context in
            self.fileContent(request, id: context.parameters.get("id") ?? "")
        }
    }

    private func uploadFile(_ request: Request) async throws -> Response {
        if let refusal = authorize(request) { return refusal }
        let buffer = try await request.body.collect(upTo: 256 << 20)
        let body = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(ofContentType:)) else {
            return Self.error(.badRequest, "expected multipart/form-data with a boundary")
        }
        let parts = MultipartForm.parse(body, boundary: boundary)
        guard parts["purpose"].map({ String(decoding: $0, as: UTF8.self) }) == "batch", let file = parts["file"] else {
            return Self.error(.badRequest, "expected the fields purpose=batch and file")
        }
        let id = state.withLock {
            $0.statistics.filesUploaded += 1
            return $0.batches.addFile(file)
        }
        return Self.encoded(LLMBatchWire.File(id: id, bytes: file.count, filename: "input.jsonl", purpose: "batch"))
    }

    private func createBatch(_ request: Request) async throws -> Response {
        if let refusal = authorize(request) { return refusal }
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let body = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard let create = try? JSONDecoder().decode(LLMBatchWire.CreateBatch.self, from: Data(body)) else {
            return Self.error(.badRequest, "expected {input_file_id, endpoint, completion_window}")
        }
        guard create.endpoint == LLMBatchWire.chatEndpoint else {
            return Self.error(.badRequest, "endpoint must be \(LLMBatchWire.chatEndpoint)")
        }
        let batch: LLMSimulatorBatchStore.Batch? = state.withLock { state in
            guard state.batches.files[create.inputFileID] != nil else { return nil }
            let number = state.statistics.batchesCreated
            state.statistics.batchesCreated += 1
            let batch = LLMSimulatorBatchStore.Batch(
                number: number, id: "batch-sim-\(number)", inputFileID: create.inputFileID,
                completionWindow: create.completionWindow, created: .now)
            state.batches.batches[batch.id] = batch
            return batch
        }
        guard let batch else { return Self.error(.notFound, "no file \(create.inputFileID)") }
        return Self.encoded(inProgress(batch, status: "validating"))
    }

    private func batchStatus(_ request: Request, id: String) -> Response {
        if let refusal = authorize(request) { return refusal }
        guard
            let batch = state.withLock({ state in
                state.statistics.batchPolls += 1
                return state.batches.batches[id]
            })
        else { return Self.error(.notFound, "no batch \(id)") }
        if let ended = batch.ended { return Self.encoded(ended) }
        let elapsed = ContinuousClock.now - batch.created
        if elapsed < configuration.batch.validationDelay {
            return Self.encoded(inProgress(batch, status: "validating"))
        }
        if elapsed < configuration.batch.completionDelay {
            return Self.encoded(inProgress(batch, status: "in_progress"))
        }
        return Self.encoded(end(batch))
    }

    /// Ends a batch that has not ended as `cancelled` (answered: none); the answer says `cancelling`, as OpenAI's
    /// does, and later polls `cancelled`. A batch that has ended is returned as it is.
    private func cancelBatch(_ request: Request, id: String) -> Response {
        if let refusal = authorize(request) { return refusal }
        let result: LLMBatchWire.Batch? = state.withLock { state in
            guard let batch = state.batches.batches[id] else { return nil }
            if let ended = batch.ended { return ended }
            if state.batches.finalizing.contains(id) { return inProgress(batch, status: "finalizing") }
            var cancelled = inProgress(batch, status: "cancelled")
            cancelled.requestCounts = .init(total: 0, completed: 0, failed: 0)
            state.batches.batches[id]?.ended = cancelled
            state.statistics.batchesCancelled += 1
            var cancelling = cancelled
            cancelling.status = "cancelling"
            return cancelling
        }
        guard let result else { return Self.error(.notFound, "no batch \(id)") }
        return Self.encoded(result)
    }

    private func fileContent(_ request: Request, id: String) -> Response {
        if let refusal = authorize(request) { return refusal }
        guard let bytes = state.withLock({ $0.batches.files[id] }) else {
            return Self.error(.notFound, "no file \(id)")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func inProgress(_ batch: LLMSimulatorBatchStore.Batch, status: String) -> LLMBatchWire.Batch {
        LLMBatchWire.Batch(
            id: batch.id, status: status, endpoint: LLMBatchWire.chatEndpoint, inputFileID: batch.inputFileID,
            completionWindow: batch.completionWindow)
    }

    static func encoded(_ value: some Encodable) -> Response {
        json(.ok, (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}")
    }
}
