import Logging
import ServiceLifecycle

/// Samples every running run's counts into its history (``DashboardAPI/sampleRunningRuns()``) every
/// ``DashboardAPI/sampleInterval``, for as long as the dashboard serves: `gplr serve` runs it as a service beside
/// the HTTP server, `gplr demo` beside its run. A Redis failure is logged and the next tick tries again.
struct DashboardSampler: Service {
    let api: DashboardAPI
    let logger: Logger

    /// Samples until cancelled or shut down gracefully; either ends it normally.
    func run() async {
        let api = api, logger = logger
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await api.sampleRunningRuns()
                } catch {
                    logger.warning("cannot sample the running runs", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: api.sampleInterval)
            }
        }
    }
}
