package import GPLRSupport

/// Why a snapshot could not be written, read or verified.
///
/// Errors about one part of the file name it in ``section`` (e.g. `user-items`), and the description reads
/// `snapshot section "user-items" is corrupt: checksum mismatch`.
package struct SnapshotError: Error, CustomStringConvertible {
    package let code: Code
    /// The section the problem is in (`user-ids`, `item-ids`, `item-names`, `user-items`, `purchase-counts`,
    /// `item-users`); `nil` for the header or the file as a whole.
    package let section: String?
    /// What exactly is wrong.
    package let message: String
    /// The file, when the error came from reading or writing one.
    package var path: String?
    /// The error underneath (a ``ZstdError``, an errno description), if any.
    package var underlying: (any Error)?

    package init(
        code: Code, section: String? = nil, message: String, path: String? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.section = section
        self.message = message
        self.path = path
        self.underlying = underlying
    }

    package var description: String {
        let part = section.map { "snapshot section \"\($0)\"" } ?? "snapshot header"
        let text: String
        switch code {
        case .truncated: text = "\(part) is truncated: \(message)"
        case .corrupt: text = "\(part) is corrupt: \(message)"
        case .notASnapshot: text = "not a gplr snapshot: \(message)"
        case .trailingData: text = "snapshot has trailing data: \(message)"
        case .io: text = "snapshot i/o failed: \(message)"
        case .compression: text = "snapshot section \"\(section ?? "?")\" could not be compressed: \(message)"
        default: text = message
        }
        guard let path else { return text }
        return "\(path): \(text)"
    }
}

extension SnapshotError {
    static func corrupt(_ kind: SnapshotFormat.SectionKind?, _ message: String, underlying: (any Error)? = nil)
        -> SnapshotError
    {
        SnapshotError(code: .corrupt, section: kind?.name, message: message, underlying: underlying)
    }

    static func truncated(_ kind: SnapshotFormat.SectionKind?, _ message: String) -> SnapshotError {
        SnapshotError(code: .truncated, section: kind?.name, message: message)
    }
}

extension SnapshotError {
    /// What kind of failure this is; compare against the static members.
    package typealias Code = ErrorCode<SnapshotError>
}

extension ErrorCode<SnapshotError> {
    /// The file does not start with the snapshot magic.
    package static var notASnapshot: Self { Self("not a snapshot") }
    /// The file's format version is newer than this build (or invalid).
    package static var unsupportedVersion: Self { Self("unsupported version") }
    /// The file ends inside the header or inside the named section.
    package static var truncated: Self { Self("truncated") }
    /// The header or the named section fails verification.
    package static var corrupt: Self { Self("corrupt") }
    /// Bytes follow the last section.
    package static var trailingData: Self { Self("trailing data") }
    /// The graph cannot be represented in this format (e.g. more than 2³² users).
    package static var tooLarge: Self { Self("too large") }
    /// zstd refused to compress a section (e.g. an out-of-range compression level).
    package static var compression: Self { Self("compression") }
    /// Reading or writing the file failed.
    package static var io: Self { Self("i/o") }
}
