import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct EvaluationTests {
    @Test func metricsOnAHandComputedExample() throws {
        // u0: pred [1, 2], ref {1}     → tp 1, fp 1,       Jaccard 1/2, top-1 hit
        // u1: pred [3],    ref {0, 3}  → tp 1,       fn 1, Jaccard 1/2, top-1 hit
        // u2: pred [],     ref {2}     →             fn 1, Jaccard 0,   no prediction
        // u3: pred [0],    ref {}      →       fp 1,       Jaccard 0,   top-1 miss
        // u4: not evaluated (pred [0], ref {1}); u0 listed twice counts once.
        let predicted = [[1, 2], [3], [], [0], [0]]
        let reference = [[1], [0, 3], [2], [], [1]]
        let report = try EvaluationReport(predicted: predicted, reference: reference, users: [0, 1, 2, 3, 0])
        #expect(report.evaluatedUsers == 4)
        #expect(report.truePositives == 2 && report.falsePositives == 2 && report.falseNegatives == 2)
        #expect(report.microPrecision == 0.5 && report.microRecall == 0.5 && report.microF1 == 0.5)
        // Per persona (tp, fp, fn): 0 → (0, 1, 1) F1 0; 1 → (1, 0, 0) F1 1; 2 → (0, 1, 1) F1 0; 3 → (1, 0, 0) F1 1.
        #expect(report.macroF1 == 0.5)
        #expect(report.meanJaccard == 0.25)
        #expect(abs(report.precisionAtOne - 2.0 / 3.0) < 1e-15)
        #expect(report.coverage == 0.75)
        #expect(throws: AlgorithmError.self) {
            try EvaluationReport(predicted: predicted, reference: reference, users: [5])
        }
    }

    @Test func emptyPredictionAndReferenceAgree() throws {
        let report = try EvaluationReport(predicted: [[], [2]], reference: [[], [2]], users: [0, 1])
        #expect(report.meanJaccard == 1 && report.microF1 == 1 && report.macroF1 == 1)
        #expect(report.coverage == 0.5 && report.precisionAtOne == 1)
    }
}
