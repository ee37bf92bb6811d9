internal import CDNNL

/// An error from the compute kernels (the oneDNN wrapper and the geometry checks).
///
/// Every oneDNN call passes through ``check(_:where:)``, so a failing call is reported with the
/// name of the C function and the library's status; geometry that cannot describe a valid
/// operation is rejected before it reaches the library.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// The oneDNN function `function` returned `status`.
    case call(function: String, status: DNNLStatus)
    /// The operation `op` cannot be built with the given geometry; `reason` says which rule failed.
    case invalidGeometry(op: String, reason: String)
    /// A tensor handed to `op` has the wrong shape.
    case shapeMismatch(op: String, argument: String, expected: [Int], actual: [Int])
    /// The combination is valid ONNX but this wrapper cannot express it in oneDNN.
    case unsupported(op: String, reason: String)

    public var description: String {
        switch self {
        case let .call(function, status):
            return "oneDNN call \(function) failed: \(status)"
        case let .invalidGeometry(op, reason):
            return "\(op): invalid geometry: \(reason)"
        case let .shapeMismatch(op, argument, expected, actual):
            return "\(op): \(argument) has shape \(actual), expected \(expected)"
        case let .unsupported(op, reason):
            return "\(op): unsupported by the oneDNN path: \(reason)"
        }
    }
}

/// A oneDNN status code other than success, mirrored so that no C type leaks into the API.
public enum DNNLStatus: Equatable, Sendable {
    case outOfMemory, invalidArguments, unimplemented, iteratorEnds, runtimeError, notRequired
    /// A code this wrapper does not know (a newer library).
    case unknown(UInt32)

    init(_ status: dnnl_status_t) {
        switch status {
        case dnnl_out_of_memory: self = .outOfMemory
        case dnnl_invalid_arguments: self = .invalidArguments
        case dnnl_unimplemented: self = .unimplemented
        case dnnl_iterator_ends: self = .iteratorEnds
        case dnnl_runtime_error: self = .runtimeError
        case dnnl_not_required: self = .notRequired
        default: self = .unknown(status.rawValue)
        }
    }
}

/// The one funnel for oneDNN return codes: throws ``KernelError/call(function:status:)`` naming
/// `function` unless `status` is `dnnl_success`.
@inline(__always)
func check(_ status: dnnl_status_t, where function: String) throws(KernelError) {
    if status != dnnl_success {
        throw KernelError.call(function: function, status: DNNLStatus(status))
    }
}

/// Throws ``KernelError/shapeMismatch(op:argument:expected:actual:)`` unless `shape == expected`.
func requireShape(_ shape: [Int], _ expected: [Int], op: String, argument: String) throws(KernelError) {
    if shape != expected {
        throw KernelError.shapeMismatch(op: op, argument: argument, expected: expected, actual: shape)
    }
}
