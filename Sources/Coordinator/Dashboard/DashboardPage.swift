import Crypto
import Foundation
import Hummingbird

/// The dashboard page: one self-contained HTML document (inline CSS and JS, no external assets) that fetches
/// the JSON API every 2 s and draws runs, queues and workers.
///
/// The page is written in real files, `Page/dashboard.html`, `.css`, `.js`, `charts.js` and `jobs.js` (open the HTML in a browser to
/// edit them). SwiftPM embeds them in the binary at build time (`.embedInCode` in Package.swift:
/// `PackageResources`), so an installed `gplr` serves the page with no resource bundle beside it; here the
/// stylesheet link and the script tag are replaced by the inline CSS and JS.
///
/// Every string from Redis reaches the page through `textContent` or `setAttribute`, never as markup, and the
/// Content-Security-Policy allows only this page's own script and style (by hash) and requests to its own
/// origin, so an error text or persona name cannot run script. Elements carry stable ids and `data-`
/// attributes (`data-run-id`, `data-kind`, `data-done`, `data-persona`, `data-value`, ...) that tests read.
enum DashboardPage {
    /// The page as an HTTP response, with its security headers.
    static func response() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: contentSecurityPolicy, .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The whole document: `dashboard.html` with `dashboard.css` and `dashboard.js` inline.
    static let html =
        document
        .replacingOccurrences(of: #"<link rel="stylesheet" href="dashboard.css">"#, with: "<style>\(style)</style>")
        .replacingOccurrences(of: "<script src=\"charts.js\"></script>\n", with: "")
        .replacingOccurrences(of: "<script src=\"jobs.js\"></script>\n", with: "")
        .replacingOccurrences(of: #"<script src="dashboard.js"></script>"#, with: "<script>\(script)</script>")

    /// Allows the inline script and style of ``html`` (by hash), requests to this origin, and nothing else.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src '\(sha256(script))'; style-src '\(sha256(style))'; connect-src 'self'; "
        + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    private static func sha256(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString()
    }

    static let document = String(decoding: PackageResources.dashboard_html, as: UTF8.self)
    static let style = String(decoding: PackageResources.dashboard_css, as: UTF8.self)
    /// `charts.js` (the history charts), `jobs.js` (job detail, pages of dead letters) and `dashboard.js`, as one
    /// inline script.
    static let script =
        String(decoding: PackageResources.charts_js, as: UTF8.self) + "\n"
        + String(decoding: PackageResources.jobs_js, as: UTF8.self) + "\n"
        + String(decoding: PackageResources.dashboard_js, as: UTF8.self)
}
