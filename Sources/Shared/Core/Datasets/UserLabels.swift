/// A labels file's labels of one graph's users, by user index
/// (``LabelsFile/readUserLabels(path:personas:userIDs:lenient:chunkSize:)``): what a labeler that answers from the
/// file, and an evaluation against it, read.
public struct UserLabels: Sendable, Equatable {
    /// Per user index: its persona indices (in file order, no repeats; empty = "Unrepresentable"), or `nil` when
    /// the file has no line for the user.
    public var personas: [[Int]?]
    /// Lines of users the graph does not have (read, checked, dropped).
    public var usersOutsideGraph: Int
    /// Names not in the persona set that a lenient read dropped.
    public var unknownNamesDropped: Int

    public init(personas: [[Int]?], usersOutsideGraph: Int = 0, unknownNamesDropped: Int = 0) {
        self.personas = personas
        self.usersOutsideGraph = usersOutsideGraph
        self.unknownNamesDropped = unknownNamesDropped
    }

    /// The labels of `contents` (read by ``LabelsFile/read(path:personas:lenient:chunkSize:)``) for the users
    /// `userIDs`, in their order.
    public init(_ contents: LabelsFile.Contents, userIDs: [String]) {
        personas = userIDs.map { contents.labels[$0] }
        let graphUsers = Set(userIDs)
        usersOutsideGraph = contents.labels.keys.count { !graphUsers.contains($0) }
        unknownNamesDropped = contents.unknownNamesDropped
    }

    /// No labels for any of `userCount` users.
    public static func none(userCount: Int) -> UserLabels {
        UserLabels(personas: Array(repeating: nil, count: userCount))
    }

    /// The persona indices of `user`, or `nil` when the file has none for it.
    public subscript(user: Int) -> [Int]? { personas[user] }
}
