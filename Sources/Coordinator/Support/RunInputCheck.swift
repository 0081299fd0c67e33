import GPLRCore

/// Checks of a run's inputs that the runner itself does not make.
enum RunInputCheck {
    /// Refuses a graph without users or edges: the run would "succeed" with nothing in it.
    static func requireNonEmpty(_ graph: PurchaseGraph, snapshot path: String) throws(DatasetError) {
        guard graph.userCount > 0, graph.edgeCount > 0 else {
            throw DatasetError(
                .noPurchases,
                "the snapshot has \(graph.userCount) users and \(graph.edgeCount) edges: nothing to run (re-ingest "
                    + "a dataset with purchases)", file: path)
        }
    }
}
