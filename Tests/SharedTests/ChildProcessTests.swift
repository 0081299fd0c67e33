import Foundation
import GPLRTestSupport
import ProcessSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A child gets standard input, output and error and the descriptors it is given, nothing else of this process's:
/// a descriptor open here without close-on-exec (as Foundation opens files it writes) must not live on in the child.
/// (A redis-server that inherited a test's script while it was being written kept it open for writing for its whole
/// life, so the script could not be run: ETXTBSY.)
@Suite(.timeLimit(.minutes(1))) struct ChildProcessTests {
    /// What `/bin/sh` says of each of `descriptors`: "open" or "closed", in order.
    private func descriptorStates(_ descriptors: [Int32], given: [Int32: Int32] = [:], in directory: TemporaryDirectory)
        async throws -> [String]
    {
        let output = directory.file("states-\(UUID().uuidString.prefix(8)).txt")
        let script = descriptors.map { "if [ -e /proc/self/fd/\($0) ]; then echo open; else echo closed; fi" }
            .joined(separator: "; ")
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", script], stdoutPath: output, descriptors: given)
        let end = await child.wait(timeout: .seconds(20))
        #expect(end?.description == "exited with status 0", "\(String(describing: end))")
        return try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func aDescriptorOpenInThisProcessIsClosedInTheChild() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-child-fds")
        defer { directory.remove() }
        let path = directory.file("held.txt")
        try Data("held".utf8).write(to: URL(fileURLWithPath: path))
        let held = open(path, O_RDONLY)  // no O_CLOEXEC: inherited unless the spawn closes it
        #expect(held > 2)
        defer { close(held) }
        #expect(fcntl(held, F_GETFD) & FD_CLOEXEC == 0)

        #expect(try await descriptorStates([0, 1, 2, held], in: directory) == ["open", "open", "open", "closed"])
        // Given on purpose, it is there (as the child's 3 or the number it is given), and the original is not.
        let target: Int32 = held == 3 ? 4 : 3
        #expect(
            try await descriptorStates([target, held], given: [target: held], in: directory)
                == ["open", "closed"])
    }
}
