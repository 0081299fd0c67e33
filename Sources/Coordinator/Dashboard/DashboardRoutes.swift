import Foundation
import GPLRRuntime
import Hummingbird

/// The dashboard's HTTP routes: the page at `/`, the JSON API under `/api`, `/healthz`. Redis failures become
/// `503` with the reason; errors have Hummingbird's JSON shape `{"error": {"message": "..."}}`.
enum DashboardRoutes {
    /// Adds every dashboard route to `router`.
    static func add(to router: Router<BasicRequestContext>, api: DashboardAPI) {
        router.get("/") { _, _ in DashboardPage.response() }
        router.get("/healthz") { _, _ -> Response in
            if let problem = await api.ping() {
                throw HTTPError(.serviceUnavailable, message: "redis: \(problem)")
            }
            return try json(DashboardPayload.Health(redis: "ok"))
        }
        router.get("/api/runs") { _, _ in try json(try await redis { try await api.runs() }) }
        router.get("/api/runs/{id}") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let detail = try await redis({ try await api.run(id) }) else {
                throw HTTPError(.notFound, message: "no such run: \(id)")
            }
            return try json(detail)
        }
        router.post("/api/runs/{id}/retry") { request, context -> Response in
            try DashboardRequestGuard.check(request)
            let id = try context.parameters.require("id")
            let selection = try await selection(request)
            guard try await redis({ try await api.exists(run: id) }) else {
                throw HTTPError(.notFound, message: "no such run: \(id)")
            }
            do {
                return try json(try await api.retry(run: id, selection))
            } catch let error as DistributedRunError where error.code == .invalidInput {
                throw HTTPError(.badRequest, message: error.description)
            } catch let error as RunRecordError where error.code == .notFound {
                throw HTTPError(.notFound, message: error.description)
            } catch let error as HTTPError {
                throw error
            } catch {
                throw HTTPError(.serviceUnavailable, message: "redis: \(error)")
            }
        }
        addHistoryAndJobs(to: router, api: api)
        addControls(to: router, api: api)
        router.get("/api/queues") { _, _ in try json(try await redis { try await api.queues() }) }
        router.get("/api/workers") { _, _ in try json(try await redis { try await api.workers() }) }
    }

    /// The retry request's body: empty or `{}` for every dead letter, `{"jobs": [...]}` or `{"persona": "..."}`.
    private static func selection(_ request: Request) async throws -> DeadLetterRetry.Selection {
        guard let body = try await decodeBody(DashboardPayload.RetryRequest.self, request, what: "a retry request")
        else { return .all }
        switch (body.jobs, body.persona) {
        case (nil, nil): return .all
        case (let jobs?, nil) where !jobs.isEmpty: return .jobs(jobs)
        case (nil, let persona?): return .persona(persona)
        default: throw HTTPError(.badRequest, message: "give at most one of jobs (non-empty) and persona")
        }
    }

    /// The request's JSON body as `T`; `nil` when the body is empty or blank. Bodies over 1 MiB are refused.
    static func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, what: String) async throws -> T? {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw HTTPError(.badRequest, message: "the body is not \(what): \(error)")
        }
    }

    /// Runs a Redis-reading body; its failures become `503`.
    static func redis<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError(.serviceUnavailable, message: "redis: \(error)")
        }
    }

    /// `value` as a JSON response that no cache keeps.
    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
