import Foundation
import GPLRTestSupport
import Testing

/// The strict exposition check the metrics tests rely on: it passes a well-formed exposition and names each
/// rule a malformed one breaks.
@Suite(.timeLimit(.minutes(1))) struct PrometheusExpositionCheckTests {
    static let valid = """
        # HELP gplr_jobs_total Jobs.
        # TYPE gplr_jobs_total counter
        gplr_jobs_total{kind="label"} 2
        gplr_jobs_total{kind="affinity"} 0
        # HELP gplr_up Up.
        # TYPE gplr_up gauge
        gplr_up 1
        # HELP gplr_time_seconds Time.
        # TYPE gplr_time_seconds histogram
        gplr_time_seconds_bucket{outcome="ok",le="0.5"} 1
        gplr_time_seconds_bucket{outcome="ok",le="+Inf"} 2
        gplr_time_seconds_sum{outcome="ok"} 1.25
        gplr_time_seconds_count{outcome="ok"} 2

        """

    @Test func acceptsAWellFormedExposition() {
        #expect(PrometheusExpositionCheck.problems(in: Self.valid) == [])
    }

    /// One way to break `valid`: its first `original` replaced by `broken` must be refused naming `problem`.
    struct Breakage: Sendable, CustomTestStringConvertible {
        var original: String
        var broken: String
        var problem: String
        var testDescription: String { problem }
    }

    static let breakages = [
        Breakage(
            original: "# TYPE gplr_jobs_total counter\n",
            broken: "# TYPE gplr_jobs_total counter\n# TYPE gplr_jobs_total counter\n", problem: "a second # TYPE"),
        Breakage(
            original: "gplr_jobs_total{kind=\"affinity\"} 0\n",
            broken: "gplr_jobs_total{kind=\"affinity\"} 0\ngplr_jobs_total{kind=\"label\"} 1\n",
            problem: "duplicate series"),
        Breakage(
            original: "# TYPE gplr_up gauge\ngplr_up 1\n",
            broken: "# TYPE gplr_up gauge\ngplr_up 1\ngplr_jobs_total{kind=\"x\"} 1\n", problem: "not together"),
        Breakage(
            original: "outcome=\"ok\",le=\"0.5\"} 1", broken: "outcome=\"rateLimited\",le=\"0.5\"} 1",
            problem: "not snake_case"),
        Breakage(
            original: "# TYPE gplr_jobs_total counter", broken: "# TYPE gplr_jobs counter",
            problem: "does not end in _total"),
        Breakage(original: "le=\"0.5\"} 1", broken: "le=\"0.5\"} 3", problem: "not increasing and cumulative"),
        Breakage(original: "gplr_up 1", broken: "gplr_up one", problem: "not a sample"),
        Breakage(original: "{kind=\"label\"} 2", broken: "{kind=\"la\\bel\"} 2", problem: "not a sample"),
        Breakage(original: "# HELP gplr_up Up.\n", broken: "", problem: "no # HELP"),
        Breakage(original: "# HELP gplr_up Up.\n", broken: "# HELP gplr_up \n", problem: "an empty # HELP"),
        Breakage(original: "count{outcome=\"ok\"} 2", broken: "count{outcome=\"ok\"} 3", problem: "_count differs"),
    ]

    @Test(arguments: breakages)
    func refusesWhatBreaksARule(_ breakage: Breakage) {
        let text = Self.valid.replacingFirst(breakage.original, with: breakage.broken)
        #expect(text != Self.valid, "the case does not change the exposition")
        let problems = PrometheusExpositionCheck.problems(in: text)
        #expect(problems.contains { $0.contains(breakage.problem) }, "\(problems)")
    }

    @Test func refusesSamplesBeforeTheirType() {
        let problems = PrometheusExpositionCheck.problems(in: "gplr_up 1\n# HELP gplr_up Up.\n# TYPE gplr_up gauge\n")
        #expect(problems.contains { $0.contains("without a # TYPE") }, "\(problems)")
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
