internal import CDNNL

/// A oneDNN CPU engine, its in-order stream and the thread count used to run primitives.
///
/// **Threading.** Debian's libdnnl 2.6 is built with `DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP`
/// (GNU libgomp). oneDNN then uses OpenMP's `nthreads-var`, which is per OS thread: a value set
/// on one thread does not reach another, and Swift tasks may hop threads. So the context stores
/// `threadCount` and applies it with `omp_set_num_threads` on the calling thread right before
/// every primitive creation and execution (a thread-local store, nanoseconds). The default is
/// `omp_get_max_threads()`, i.e. `OMP_NUM_THREADS` if set, else the number of cores.
///
/// A context and everything built from it are meant for one thread of control at a time; an
/// executor that needs concurrency makes one context per concurrent forward pass.
public final class DNNLContext {
    let engine: EngineHandle
    let stream: StreamHandle

    /// OpenMP threads used by every primitive created or run through this context (≥ 1).
    public let threadCount: Int

    /// The CPU threading runtime the installed oneDNN was built with.
    public static let threadingRuntime = "OpenMP (libgomp); DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP"

    /// Creates the CPU engine and stream. `threadCount` nil means OpenMP's default.
    public init(threadCount: Int? = nil) throws(KernelError) {
        precondition(threadCount.map { $0 >= 1 } ?? true, "threadCount must be ≥ 1")
        self.threadCount = threadCount ?? Int(omp_get_max_threads())
        engine = try EngineHandle()
        stream = try StreamHandle(engine: engine)
    }

    /// Sets OpenMP's thread count for the calling thread; call before creating or executing.
    func applyThreadCount() {
        omp_set_num_threads(Int32(threadCount))
    }

    /// Creates a primitive from `descriptor` with this context's thread count, because oneDNN's
    /// kernels partition work by the thread count seen at creation.
    func makePrimitive(_ descriptor: PrimitiveDescHandle) throws(KernelError) -> PrimitiveHandle {
        applyThreadCount()
        return try PrimitiveHandle(descriptor: descriptor)
    }

    /// Runs `primitive` on the stream with `arguments` (DNNL_ARG_* → memory) and waits for it.
    func execute(_ primitive: PrimitiveHandle, _ arguments: [(Int32, MemoryHandle)]) throws(KernelError) {
        applyThreadCount()
        let args = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.raw) }
        let status = args.withUnsafeBufferPointer { buffer in
            dnnl_primitive_execute(primitive.raw, stream.raw, Int32(buffer.count), buffer.baseAddress)
        }
        try check(status, where: "dnnl_primitive_execute")
        try check(dnnl_stream_wait(stream.raw), where: "dnnl_stream_wait")
    }

    /// Allocates memory for `descriptor` on this context's engine.
    func makeMemory(_ descriptor: dnnl_memory_desc_t) throws(KernelError) -> MemoryHandle {
        try MemoryHandle(descriptor: descriptor, engine: engine)
    }

    /// Memory over a caller's buffer (see `MemoryHandle.init(descriptor:engine:borrowing:)`).
    func makeMemory(_ descriptor: dnnl_memory_desc_t, borrowing buffer: UnsafeMutableRawBufferPointer) throws(KernelError) -> MemoryHandle {
        try MemoryHandle(descriptor: descriptor, engine: engine, borrowing: buffer)
    }
}
