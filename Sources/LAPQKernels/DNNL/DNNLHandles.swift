internal import CDNNL

// One owner class per oneDNN handle kind. Each holds exactly one handle, created by a throwing
// initializer and destroyed in deinit, so no handle outlives or escapes its owner.

/// Owns a `dnnl_engine_t` (the CPU engine, index 0).
final class EngineHandle {
    let raw: dnnl_engine_t

    init() throws(KernelError) {
        var engine: dnnl_engine_t?
        try check(dnnl_engine_create(&engine, dnnl_cpu, 0), where: "dnnl_engine_create")
        guard let engine else { throw KernelError.call(function: "dnnl_engine_create", status: .runtimeError) }
        raw = engine
    }

    deinit { dnnl_engine_destroy(raw) }
}

/// Owns an in-order `dnnl_stream_t` on an engine; keeps the engine alive.
final class StreamHandle {
    let raw: dnnl_stream_t
    private let engine: EngineHandle

    init(engine: EngineHandle) throws(KernelError) {
        var stream: dnnl_stream_t?
        try check(dnnl_stream_create(&stream, engine.raw, UInt32(dnnl_stream_default_flags.rawValue)),
                  where: "dnnl_stream_create")
        guard let stream else { throw KernelError.call(function: "dnnl_stream_create", status: .runtimeError) }
        raw = stream
        self.engine = engine
    }

    deinit { dnnl_stream_destroy(raw) }
}

/// Owns a `dnnl_memory_t` and the 64-byte-aligned buffer behind it.
///
/// The buffer is allocated here (not by the library) so that its lifetime is exactly this
/// object's, and it is zero-filled so that the padding of blocked layouts starts as zeros,
/// which oneDNN's blocked kernels require.
final class MemoryHandle {
    let raw: dnnl_memory_t
    let descriptor: dnnl_memory_desc_t
    let buffer: UnsafeMutableRawPointer
    let byteCount: Int
    /// False for memory over a caller's buffer (`init(descriptor:engine:borrowing:)`).
    private let ownsBuffer: Bool

    /// Memory with its own zero-filled buffer.
    convenience init(descriptor: dnnl_memory_desc_t, engine: EngineHandle) throws(KernelError) {
        var desc = descriptor
        let byteCount = max(dnnl_memory_desc_get_size(&desc), 4)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        do {
            try self.init(descriptor: descriptor, engine: engine, buffer: buffer, byteCount: byteCount, owns: true)
        } catch {
            buffer.deallocate()
            throw error
        }
    }

    /// Memory over `buffer`, which must hold the descriptor's size and outlive this handle
    /// (e.g. a Swift array's storage during `withUnsafeMutableBufferPointer`).
    convenience init(descriptor: dnnl_memory_desc_t, engine: EngineHandle,
                     borrowing buffer: UnsafeMutableRawBufferPointer) throws(KernelError) {
        var desc = descriptor
        let size = dnnl_memory_desc_get_size(&desc)
        guard let base = buffer.baseAddress, buffer.count >= size else {
            throw KernelError.shapeMismatch(op: "MemoryHandle", argument: "buffer bytes", expected: [size],
                                            actual: [buffer.count])
        }
        try self.init(descriptor: descriptor, engine: engine, buffer: base, byteCount: size, owns: false)
    }

    private init(descriptor: dnnl_memory_desc_t, engine: EngineHandle, buffer: UnsafeMutableRawPointer,
                 byteCount: Int, owns: Bool) throws(KernelError) {
        var desc = descriptor
        var memory: dnnl_memory_t?
        let status = dnnl_memory_create(&memory, &desc, engine.raw, buffer)
        guard status == dnnl_success, let memory else {
            throw KernelError.call(function: "dnnl_memory_create", status: DNNLStatus(status))
        }
        raw = memory
        self.descriptor = desc
        self.buffer = buffer
        self.byteCount = byteCount
        ownsBuffer = owns
    }

    /// Copies `values` to the start of the buffer; the caller guarantees they fit.
    func copyIn(_ values: [Float]) {
        precondition(values.count * MemoryLayout<Float>.stride <= byteCount, "values exceed the buffer")
        let destination = UnsafeMutableBufferPointer(start: buffer.assumingMemoryBound(to: Float.self),
                                                     count: values.count)
        _ = destination.update(fromContentsOf: values)
    }

    deinit {
        dnnl_memory_destroy(raw)
        if ownsBuffer { buffer.deallocate() }
    }
}

