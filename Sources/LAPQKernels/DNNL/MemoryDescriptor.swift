internal import CDNNL

// Helpers that build f32 memory descriptors from shapes. Internal: descriptors are C structs.

/// The row-major ("plain") format tag for a tensor of `rank` 1...6, e.g. NCHW for rank 4.
private func plainTag(rank: Int) -> dnnl_format_tag_t {
    switch rank {
    case 1: return dnnl_a
    case 2: return dnnl_ab
    case 3: return dnnl_abc
    case 4: return dnnl_abcd
    case 5: return dnnl_abcde
    default: return dnnl_abcdef
    }
}

/// A descriptor for `shape` with format `tag` (f32 unless `type` says otherwise); `any` lets a
/// primitive choose the layout.
func memoryDescriptor(_ shape: [Int], tag: dnnl_format_tag_t,
                      type: dnnl_data_type_t = dnnl_f32) throws(KernelError) -> dnnl_memory_desc_t {
    precondition((1...6).contains(shape.count), "rank \(shape.count) outside 1...6")
    var desc = dnnl_memory_desc_t()
    let dims = shape.map(Int64.init)
    try check(dnnl_memory_desc_init_by_tag(&desc, Int32(dims.count), dims, type, tag),
              where: "dnnl_memory_desc_init_by_tag")
    return desc
}

/// A row-major descriptor for `shape` (f32 unless `type` says otherwise).
func plainDescriptor(_ shape: [Int], type: dnnl_data_type_t = dnnl_f32) throws(KernelError) -> dnnl_memory_desc_t {
    try memoryDescriptor(shape, tag: plainTag(rank: shape.count), type: type)
}

/// A descriptor for `shape` whose layout the consuming primitive chooses (f32 unless `type`
/// says otherwise).
func anyDescriptor(_ shape: [Int], type: dnnl_data_type_t = dnnl_f32) throws(KernelError) -> dnnl_memory_desc_t {
    try memoryDescriptor(shape, tag: dnnl_format_tag_any, type: type)
}

/// `descriptor` with its element type replaced (same dims and strides in elements): e.g. the
/// f32 layout whose elements pair up one to one with an int8 layout's.
func retyped(_ descriptor: dnnl_memory_desc_t, _ type: dnnl_data_type_t) -> dnnl_memory_desc_t {
    var result = descriptor
    result.data_type = type
    return result
}

/// The bytes a descriptor's memory occupies (padding included).
func byteSize(_ descriptor: dnnl_memory_desc_t) -> Int {
    var desc = descriptor
    return dnnl_memory_desc_get_size(&desc)
}

/// Whether two descriptors describe the same dims, type and layout.
func sameLayout(_ lhs: dnnl_memory_desc_t, _ rhs: dnnl_memory_desc_t) -> Bool {
    var lhs = lhs, rhs = rhs
    return dnnl_memory_desc_equal(&lhs, &rhs) != 0
}

/// A oneDNN reorder between two layouts of the same dims, created once and run many times.
final class Reorder {
    let source: dnnl_memory_desc_t
    let destination: dnnl_memory_desc_t
    private let primitive: PrimitiveHandle

    init(from source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t,
         context: DNNLContext) throws(KernelError) {
        var src = source, dst = destination
        let engine = context.engine.raw
        let descriptor = try PrimitiveDescHandle(function: "dnnl_reorder_primitive_desc_create") { out in
            dnnl_reorder_primitive_desc_create(&out, &src, engine, &dst, engine, nil)
        }
        primitive = try context.makePrimitive(descriptor)
        self.source = source
        self.destination = destination
    }

    /// Copies `from` into `to`, converting the layout.
    func run(from: MemoryHandle, to: MemoryHandle, context: DNNLContext) throws(KernelError) {
        try context.execute(primitive, [(DNNL_ARG_FROM, from), (DNNL_ARG_TO, to)])
    }
}
