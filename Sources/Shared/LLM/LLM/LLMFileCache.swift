import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The response cache of a run in this process (`gplr run --local`): one append-only JSON Lines file, keyed like
/// the Redis cache (``ChatCompletionRequest/cacheHash(configuration:)``), read whole when opened and appended to
/// with one `write(2)` per answer.
///
/// Each line is `<sha256 of the JSON, 64 hex> <JSON {"hash", "entry"}>`. A line that does not check out — torn by a
/// crash mid-write, edited, truncated — is skipped and counted (``corruptLines``), never fatal: its answer is
/// asked again. A file that does not end in a line break (a torn last line) gets one before the first append,
/// so the torn part stays a line of its own. Answers survive a killed process (the kernel has the bytes once
/// `write` returns); they are not `fsync`ed, so a machine crash may lose the last ones, which only costs them
/// again. The value never holds a header or the key, as in Redis.
public final class LLMFileCache: Sendable {
    /// The file's name inside a cache directory.
    public static let fileName = "llm-cache.jsonl"

    /// The file.
    public let path: String
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var entries: [String: LLMResponseCache.Entry]
        var descriptor: Int32
        var corruptLines: Int
        var appended: Int
    }

    private struct Line: Codable {
        var hash: String
        var entry: LLMResponseCache.Entry
    }

    /// Opens (creating) `<directory>/llm-cache.jsonl` and reads the answers it holds.
    public init(directory: String) throws(LLMFileCacheError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LLMFileCacheError("cannot create the LLM cache directory: \(error)", path: directory)
        }
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            throw LLMFileCacheError(
                "cannot open the LLM cache: \(String(cString: strerror(code)))", path: path, systemCode: code)
        }
        let data = FileManager.default.contents(atPath: path) ?? Data()
        var entries: [String: LLMResponseCache.Entry] = [:]
        var corrupt = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if let (hash, entry) = Self.decode(Data(line)) {
                entries[hash] = entry
            } else {
                corrupt += 1
            }
        }
        if let last = data.last, last != UInt8(ascii: "\n") {
            // A torn last line: end it, so the next answer starts a line of its own.
            _ = "\n".utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, 1) }
        }
        self.path = path
        state = Mutex(State(entries: entries, descriptor: descriptor, corruptLines: corrupt, appended: 0))
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
        }
    }

    /// Lines skipped when the file was read (bad checksum, bad JSON, torn).
    public var corruptLines: Int { state.withLock { $0.corruptLines } }
    /// Answers held.
    public var count: Int { state.withLock { $0.entries.count } }
    /// Answers appended by this process.
    public var appended: Int { state.withLock { $0.appended } }

    /// The answer stored for `hash`, if any.
    public func lookup(hash: String) -> LLMResponseCache.Entry? { state.withLock { $0.entries[hash] } }

    /// Appends `entry` as the answer for `hash` (one `write`, so concurrent appends do not interleave).
    public func store(_ entry: LLMResponseCache.Entry, hash: String) throws(LLMFileCacheError) {
        let line = Self.encode(hash: hash, entry: entry)
        try state.withLock { state throws(LLMFileCacheError) in
            let written = line.withUnsafeBytes { write(state.descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                let code = errno
                // End a partly written line, so the next answer is not glued to it.
                if written > 0 {
                    _ = "\n".utf8CString.withUnsafeBufferPointer { write(state.descriptor, $0.baseAddress, 1) }
                }
                throw LLMFileCacheError(
                    "cannot append to the LLM cache: \(String(cString: strerror(code)))", path: path, systemCode: code)
            }
            state.entries[hash] = entry
            state.appended += 1
        }
    }

    /// `<sha256 hex> <json>\n`.
    static func encode(hash: String, entry: LLMResponseCache.Entry) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A struct of strings and integers always encodes.
        let json = (try? encoder.encode(Line(hash: hash, entry: entry))) ?? Data()
        var line = Data(Self.hex(SHA256.hash(data: json)).utf8)
        line.append(UInt8(ascii: " "))
        line.append(json)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// The hash and answer of one line (without its line break), or `nil` when it does not check out.
    static func decode(_ line: Data) -> (String, LLMResponseCache.Entry)? {
        guard line.count > 65, line[line.startIndex + 64] == UInt8(ascii: " ") else { return nil }
        let checksum = String(decoding: line.prefix(64), as: UTF8.self)
        let json = line.dropFirst(65)
        guard Self.hex(SHA256.hash(data: json)) == checksum,
            let decoded = try? JSONDecoder().decode(Line.self, from: Data(json))
        else { return nil }
        return (decoded.hash, decoded.entry)
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