/// Owns a `dnnl_primitive_attr_t`.
final class AttributeHandle {
    let raw: dnnl_primitive_attr_t

    init() throws(KernelError) {
        var attr: dnnl_primitive_attr_t?
        try check(dnnl_primitive_attr_create(&attr), where: "dnnl_primitive_attr_create")
        guard let attr else { throw KernelError.call(function: "dnnl_primitive_attr_create", status: .runtimeError) }
        raw = attr
    }

    deinit { dnnl_primitive_attr_destroy(raw) }
}

/// Owns a `dnnl_post_ops_t`.
final class PostOpsHandle {
    let raw: dnnl_post_ops_t

    init() throws(KernelError) {
        var postOps: dnnl_post_ops_t?
        try check(dnnl_post_ops_create(&postOps), where: "dnnl_post_ops_create")
        guard let postOps else { throw KernelError.call(function: "dnnl_post_ops_create", status: .runtimeError) }
        raw = postOps
    }

    deinit { dnnl_post_ops_destroy(raw) }
}

/// Owns a `dnnl_primitive_desc_t`: the library's chosen implementation and memory layouts.
final class PrimitiveDescHandle {
    let raw: dnnl_primitive_desc_t

    /// Wraps a descriptor produced by `create`, which receives the out-pointer.
    init(function: String, _ create: (inout dnnl_primitive_desc_t?) -> dnnl_status_t) throws(KernelError) {
        var desc: dnnl_primitive_desc_t?
        try check(create(&desc), where: function)
        guard let desc else { throw KernelError.call(function: function, status: .runtimeError) }
        raw = desc
    }

    /// The first implementation of `operation` (in oneDNN's order of preference) whose name
    /// `accepts` takes, e.g. to keep away from a kernel known to be wrong for some shape.
    init(function: String, operation: const_dnnl_op_desc_t, attributes: AttributeHandle, engine: EngineHandle,
         accepting accepts: (String) -> Bool) throws(KernelError) {
        var iterator: dnnl_primitive_desc_iterator_t?
        try check(dnnl_primitive_desc_iterator_create(&iterator, operation, attributes.raw, engine.raw, nil),
                  where: function)
        guard let iterator else { throw KernelError.call(function: function, status: .runtimeError) }
        defer { dnnl_primitive_desc_iterator_destroy(iterator) }
        var rejected: [String] = []
        repeat {
            guard let candidate = dnnl_primitive_desc_iterator_fetch(iterator) else { break }
            let name = Self.implementationName(candidate)
            if accepts(name) {
                raw = candidate
                return
            }
            rejected.append(name)
            dnnl_primitive_desc_destroy(candidate)
        } while dnnl_primitive_desc_iterator_next(iterator) == dnnl_success
        throw KernelError.unsupported(op: function, reason: "no acceptable implementation (rejected: \(rejected.joined(separator: ", ")))")
    }

    /// The implementation's name as `ONEDNN_VERBOSE` prints it, e.g. "jit_uni_int8:avx2".
    var implementationName: String { Self.implementationName(raw) }

    private static func implementationName(_ descriptor: const_dnnl_primitive_desc_t) -> String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success,
              let name else { return "" }
        return String(cString: name)
    }

    /// The memory descriptor the implementation uses for `query` (e.g. `dnnl_query_src_md`).
    /// `index` picks among several of a kind (weights 0, bias 1).
    func memoryDescriptor(_ query: dnnl_query_t, index: Int32 = 0) throws(KernelError) -> dnnl_memory_desc_t {
        guard let md = dnnl_primitive_desc_query_md(raw, query, index) else {
            throw KernelError.call(function: "dnnl_primitive_desc_query_md", status: .invalidArguments)
        }
        return md.pointee
    }

    deinit { dnnl_primitive_desc_destroy(raw) }
}

/// Owns a `dnnl_primitive_t` and the descriptor it was created from.
final class PrimitiveHandle {
    let raw: dnnl_primitive_t
    let descriptor: PrimitiveDescHandle

    init(descriptor: PrimitiveDescHandle) throws(KernelError) {
        var primitive: dnnl_primitive_t?
        try check(dnnl_primitive_create(&primitive, descriptor.raw), where: "dnnl_primitive_create")
        guard let primitive else { throw KernelError.call(function: "dnnl_primitive_create", status: .runtimeError) }
        raw = primitive
        self.descriptor = descriptor
    }

    deinit { dnnl_primitive_destroy(raw) }
}
