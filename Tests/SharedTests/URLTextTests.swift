import Testing

@testable import GPLRSupport

/// The one place that strips secrets from a URL before it is shown (`HTTPClientRequest.redact`, `gplr run --dry-run`).
@Suite(.timeLimit(.minutes(1))) struct URLTextTests {
    @Test func userInfoQueryAndFragmentAreDropped() {
        let shown = URLText.withoutSecrets("https://me:s3cret@llm.example:8443/v1/chat/completions?key=k1#top")
        #expect(shown == "https://llm.example:8443/v1/chat/completions")
    }

    @Test func aPlainURLIsKeptAsIs() {
        #expect(URLText.withoutSecrets("http://127.0.0.1:8089/v1") == "http://127.0.0.1:8089/v1")
    }

    @Test func whatIsNotAURLGivesNil() {
        #expect(URLText.withoutSecrets("http://[::1") == nil)
    }
}
