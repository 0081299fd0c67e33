import Testing

@testable import GPLRSupport

@Suite(.timeLimit(.minutes(1))) struct SnakeCaseTests {
    @Test(arguments: [
        ("rateLimited", "rate_limited"), ("llm.prompt-tokens", "llm_prompt_tokens"), ("HTTPStatus", "http_status"),
        ("ok", "ok"), ("calibrationMicroF1", "calibration_micro_f1"), ("personas.final-short", "personas_final_short"),
        ("missing-from-job-result", "missing_from_job_result"), ("cost2USD", "cost2_usd"),
    ])
    func convertsIdentifiers(_ input: String, _ expected: String) {
        #expect(SnakeCase.convert(input) == expected)
    }
}
