import Testing

@testable import Coordinator

/// The page embedded from `Sources/Coordinator/Dashboard/Page/` is assembled into one self-contained document.
struct DashboardPageTests {
    @Test func stylesheetAndScriptAreInlinedAndCoveredByThePolicy() {
        let html = DashboardPage.html
        #expect(!DashboardPage.style.isEmpty && !DashboardPage.script.isEmpty)
        #expect(html.contains("<style>\(DashboardPage.style)</style>"))
        #expect(html.contains("<script>\(DashboardPage.script)</script>"))
        #expect(!html.contains("<link") && !html.contains("src="), "every asset is inline")
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("id=\"runs\""))
        #expect(DashboardPage.contentSecurityPolicy.contains("script-src 'sha256-"))
    }
}
