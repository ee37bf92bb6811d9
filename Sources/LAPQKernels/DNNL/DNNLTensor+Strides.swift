internal import CDNNL

extension DNNLTensor {
    /// The element strides of each logical axis when the layout is dense and unblocked (NCHW,
    /// NHWC or another axis order, no inner blocks, no padding, no offset); nil for a blocked
    /// layout such as `nChw16c`.
    public var denseStrides: [Int]? { denseElementStrides(memory.descriptor, shape: shape) }

    /// A zeroed tensor of `shape` (same rank) whose axes lie in memory in the same order as
    /// this dense tensor's (`denseStrides` must not be nil): NHWC in, NHWC out.
    public func makeDense(shape newShape: [Int]) throws(KernelError) -> DNNLTensor {
        guard let strides = denseStrides, newShape.count == shape.count else {
            throw KernelError.shapeMismatch(op: "DNNLTensor.makeDense", argument: "shape", expected: shape, actual: newShape)
        }
        let order = strides.indices.sorted { (strides[$0], $0) > (strides[$1], $1) }   // outermost first
        // (ties — axes of size 1 — keep the logical order, as `hasDenseAxisOrder` compares them)
        var newStrides = [Int](repeating: 1, count: newShape.count)
        var running = 1
        for axis in order.reversed() {
            newStrides[axis] = running
            running *= newShape[axis]
        }
        var descriptor = dnnl_memory_desc_t()
        let dims = newShape.map { dnnl_dim_t($0) }, elementStrides = newStrides.map { dnnl_dim_t($0) }
        try check(dnnl_memory_desc_init_by_strides(&descriptor, Int32(newShape.count), dims, dnnl_f32, elementStrides),
                  where: "dnnl_memory_desc_init_by_strides")
        return try DNNLTensor(shape: newShape, descriptor: descriptor, context: context)
    }

    /// Whether both tensors are dense with their axes in the same memory order.
    public func hasDenseAxisOrder(of other: DNNLTensor) -> Bool {
        guard let mine = denseStrides, let theirs = other.denseStrides, mine.count == theirs.count else { return false }
        let order = { (strides: [Int]) in strides.indices.sorted { (strides[$0], $0) > (strides[$1], $1) } }
        return order(mine) == order(theirs)
    }
}

/// The element strides of each logical axis of a memory of logical `shape` when its layout is
/// dense and unblocked (no inner blocks, no padding, no offset); nil otherwise.
func denseElementStrides(_ descriptor: dnnl_memory_desc_t, shape: [Int]) -> [Int]? {
    guard descriptor.format_kind == dnnl_blocked, descriptor.offset0 == 0 else { return nil }
    let blocking = descriptor.format_desc.blocking
    guard blocking.inner_nblks == 0 else { return nil }
    let rank = Int(descriptor.ndims)
    let strides = withUnsafeBytes(of: blocking.strides) { Array($0.bindMemory(to: dnnl_dim_t.self).prefix(rank)) }
    let padded = withUnsafeBytes(of: descriptor.padded_dims) { Array($0.bindMemory(to: dnnl_dim_t.self).prefix(rank)) }
    guard padded.map(Int.init) == shape else { return nil }
    return strides.map(Int.init)
}
