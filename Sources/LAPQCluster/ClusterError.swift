/// Failures of the distributed runtime that a user sees.
public enum ClusterError: Error, Equatable, CustomStringConvertible {
    case malformedModelPackage(String)
    case evaluationFailed(String)
    case transport(String)
    case timedOut(String)

    public var description: String {
        switch self {
        case let .malformedModelPackage(reason): return "the model package from the coordinator is malformed: \(reason)"
        case let .evaluationFailed(reason): return "distributed evaluation failed: \(reason)"
        case let .transport(reason): return "transport: \(reason)"
        case let .timedOut(reason): return "timed out: \(reason)"
        }
    }
}
