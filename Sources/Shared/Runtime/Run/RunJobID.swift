import Crypto

/// The job ids of a distributed run (docs/protocol.md §8). They are derived only from what a job computes,
/// so a resumed coordinator that plans the same step again gets the same ids, finds the results of the jobs
/// that already ran and enqueues nothing twice.
///
/// - `label-t<t>-<h>`: iteration t, `h` = the first 16 hex digits of SHA-256 over the batch's user indices
///   in decimal, joined by commas (order matters).
/// - `affinity-t<t>-<first>-<count>-<p>`: iteration t, the persona shard `first ..< first + count`, `p` =
///   the first 16 hex digits of SHA-256 over the iteration's prototype set JSON (so a changed label set never
///   reuses an old result).
public enum RunJobID {
    public static func label(iteration: Int, users: [Int]) -> String {
        "label-t\(iteration)-\(shortHash(Array(users.map(String.init).joined(separator: ",").utf8)))"
    }

    public static func affinity(iteration: Int, firstPersona: Int, count: Int, prototypesHash: String) -> String {
        "affinity-t\(iteration)-\(firstPersona)-\(count)-\(prototypesHash)"
    }

    /// The kind a job id of this scheme names (`nil` for other ids).
    public static func kind(of jobID: String) -> JobKind? {
        // Longest kind names first, so "persona-merge-…" is not taken for a shorter kind.
        for kind in JobQueue.allKinds.sorted(by: { $0.rawValue.count > $1.rawValue.count })
        where jobID.hasPrefix(kind.rawValue + "-") {
            return kind
        }
        return nil
    }

    /// The first 16 lowercase hex digits of SHA-256 over `bytes`.
    public static func shortHash(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in SHA256.hash(data: bytes).prefix(8) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
