/// Per-user persona labels as JSON Lines: one object per user, `{"user":"<external id>","personas":["Name",
/// ...]}`, where an empty list means "Unrepresentable". The same format holds a synthetic dataset's planted
/// truth, the Φ output of a run and the input of `gplr eval`.
///
/// Reading streams the file; errors name the file and the 1-based line. Persona names are matched against a
/// ``PersonaSet`` after ``PersonaSet/normalize(_:)``; the list `["Unrepresentable"]` is read as empty.
public enum LabelsFile {
    /// What ``read(path:personas:lenient:chunkSize:)`` found.
    public struct Contents: Sendable, Equatable {
        /// User id → persona indices in the set, in file order, without repeats.
        public var labels: [String: [Int]]
        /// User ids in file order.
        public var users: [String]
        /// Names not in the set that a lenient read dropped.
        public var unknownNamesDropped: Int

        public init(labels: [String: [Int]], users: [String], unknownNamesDropped: Int) {
            self.labels = labels
            self.users = users
            self.unknownNamesDropped = unknownNamesDropped
        }
    }

    /// Reads a labels file.
    /// - Parameter lenient: drop (and count) persona names that are not in `personas` instead of failing.
    /// - Throws: ``DatasetError`` naming file and line for malformed JSON, a missing or non-string `user`, a
    ///   missing or non-array `personas`, a repeated user, or (unless lenient) an unknown persona name.
    public static func read(
        path: String, personas: PersonaSet, lenient: Bool = false, chunkSize: Int = CSVReader.defaultChunkSize
    ) throws -> Contents {
        var labels: [String: [Int]] = [:]
        var users: [String] = []
        let dropped = try scan(path: path, personas: personas, lenient: lenient, chunkSize: chunkSize) {
            user, indices, line in
            let id =
                switch user {
                case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
                case .string(let text): text
                }
            guard labels.updateValue(indices, forKey: id) == nil else {
                throw DatasetError(.duplicateUser, "user '\(id)' appears again", file: path, line: line)
            }
            users.append(id)
        }
        return Contents(labels: labels, users: users, unknownNamesDropped: dropped)
    }

    /// Reads a labels file for the users of one graph (`userIDs`, the graph's ids in index order): the labels by
    /// user index, what a labeler that answers from the file needs. Lines of users the graph does not have are
    /// counted, checked like the others, and dropped.
    ///
    /// Same checks and errors as ``read(path:personas:lenient:chunkSize:)``, but no `String` and no dictionary
    /// entry per line. A line whose user is the graph's next one after the previous line's (a file written in the
    /// graph's order, as gplr writes them) is matched by comparing its bytes with that id's; the graph's ids are
    /// hashed (``ByteStringInterner``) only at the first line that is not, so a file in the graph's order is read
    /// without building a table of every id (4 s of a worker's first label job at 10M users, most of its table's
    /// 512 MB being zeroed and written at random). Graph ids that repeat (no graph gplr builds has that; a
    /// hand-made snapshot could) are found when the table is built, or at the end when a user got no line, and the
    /// file is then read by id, so each of them gets the id's line; a file with a line for every position of such a
    /// graph, repeating the id where the graph does, is read by position. On a 1M-user truth file a worker's `read`
    /// and the labeler's per-user dictionary built from it were a third of the worker's CPU in a distributed run.
    public static func readUserLabels(
        path: String, personas: PersonaSet, userIDs: [String], lenient: Bool = false,
        chunkSize: Int = CSVReader.defaultChunkSize
    ) throws -> UserLabels {
        let graphUsers = userIDs.count
        var table: ByteStringInterner?  // the graph's ids, then the lines' ids outside the graph
        var byUser = [[Int]?](repeating: nil, count: graphUsers)
        var outside = 0
        var next = 0
        /// The graph's ids hashed; `nil` when some repeat.
        func graphTable() -> ByteStringInterner? {
            var ids = ByteStringInterner(capacity: graphUsers)
            for id in userIDs { _ = ids.intern(id) }
            return ids.count == graphUsers ? ids : nil
        }
        struct RepeatedGraphIDs: Error {}
        let dropped: Int
        do {
            dropped = try scan(path: path, personas: personas, lenient: lenient, chunkSize: chunkSize) {
                user, indices, line in
                var index = -1
                if next < graphUsers {
                    var expected = userIDs[next]
                    let isNext =
                        switch user {
                        case .bytes(let bytes): expected.withUTF8 { $0.elementsEqual(bytes) }
                        case .string(let text): expected.utf8.elementsEqual(text.utf8)
                        }
                    if isNext { index = next }
                }
                var known = graphUsers
                if index < 0 {
                    if table == nil {
                        guard let ids = graphTable() else { throw RepeatedGraphIDs() }
                        table = ids
                    }
                    known = table!.count
                    index =
                        switch user {
                        case .bytes(let bytes): Int(table!.intern(bytes))
                        case .string(let text): Int(table!.intern(text))
                        }
                }
                next = index + 1
                let repeated: Bool
                if index < graphUsers {
                    repeated = byUser[index] != nil
                    byUser[index] = indices
                } else {
                    repeated = index < known  // interned by an earlier line
                    outside += 1
                }
                if repeated {
                    let id =
                        index < graphUsers ? userIDs[index] : table.map { $0.string(at: index) } ?? "\(index)"
                    throw DatasetError(.duplicateUser, "user '\(id)' appears again", file: path, line: line)
                }
            }
            // A user left without a line may share its id with one that has one: check the graph's ids then.
            if table == nil, byUser.contains(where: { $0 == nil }), graphTable() == nil { throw RepeatedGraphIDs() }
        } catch is RepeatedGraphIDs {
            return UserLabels(
                try read(path: path, personas: personas, lenient: lenient, chunkSize: chunkSize), userIDs: userIDs)
        }
        return UserLabels(personas: byUser, usersOutsideGraph: outside, unknownNamesDropped: dropped)
    }

