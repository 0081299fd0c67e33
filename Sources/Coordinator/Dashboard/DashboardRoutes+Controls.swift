import Foundation
import Hummingbird

extension DashboardRoutes {
    /// `POST /api/runs/{id}/cancel`, `/api/runs/{id}/discard`, `/api/runs/prune` and
    /// `/api/queues/{kind}/pause|resume`, each behind ``DashboardRequestGuard`` like the retry.
    static func addControls(to router: Router<BasicRequestContext>, api: DashboardAPI) {
        for (action, pause) in [("pause", true), ("resume", false)] {
            router.post("/api/queues/{kind}/\(action)") { request, context -> Response in
                try DashboardRequestGuard.check(request)
                let kind = try context.parameters.require("kind")
                guard let result = try await redis({ try await api.setPaused(kind: kind, pause) }) else {
                    throw HTTPError(.notFound, message: "no such job kind: \(kind)")
                }
                return try json(result)
            }
        }
        router.post("/api/runs/{id}/cancel") { request, context -> Response in
            try DashboardRequestGuard.check(request)
            let id = try context.parameters.require("id")
            do {
                guard let result = try await api.cancel(run: id) else {
                    throw HTTPError(.notFound, message: "no such run: \(id)")
                }
                return try json(result)
            } catch let error as DashboardControlError {
                throw HTTPError(.conflict, message: error.description)
            } catch let error as HTTPError {
                throw error
            } catch {
                throw HTTPError(.serviceUnavailable, message: "redis: \(error)")
            }
        }
        router.post("/api/runs/{id}/discard") { request, context -> Response in
            try DashboardRequestGuard.check(request)
            let id = try context.parameters.require("id")
            let body = try await decodeBody(DashboardPayload.DiscardRequest.self, request, what: "a discard request")
            guard let jobs = body?.jobs, !jobs.isEmpty else {
                throw HTTPError(.badRequest, message: #"give the dead letters to discard: {"jobs": [ids]}"#)
            }
            guard try await redis({ try await api.exists(run: id) }) else {
                throw HTTPError(.notFound, message: "no such run: \(id)")
            }
            return try json(try await redis { try await api.discard(run: id, jobs: jobs) })
        }
        router.post("/api/runs/prune") { request, _ -> Response in
            try DashboardRequestGuard.check(request)
            let body = try await decodeBody(DashboardPayload.PruneRequest.self, request, what: "a prune request")
            let olderThan = body?.olderThanSeconds ?? 0
            guard olderThan >= 0, olderThan.isFinite else {
                throw HTTPError(.badRequest, message: "older_than_seconds must be 0 or more")
            }
            return try json(try await redis { try await api.prune(olderThanSeconds: olderThan) })
        }
    }
}
