internal import CDNNL

/// Constant primitive input (weights or bias) kept in the layout the primitive chose.
///
/// ``load(_:)`` copies a row-major tensor in and reorders it once; the primitive then reads the
/// library-layout copy on every run. The reorder is created once and reused on every reload,
/// since a caller re-quantizes weights whenever a step size changes.
final class ParameterStore {
    let shape: [Int]
    let memory: MemoryHandle
    private let plain: MemoryHandle
    private let reorder: Reorder?

    /// `plainShape` is the oneDNN view of the ONNX tensor (e.g. goihw for grouped weights);
    /// `libraryLayout` is what the primitive descriptor asked for.
    init(plainShape: [Int], libraryLayout: dnnl_memory_desc_t, context: DNNLContext) throws(KernelError) {
        shape = plainShape
        let plainLayout = try plainDescriptor(plainShape)
        plain = try context.makeMemory(plainLayout)
        if sameLayout(plainLayout, libraryLayout) {
            memory = plain
            reorder = nil
        } else {
            memory = try context.makeMemory(libraryLayout)
            reorder = try Reorder(from: plainLayout, to: libraryLayout, context: context)
        }
    }

    /// Replaces the contents with `values` (row-major, `shape.reduce(1, *)` floats).
    func load(_ values: [Float], context: DNNLContext) throws(KernelError) {
        precondition(values.count == shape.reduce(1, *), "parameter count mismatch")
        plain.copyIn(values)
        try reorder?.run(from: plain, to: memory, context: context)
    }
}
