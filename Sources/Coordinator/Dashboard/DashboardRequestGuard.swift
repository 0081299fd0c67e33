import Hummingbird

/// Keeps other web sites from making a browser change anything through the dashboard (cross-site request
/// forgery): a request that changes state must say `Content-Type: application/json`, which an HTML form cannot
/// send and a cross-site `fetch` can send only after a CORS preflight that this server never allows; and when
/// the browser names the request's origin (`Origin`, `Sec-Fetch-Site`), it must be this server's own.
enum DashboardRequestGuard {
    /// Why a state-changing request is refused, or `nil` when it may go on.
    static func refusal(
        contentType: String?, origin: String?, fetchSite: String?, host: String?
    ) -> (status: HTTPResponse.Status, message: String)? {
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            return (.unsupportedMediaType, "send the request with Content-Type: application/json")
        }
        if let fetchSite, !["same-origin", "none"].contains(fetchSite.lowercased()) {
            return (.forbidden, "cross-site request refused (Sec-Fetch-Site: \(fetchSite))")
        }
        if let origin, origin.lowercased() != host.map({ "http://\($0.lowercased())" }) {
            return (.forbidden, "cross-origin request refused (Origin does not match Host)")
        }
        return nil
    }

    /// ``refusal(contentType:origin:fetchSite:host:)`` of a request, as an error to throw.
    static func check(_ request: Request) throws {
        let headers = request.headers
        let fetchSite = headers.first { $0.name.canonicalName == "sec-fetch-site" }?.value
        if let (status, message) = refusal(
            contentType: headers[.contentType], origin: headers[.origin], fetchSite: fetchSite,
            host: request.head.authority)
        {
            throw HTTPError(status, message: message)
        }
    }
}
