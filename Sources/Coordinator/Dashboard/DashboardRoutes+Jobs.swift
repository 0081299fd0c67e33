import GPLRRuntime
import Hummingbird

extension DashboardRoutes {
    /// `GET /api/runs/{id}/history`, `/api/runs/{id}/jobs?state&kind&iteration&q&offset&limit`,
    /// `/api/runs/{id}/jobs/{job}` and `/api/runs/{id}/dead-letters?offset&limit`.
    static func addHistoryAndJobs(to router: Router<BasicRequestContext>, api: DashboardAPI) {
        router.get("/api/runs/{id}/jobs") { request, context -> Response in
            let id = try context.parameters.require("id")
            let filter = try jobFilter(request)
            guard try await redis({ try await api.exists(run: id) }) else {
                throw HTTPError(.notFound, message: "no such run: \(id)")
            }
            return try json(try await redis { try await api.jobs(run: id, filter) })
        }
        router.get("/api/runs/{id}/history") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let history = try await redis({ try await api.history(run: id) }) else {
                throw HTTPError(.notFound, message: "no such run: \(id)")
            }
            return try json(history)
        }
        router.get("/api/runs/{id}/jobs/{job}") { _, context -> Response in
            let id = try context.parameters.require("id"), job = try context.parameters.require("job")
            guard let detail = try await redis({ try await api.job(run: id, job: job) }) else {
                throw HTTPError(.notFound, message: "no such job in run \(id): \(job)")
            }
            return try json(detail)
        }
        router.get("/api/runs/{id}/dead-letters") { request, context -> Response in
            let id = try context.parameters.require("id")
            let offset = try integer(request, "offset") ?? 0,
                limit = try integer(request, "limit") ?? DashboardAPI.listLimit
            guard try await redis({ try await api.exists(run: id) }) else {
                throw HTTPError(.notFound, message: "no such run: \(id)")
            }
            return try json(try await redis { try await api.deadLetters(run: id, offset: offset, limit: limit) })
        }
    }

    /// The filter of `GET /api/runs/{id}/jobs`; `400` for a state or kind the server does not know.
    private static func jobFilter(_ request: Request) throws -> DashboardAPI.JobFilter {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = DashboardAPI.JobFilter(
            state: text("state"), kind: text("kind"), iteration: try integer(request, "iteration"), text: text("q"),
            worker: text("worker"))
        if let state = filter.state, !DashboardAPI.JobFilter.states.contains(state) {
            throw HTTPError(
                .badRequest,
                message: "state must be one of \(DashboardAPI.JobFilter.states.joined(separator: ", "))")
        }
        if let kind = filter.kind, !JobRegistry.kinds.contains(where: { $0.rawValue == kind }), kind != "other" {
            throw HTTPError(.badRequest, message: "no job kind '\(kind)'")
        }
        filter.offset = try integer(request, "offset") ?? 0
        filter.limit = try integer(request, "limit") ?? DashboardAPI.jobPageLimit
        return filter
    }

    /// A non-negative integer query parameter, or `nil` when absent.
    private static func integer(_ request: Request, _ name: String) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw HTTPError(.badRequest, message: "\(name) must be a whole number, 0 or more")
        }
        return value
    }
}
