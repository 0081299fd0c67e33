import GPLRSupport

/// A failure reported by libzstd or by the checks around it.
///
/// Carries zstd's own error name (from `ZSTD_getErrorName`) when the library produced the error, so a
/// corrupt frame reads as e.g. `zstd decompression failed: Unknown frame descriptor`.
struct ZstdError: Error, CustomStringConvertible, Sendable {
    var code: Code
    /// What was being done, in words.
    var message: String
    /// zstd's name for the error (`ZSTD_getErrorName`), when libzstd reported it.
    var zstdErrorName: String?

    var description: String {
        if let zstdErrorName { return "\(message): \(zstdErrorName)" }
        return message
    }
}

extension ZstdError {
    /// What kind of failure this is; compare against the static members.
    typealias Code = ErrorCode<ZstdError>
}

extension ErrorCode<ZstdError> {
    /// libzstd could not allocate a compression or decompression context.
    static var contextCreation: Self { Self("context creation") }
    /// A compression parameter (level, worker count) was refused.
    static var invalidParameter: Self { Self("invalid parameter") }
    /// `ZSTD_compress2` failed.
    static var compression: Self { Self("compression") }
    /// The input is not a valid zstd frame, or decompression failed.
    static var decompression: Self { Self("decompression") }
    /// The frame decompresses (or declares it decompresses) to a size other than the expected one.
    static var sizeMismatch: Self { Self("size mismatch") }
}
