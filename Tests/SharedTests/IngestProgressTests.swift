import Foundation
import GPLRTestSupport
import Synchronization
import Testing

@testable import GPLRCore

/// ``IngestOptions/progress``: rows and bytes grow, over every file of the source, and end at the totals.
@Suite(.timeLimit(.minutes(5))) struct IngestProgressTests {
    @Test func reportsRowsAndBytesOfEveryFileUpToTheTotal() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // ~90,000 order_products rows: more than one progress interval (65,536 rows) in one file.
        try SyntheticGenerator(config: SyntheticConfig(users: 3000, items: 500, seed: 5))
            .write(to: dir.path, formats: [.instacart])
        let source = IngestSource.instacart(directory: dir.file(SyntheticGenerator.instacartDirectory))
        let files = ["orders.csv", "order_products__prior.csv", "products.csv"]
            .map { dir.file(SyntheticGenerator.instacartDirectory + "/" + $0) }
        #expect(source.existingFiles == files)
        let bytes = try files.reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0)
        }

        let seen = Mutex<[IngestProgress]>([])
        let (_, report) = try ingestDataset(
            source, options: IngestOptions(chunkSize: 4096, progress: { p in seen.withLock { $0.append(p) } }))
        let progress = seen.withLock { $0 }
        // A mid-file call (the interval), one after each of the three files, one at the end.
        #expect(progress.count >= 5, "\(progress)")
        #expect(progress.allSatisfy { $0.bytesTotal == bytes && $0.bytesRead <= bytes })
        #expect(
            zip(progress, progress.dropFirst()).allSatisfy {
                $0.rowsRead <= $1.rowsRead && $0.bytesRead <= $1.bytesRead
            })
        #expect(progress.contains { $0.rowsRead == 65_536 && $0.bytesRead > 0 && $0.bytesRead < bytes })
        #expect(progress.last == IngestProgress(rowsRead: report.rowsRead, bytesRead: bytes, bytesTotal: bytes))
    }
}
