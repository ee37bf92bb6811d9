internal import CDNNL

/// Runs a primitive whose source and destination layouts are fixed, accepting tensors in any
/// layout: a mismatching source is reordered into a staging buffer first, and a mismatching
/// destination is written via a staging buffer and reordered out. When layouts match (the
/// common case in a chain of primitives that chose them) no copy happens.
final class LayoutBridge {
    let sourceLayout: dnnl_memory_desc_t
    let destinationLayout: dnnl_memory_desc_t
    private let sourceStaging: LayoutStaging
    private var destinationStaging: (reorder: Reorder, memory: MemoryHandle)?

    init(sourceLayout: dnnl_memory_desc_t, destinationLayout: dnnl_memory_desc_t) {
        self.sourceLayout = sourceLayout
        self.destinationLayout = destinationLayout
        sourceStaging = LayoutStaging(target: sourceLayout)
    }

    /// Executes `primitive` reading `source`, writing `destination`, plus `parameters`
    /// (DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, …).
    func run(_ primitive: PrimitiveHandle, source: DNNLTensor, destination: DNNLTensor,
             parameters: [(Int32, MemoryHandle)], context: DNNLContext) throws(KernelError) {
        try run(primitive, sourceMemory: try sourceStaging.memory(in: source.memory, context: context),
                destination: destination, parameters: parameters, context: context)
    }

    /// As `run(_:source:destination:parameters:context:)` with a source already in
    /// `sourceLayout` (e.g. int8 codes the caller wrote).
    func run(_ primitive: PrimitiveHandle, sourceMemory input: MemoryHandle, destination: DNNLTensor,
             parameters: [(Int32, MemoryHandle)], context: DNNLContext) throws(KernelError) {
        let output = try stagedDestination(destination, context: context)
        try context.execute(primitive, [(DNNL_ARG_SRC, input), (DNNL_ARG_DST, output)] + parameters)
        if output !== destination.memory, let staging = destinationStaging {
            try staging.reorder.run(from: output, to: destination.memory, context: context)
        }
    }

    private func stagedDestination(_ destination: DNNLTensor, context: DNNLContext) throws(KernelError) -> MemoryHandle {
        let wanted = destination.memory.descriptor
        if sameLayout(wanted, destinationLayout) { return destination.memory }
        if let cached = destinationStaging, sameLayout(cached.reorder.destination, wanted) {
            return cached.memory
        }
        let staging = (reorder: try Reorder(from: destinationLayout, to: wanted, context: context),
                       memory: try context.makeMemory(destinationLayout))
        destinationStaging = staging
        return staging.memory
    }
}

/// Memory in one fixed layout made from memory in any layout: the given memory itself when the
/// layouts match, else a reordered copy in a buffer kept (with its reorder) until a source of
/// another layout comes.
final class LayoutStaging {
    let target: dnnl_memory_desc_t
    private var cached: (reorder: Reorder, memory: MemoryHandle)?

    init(target: dnnl_memory_desc_t) { self.target = target }

    func memory(in source: MemoryHandle, context: DNNLContext) throws(KernelError) -> MemoryHandle {
        let given = source.descriptor
        if sameLayout(given, target) { return source }
        let staging: (reorder: Reorder, memory: MemoryHandle)
        if let cached, sameLayout(cached.reorder.source, given) {
            staging = cached
        } else {
            staging = (try Reorder(from: given, to: target, context: context), try context.makeMemory(target))
            cached = staging
        }
        try staging.reorder.run(from: source, to: staging.memory, context: context)
        return staging.memory
    }
}
