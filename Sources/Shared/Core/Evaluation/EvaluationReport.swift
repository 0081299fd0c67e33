/// Quality of a predicted Φ against reference labels (e.g. a synthetic dataset's planted truth, or LLM labels
/// held out), over a chosen set of users — normally the non-prototypes, whose personas were inferred.
///
/// Conventions (all ratios are 0 when their denominator is 0):
/// - micro precision / recall / F1 count (user, persona) pairs over all evaluated users;
/// - macro F1 averages the per-persona F1 over the personas that occur in the reference or the prediction of
///   at least one evaluated user (personas absent from both are ignored rather than counted as 0 or 1);
/// - Jaccard per user is |pred ∩ ref| / |pred ∪ ref|, and 1 when both are empty;
/// - precision@1 is over the users with at least one predicted persona: whether the first predicted persona
///   (the strongest) is in the reference;
/// - coverage is the share of evaluated users with at least one predicted persona.
/// A user with an empty reference ("Unrepresentable") adds false positives only, Jaccard 1 if also predicted
/// empty (else 0), and a miss for precision@1 if anything was predicted.
public struct EvaluationReport: Sendable, Equatable {
    public let evaluatedUsers: Int
    public let microPrecision: Double
    public let microRecall: Double
    public let microF1: Double
    public let macroF1: Double
    public let meanJaccard: Double
    public let precisionAtOne: Double
    public let coverage: Double
    public let truePositives: Int
    public let falsePositives: Int
    public let falseNegatives: Int

    /// Compares `predicted` with `reference` on `users` (each a user index into both, evaluated once even if
    /// listed twice). Persona lists are sets except that the predicted order gives the top-1.
    /// - Throws: ``AlgorithmError/Code/userOutOfRange`` when a user has no row in either input.
    public init(predicted: [[Int]], reference: [[Int]], users: [Int]) throws {
        var seen = Set<Int>()
        var tp = 0, fp = 0, fn = 0
        var perPersona: [Int: (tp: Int, fp: Int, fn: Int)] = [:]
        var jaccardSum = 0.0, topHits = 0, predictedUsers = 0
        for user in users where seen.insert(user).inserted {
            guard user >= 0 && user < predicted.count && user < reference.count else {
                throw AlgorithmError(
                    .userOutOfRange,
                    "user \(user) is outside predicted (\(predicted.count)) or reference (\(reference.count))",
                    context: "EvaluationReport")
            }
            let guess = Set(predicted[user]), truth = Set(reference[user])
            let hits = guess.intersection(truth).count
            tp += hits
            fp += guess.count - hits
            fn += truth.count - hits
            for persona in guess.union(truth) {
                var counts = perPersona[persona] ?? (0, 0, 0)
                switch (guess.contains(persona), truth.contains(persona)) {
                case (true, true): counts.tp += 1
                case (true, false): counts.fp += 1
                default: counts.fn += 1
                }
                perPersona[persona] = counts
            }
            let union = guess.union(truth).count
            jaccardSum += union == 0 ? 1 : Double(hits) / Double(union)
            if let first = predicted[user].first {
                predictedUsers += 1
                if truth.contains(first) { topHits += 1 }
            }
        }
        let n = seen.count
        evaluatedUsers = n
        truePositives = tp
        falsePositives = fp
        falseNegatives = fn
        microPrecision = Self.ratio(tp, tp + fp)
        microRecall = Self.ratio(tp, tp + fn)
        microF1 = Self.f1(tp: tp, fp: fp, fn: fn)
        macroF1 =
            perPersona.isEmpty
            ? 0
            : perPersona.values.reduce(0) { $0 + Self.f1(tp: $1.tp, fp: $1.fp, fn: $1.fn) } / Double(perPersona.count)
        meanJaccard = n == 0 ? 0 : jaccardSum / Double(n)
        precisionAtOne = Self.ratio(topHits, predictedUsers)
        coverage = Self.ratio(predictedUsers, n)
    }

    private static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

    /// 2tp / (2tp + fp + fn): the harmonic mean of precision and recall, 0 when there is nothing to compare.
    private static func f1(tp: Int, fp: Int, fn: Int) -> Double { ratio(2 * tp, 2 * tp + fp + fn) }
}
