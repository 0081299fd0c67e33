import Foundation
import GPLRRuntime

extension JobDefinition {
    /// A finished job's stored result, decoded; a result that does not decode is a ``DistributedRunError``
    /// (`badResult`): "result of job <job> is not <what>", `what` by default "a <kind> result".
    static func decodeResult(_ data: Data, job: String, run: String, what: String? = nil) throws -> Output {
        do {
            return try decodeResult(data)
        } catch {
            throw DistributedRunError(
                .badResult, "result of job \(job) is not \(what ?? "a \(kind) result")", run: run, underlying: error)
        }
    }
}
