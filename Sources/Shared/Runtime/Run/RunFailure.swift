import GPLRSupport

/// Why a run stopped although nothing crashed: its result could not be trusted (e.g. the labeler failed for too many
/// of an iteration's users), so it fails loudly rather than ending "done" with a wrong or empty answer.
struct RunFailure: Error, CustomStringConvertible, Sendable, Equatable {
    let code: Code
    let message: String
    /// The iteration it happened in (1-based).
    let iteration: Int

    init(_ code: Code, _ message: String, iteration: Int) {
        self.code = code
        self.message = message
        self.iteration = iteration
    }

    var description: String { "\(code) in iteration \(iteration): \(message)" }

    /// The failure for an iteration whose labeler left `failures` of `sampled` users unlabeled, naming the most
    /// frequent reason (the labelers' reasons carry the HTTP status and URL, or the missing file entry).
    /// - Parameter preflight: the failures are those of the first users asked, before the rest of the sample.
    static func labeling(
        failures: [Int: String], sampled: Int, allowedShare: Double, iteration: Int, preflight: Bool = false
    ) -> RunFailure {
        var reasons: [String: Int] = [:]
        for reason in failures.values { reasons[Self.generalised(reason), default: 0] += 1 }
        let common = reasons.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }
        let share = Double(failures.count) / Double(max(sampled, 1))
        var message =
            preflight
            ? "the labeler gave no answer for any of the \(sampled) users asked first (the rest of the sample was not "
                + "sent)"
            : "the labeler gave no answer for \(failures.count) of \(sampled) users "
                + "(\(Int((share * 100).rounded())) %, more than the allowed \(Int((allowedShare * 100).rounded())) %)"
        if let common {
            message += "; most common reason (\(common.value) users): \(common.key)"
        }
        return RunFailure(.labelingFailed, message, iteration: iteration)
    }

    /// A reason with user ids replaced, so that "no label for user u17" and "… u42" count as one reason.
    static func generalised(_ reason: String) -> String {
        reason.replacing(/user \S+/, with: "user …")
    }
}

extension RunFailure {
    /// What went wrong. Compare against the statics; the set may grow.
    typealias Code = ErrorCode<RunFailure>
}

extension ErrorCode<RunFailure> {
    /// More than the allowed share of an iteration's users got no label.
    static var labelingFailed: Self { Self("labeling failed") }
}
