internal import CDNNL

/// An f32 activation held in oneDNN memory, in whatever layout the producing primitive chose
/// (e.g. `nChw16c` for convolutions on AVX-512), so that consecutive primitives exchange it
/// without reorders. Converts to and from a plain row-major ``Tensor`` on demand.
///
/// A `DNNLTensor` is a reference: primitives write into the destination given to them, and the
/// caller decides which buffers live how long.
public final class DNNLTensor {
    /// Logical dims, e.g. (N, C, H, W), whatever the physical layout.
    public let shape: [Int]
    let memory: MemoryHandle
    let context: DNNLContext

    init(shape: [Int], descriptor: dnnl_memory_desc_t, context: DNNLContext) throws(KernelError) {
        self.shape = shape
        self.context = context
        memory = try context.makeMemory(descriptor)
    }

    /// A plain row-major tensor of `shape` filled with zeros.
    public convenience init(zeros shape: [Int], context: DNNLContext) throws(KernelError) {
        try self.init(shape: shape, descriptor: plainDescriptor(shape), context: context)
    }

    /// A plain row-major copy of `tensor`.
    public convenience init(_ tensor: Tensor, context: DNNLContext) throws(KernelError) {
        try self.init(zeros: tensor.shape, context: context)
        try assign(tensor)
    }

    /// A zero-filled tensor with the same dims and physical layout.
    public func makeSimilar() throws(KernelError) -> DNNLTensor {
        try DNNLTensor(shape: shape, descriptor: memory.descriptor, context: context)
    }

    /// Overwrites the storage with `other`'s, which must have the same dims and layout.
    public func copyContents(of other: DNNLTensor) {
        precondition(hasSameLayout(as: other), "copyContents: layouts differ")
        memory.buffer.copyMemory(from: other.memory.buffer, byteCount: memory.byteCount)
    }

    /// Overwrites the contents with `other`'s, which must have the same dims, in any layout
    /// (reordered by oneDNN when it differs).
    public func copyContents(reordering other: DNNLTensor) throws(KernelError) {
        try requireShape(other.shape, shape, op: "DNNLTensor.copyContents", argument: "source")
        if hasSameLayout(as: other) { return copyContents(of: other) }
        try Reorder(from: other.memory.descriptor, to: memory.descriptor, context: context)
            .run(from: other.memory, to: memory, context: context)
    }

    /// Whether the layout is plain row-major (NCHW for rank 4), so the storage is `Tensor.data`.
    public var isPlain: Bool {
        (try? sameLayout(memory.descriptor, plainDescriptor(shape))) ?? false
    }

    /// Whether `other` has the same dims and physical layout, so elementwise loops over the two
    /// storages pair up logically equal elements.
    public func hasSameLayout(as other: DNNLTensor) -> Bool {
        sameLayout(memory.descriptor, other.memory.descriptor)
    }

    /// Number of floats in the physical storage: the element count plus any blocking padding.
    public var storageCount: Int { memory.byteCount / MemoryLayout<Float>.stride }

    /// Overwrites the contents with `tensor` (row-major), reordering into this layout if needed.
    public func assign(_ tensor: Tensor) throws(KernelError) {
        guard tensor.shape == shape else {
            throw KernelError.shapeMismatch(op: "DNNLTensor.assign", argument: "tensor",
                                          expected: shape, actual: tensor.shape)
        }
        if isPlain {
            memory.copyIn(tensor.data)
            return
        }
        let staging = try DNNLTensor(zeros: shape, context: context)
        try staging.assign(tensor)
        try Reorder(from: staging.memory.descriptor, to: memory.descriptor, context: context)
            .run(from: staging.memory, to: memory, context: context)
    }

    /// A row-major copy of the contents.
    public func toTensor() throws(KernelError) -> Tensor {
        var tensor = Tensor(shape: [0])
        try copy(into: &tensor)
        return tensor
    }

    /// Overwrites `tensor` with a row-major copy of the contents, in its own storage when it
    /// already has this shape (and nobody shares it): a per-pass plain step reuses one array
    /// instead of allocating and page-faulting a fresh one. A blocked layout is reordered
    /// straight into the array.
    public func copy(into tensor: inout Tensor) throws(KernelError) {
        if tensor.shape != shape { tensor = Tensor(shape: shape) }
        let isPlain = self.isPlain
        let (source, descriptor) = (memory, try plainDescriptor(shape))
        var failure: KernelError?
        tensor.data.withUnsafeMutableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            if isPlain { return base.copyMemory(from: source.buffer, byteCount: bytes.count) }
            do throws(KernelError) {
                let target = try context.makeMemory(descriptor, borrowing: bytes)
                try Reorder(from: source.descriptor, to: descriptor, context: context).run(from: source, to: target, context: context)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// A plain row-major copy with the same elements in the same order under another shape of
    /// equal element count (a reshape).
    public func reshapedCopy(_ newShape: [Int]) throws(KernelError) -> DNNLTensor {
        guard newShape.reduce(1, *) == shape.reduce(1, *) else {
            throw KernelError.shapeMismatch(op: "DNNLTensor.reshapedCopy", argument: "shape", expected: shape, actual: newShape)
        }
        let plain = try toTensor()
        return try DNNLTensor(Tensor(shape: newShape, data: plain.data), context: context)
    }

    /// Runs `body` on the raw physical storage (``storageCount`` floats, layout-ordered).
    ///
    /// Meant for elementwise ops (fake-quant, add, ReLU) that do not care about element order.
    /// Blocked layouts pad the channel dimension with zeros that oneDNN relies on, so `body`
    /// must map 0 to 0 (true of ReLU, fake-quant, add and mul of two such tensors).
    public func withUnsafeMutableStorage<R, E: Error>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws(E) -> R
    ) throws(E) -> R {
        let pointer = memory.buffer.assumingMemoryBound(to: Float.self)
        return try body(UnsafeMutableBufferPointer(start: pointer, count: storageCount))
    }
}
