import CZstd

/// Thin wrapper over libzstd: the only file that imports `CZstd`.
///
/// ``ZstdCompressor`` and ``ZstdDecompressor`` own a reusable zstd context (freed in `deinit`); they are not
/// thread-safe, so give each thread its own. ``Zstd`` has one-shot conveniences.
enum Zstd {
    /// The library's default compression level.
    static var defaultLevel: Int { Int(ZSTD_defaultCLevel()) }
    /// The strongest compression level the library accepts.
    static var maxLevel: Int { Int(ZSTD_maxCLevel()) }
    /// The version of the linked libzstd, e.g. `1.5.4`.
    static var libraryVersion: String { String(cString: ZSTD_versionString()) }

    /// Compresses `input` into one zstd frame (with its content size recorded) at `level`.
    static func compress(_ input: [UInt8], level: Int = 3, workers: Int = 0) throws -> [UInt8] {
        try ZstdCompressor(level: level, workers: workers).compress(input)
    }

    /// Decompresses one zstd frame that must expand to exactly `expectedSize` bytes.
    static func decompress(_ input: [UInt8], expectedSize: Int) throws -> [UInt8] {
        try ZstdDecompressor().decompress(input, expectedSize: expectedSize)
    }

    /// The zstd error name of a `size_t` result, or `nil` when it is not an error.
    fileprivate static func errorName(_ code: Int) -> String? {
        ZSTD_isError(code) != 0 ? String(cString: ZSTD_getErrorName(code)) : nil
    }
}

/// A reusable zstd compression context with a fixed level and worker count.
public final class ZstdCompressor {
    private let context: OpaquePointer
    /// The compression level in use.
    public let level: Int
    /// Worker threads zstd uses (0 = compress on the calling thread). Multi-threaded output differs from
    /// single-threaded output, so pick one and keep it when the bytes must be reproducible.
    public let workers: Int

    /// - Parameters:
    ///   - level: zstd level (1 … ``Zstd/maxLevel``; negative levels are the fast modes); zstd would clamp an
    ///     out-of-range level silently, this refuses it.
    ///   - workers: threads for multi-threaded compression; when the linked libzstd was built without thread
    ///     support, a request for workers is ignored and ``workers`` reads 0.
    public init(level: Int = 3, workers: Int = 0) throws {
        guard let context = ZSTD_createCCtx() else {
            throw ZstdError(code: .contextCreation, message: "could not create a zstd compression context")
        }
        self.context = context
        self.level = level
        guard level >= Int(ZSTD_minCLevel()), level <= Int(ZSTD_maxCLevel()), let cLevel = Int32(exactly: level),
            Zstd.errorName(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, cLevel)) == nil
        else {
            ZSTD_freeCCtx(context)
            throw ZstdError(code: .invalidParameter, message: "zstd refused compression level \(level)")
        }
        var effectiveWorkers = 0
        if workers > 0, let cWorkers = Int32(exactly: workers),
            Zstd.errorName(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, cWorkers)) == nil
        {
            effectiveWorkers = workers
        }
        self.workers = effectiveWorkers
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input` into one frame.
    public func compress(_ input: [UInt8]) throws -> [UInt8] {
        try input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> [UInt8] in
            try compress(raw)
        }
    }

    /// Compresses the bytes in `input` into one frame.
    public func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        if let name = Zstd.errorName(bound) {
            throw ZstdError(
                code: .compression, message: "zstd cannot compress \(input.count) bytes", zstdErrorName: name)
        }
        var failure: ZstdError?
        let output = [UInt8](unsafeUninitializedCapacity: max(bound, 1)) { buffer, initialized in
            let written = ZSTD_compress2(context, buffer.baseAddress, buffer.count, input.baseAddress, input.count)
            if let name = Zstd.errorName(written) {
                failure = ZstdError(code: .compression, message: "zstd compression failed", zstdErrorName: name)
                initialized = 0
            } else {
                initialized = written
            }
        }
        if let failure { throw failure }
        return output
    }
}

/// A reusable zstd decompression context.
public final class ZstdDecompressor {
    private let context: OpaquePointer

    public init() throws {
        guard let context = ZSTD_createDCtx() else {
            throw ZstdError(code: .contextCreation, message: "could not create a zstd decompression context")
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses `input`, which must be zstd data expanding to exactly `expectedSize` bytes.
    ///
    /// A frame that declares another content size is refused before any allocation, so untrusted input cannot
    /// make this allocate more than `expectedSize` bytes.
    public func decompress(_ input: [UInt8], expectedSize: Int) throws -> [UInt8] {
        try input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> [UInt8] in
            try decompress(raw, expectedSize: expectedSize)
        }
    }

    /// Decompresses the bytes in `input`, which must expand to exactly `expectedSize` bytes.
    public func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        guard expectedSize >= 0 else {
            throw ZstdError(code: .sizeMismatch, message: "negative expected size \(expectedSize)")
        }
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        switch declared {
        case UInt64.max - 1:  // ZSTD_CONTENTSIZE_ERROR
            throw ZstdError(code: .decompression, message: "zstd decompression failed: not a valid zstd frame")
        case UInt64.max:  // ZSTD_CONTENTSIZE_UNKNOWN: the size check after decompression still applies.
            break
        default:
            guard declared == UInt64(expectedSize) else {
                throw ZstdError(
                    code: .sizeMismatch,
                    message: "zstd frame declares \(declared) bytes, expected \(expectedSize)")
            }
        }
        var failure: ZstdError?
        let output = [UInt8](unsafeUninitializedCapacity: max(expectedSize, 1)) { buffer, initialized in
            let written = ZSTD_decompressDCtx(context, buffer.baseAddress, expectedSize, input.baseAddress, input.count)
            initialized = 0
            if let name = Zstd.errorName(written) {
                failure = ZstdError(code: .decompression, message: "zstd decompression failed", zstdErrorName: name)
            } else if written != expectedSize {
                failure = ZstdError(
                    code: .sizeMismatch, message: "zstd data expands to \(written) bytes, expected \(expectedSize)")
            } else {
                initialized = written
            }
        }
        if let failure { throw failure }
        return output
    }
}