    /// A line's user id: its bytes on a line spelled as gplr writes it (``CanonicalLabelsLine``), else as decoded.
    enum LineUser {
        case bytes(UnsafeRawBufferPointer)
        case string(String)
    }

    /// Calls `body` with each non-blank line's user, persona indices (file order, no repeats) and 1-based line
    /// number. Returns the names a lenient read dropped.
    private static func scan(
        path: String, personas: PersonaSet, lenient: Bool, chunkSize: Int,
        _ body: (LineUser, [Int], Int) throws -> Void
    ) throws -> Int {
        var dropped = 0
        let unrepresentable = PersonaSet.normalize(PersonaSet.unrepresentable)
        // Each name's UTF-8, to match a canonical line's names byte for byte before making a String of them.
        let exactNames = personas.names.map { Array($0.utf8) }
        var nameRanges: [Range<Int>] = []
        try LineReader(path: path, chunkSize: chunkSize).forEachLine { bytes, line in
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are allowed
            var indices: [Int] = []
            func add(_ index: Int) { if !indices.contains(index) { indices.append(index) } }
            func add(name: String) throws {
                if let index = personas.index(ofName: name) {
                    add(index)
                } else if PersonaSet.normalize(name) == unrepresentable {
                    return
                } else if lenient {
                    dropped += 1
                } else {
                    throw DatasetError(
                        .unknownPersona, "'\(name)' is not in the persona set", file: path, line: line,
                        column: "personas")
                }
            }
            if let userRange = CanonicalLabelsLine.parse(bytes, names: &nameRanges) {
                for range in nameRanges {
                    let name = UnsafeRawBufferPointer(rebasing: bytes[range])
                    if let index = exactNames.firstIndex(where: { $0.elementsEqual(name) }) {
                        add(index)
                    } else {
                        try add(name: String(decoding: name, as: UTF8.self))
                    }
                }
                try body(.bytes(UnsafeRawBufferPointer(rebasing: bytes[userRange])), indices, line)
                return
            }
            let object: JSONLineScanner.Object
            do {
                object = try JSONLineScanner.parseObject(bytes)
            } catch let failure as JSONLineScanner.Failure {
                throw DatasetError(.badJSON, failure.message, file: path, line: line)
            }
            guard let named = object.strings["user"] else {
                throw DatasetError(
                    .badJSON, "missing string member \"user\"", file: path, line: line, column: "user")
            }
            guard let names = object.stringArrays["personas"] else {
                throw DatasetError(
                    .badJSON, "missing array-of-strings member \"personas\"", file: path, line: line,
                    column: "personas")
            }
            for name in names { try add(name: name) }
            try body(.string(named), indices, line)
        }
        return dropped
    }

    /// Writes `labels` (user id → persona indices) sorted by user id, so equal inputs give equal files.
    public static func write(_ labels: [String: [Int]], personas: PersonaSet, to path: String) throws {
        let writer = try LabelsFileWriter(path: path, personas: personas)
        for user in labels.keys.sorted() { try writer.append(user: user, personas: labels[user]!) }
        try writer.close()
    }
}

/// Streams a labels file out, one user at a time (the generator writes millions of truth lines this way).
public final class LabelsFileWriter {
    private let output: BufferedFileWriter
    /// Each persona name pre-encoded as a JSON string literal.
    private let encodedNames: [[UInt8]]
    public let personas: PersonaSet

    public init(path: String, personas: PersonaSet) throws {
        output = try BufferedFileWriter(path: path)
        self.personas = personas
        encodedNames = personas.names.map { name in
            var bytes: [UInt8] = [0x22]
            for b in name.utf8 {
                switch b {
                case 0x22, 0x5C: bytes += [0x5C, b]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
                default: bytes.append(b)
                }
            }
            bytes.append(0x22)
            return bytes
        }
    }

    /// Appends one user's line. `personas` are indices into the set; an empty list means Unrepresentable.
    public func append(user: String, personas indices: some Collection<Int>) throws {
        try output.write(Self.userPrefix)
        try output.write(jsonString: user)
        try output.write(Self.personasPrefix)
        for (k, index) in indices.enumerated() {
            precondition(encodedNames.indices.contains(index), "persona index \(index) out of range")
            if k > 0 { try output.write(byte: 0x2C) }
            try encodedNames[index].withUnsafeBytes { try output.write($0) }
        }
        try output.write(Self.lineEnd)
    }

    /// Flushes and closes the file.
    public func close() throws { try output.close() }

    private static let userPrefix = "{\"user\":"
    private static let personasPrefix = ",\"personas\":["
    private static let lineEnd = "]}\n"
}
