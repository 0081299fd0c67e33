import Foundation
import GPLRTestSupport

/// Writes small dataset files for the dataset tests (fixtures are made by code, not committed).
enum DatasetFixtures {
    /// Writes `text` verbatim (no newline translation) to `name` inside `directory`; returns the path.
    @discardableResult
    static func write(_ text: String, to name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func bytes(of path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static let personas = [
        "Busy Parents": "Diapers and baby food.",
        "Health Enthusiast": "Kale and quinoa.",
        "Snack Lover": "Chips and candy.",
    ]
}
