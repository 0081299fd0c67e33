import Foundation
import GPLRRuntime

/// What `gplr run --json` prints: the files written and the run's report, read back from the `report.json` just
/// written (so it is that file's schema, docs/outputs.md).
struct RunResultJSON: Encodable {
    var files: [String]
    var report: RunReportDocument

    init(files: [String]) throws {
        self.files = files
        // The writer lists report.json among its files; reading it fails with the path if it is not there.
        let path = files.first { $0.hasSuffix("/" + RunOutputWriter.reportFile) } ?? RunOutputWriter.reportFile
        report = try JSONDecoder().decode(RunReportDocument.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
