import Foundation

/// A buffered, write-only file that reports failures as ``OutputError`` naming the path.
///
/// Writes go to `<path>.partial` and are renamed into place by ``close()``, so a crash never leaves a
/// half-written result under the final name.
final class FileOutput {
    private let handle: UnsafeMutablePointer<FILE>
    let path: String
    private let partialPath: String
    private var closed = false

    init?(path: String) {
        self.path = path
        partialPath = path + ".partial"
        guard let handle = fopen(partialPath, "wb") else { return nil }
        self.handle = handle
        setvbuf(handle, nil, _IOFBF, 1 << 20)
    }

    deinit {
        if !closed {
            fclose(handle)
            unlink(partialPath)
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ string: String) throws {
        var string = string
        try string.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        if fwrite(buffer.baseAddress, 1, buffer.count, handle) != buffer.count {
            throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    func close() throws {
        closed = true
        let failed = fclose(handle) != 0
        if failed || rename(partialPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(partialPath)
            throw OutputError.cannotWrite(path: path, reason: reason)
        }
    }
}
