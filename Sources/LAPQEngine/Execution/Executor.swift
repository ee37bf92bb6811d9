import LAPQKernels
import LAPQMath

/// Runs a graph fast: oneDNN primitives in the library's layouts, fake-quantization of the
/// plan's points with the current step sizes (quantized convolutions on int8 codes, see
/// `Options.integerConvolution`), and optional prefix reuse across evaluations of the same
/// batch. `ReferenceExecutor` is its slow twin. See docs/engine.md.
///
/// Not thread-safe: one executor serves one thread of control at a time (run several for
/// several shards in parallel). Results are deterministic for a fixed thread count.
public final class Executor {
    public struct Options: Sendable {
        /// oneDNN threads; nil uses OMP_NUM_THREADS or the number of cores.
        public var threads: Int?
        /// Memory the prefix snapshots may hold; 0 disables prefix reuse.
        public var prefixCacheBytes: Int
        /// Run quantized Conv, Gemm and MatMul layers on int8 codes where their `LayerPath`
        /// says so (`IntegerLayer`) rather than on fake-quantized f32 values: the same network
        /// up to float rounding, much faster. Off: the f32 fake-quant path everywhere.
        public var integerConvolution: Bool
        public init(threads: Int? = nil, prefixCacheBytes: Int = 0, integerConvolution: Bool = true) {
            self.threads = threads
            self.prefixCacheBytes = prefixCacheBytes
            self.integerConvolution = integerConvolution
        }
    }

    /// Work done and skipped, in multiply-accumulates of Conv/Gemm/MatMul.
    public struct ReuseStatistics: Sendable, Equatable {
        public var computedMACs = 0
        public var skippedMACs = 0
        /// The part of `computedMACs` run on int8 codes (`Options.integerConvolution`).
        public var integerMACs = 0
        /// The fraction of the work that prefix reuse saved.
        public var savedFraction: Double {
            computedMACs + skippedMACs == 0 ? 0 : Double(skippedMACs) / Double(computedMACs + skippedMACs)
        }
    }

    public let graph: Graph
    public let plan: QuantizationPlan
    public private(set) var reuseStatistics = ReuseStatistics()
    let context: DNNLContext
    var binding: QuantizationBinding
    private var programs: [Int: CompiledProgram] = [:]
    private var snapshots: PrefixSnapshotStore
    /// The earliest position among the points changed by the last `setStepSizes`.
    private var firstChangedPosition = 0
    /// For each activation point: whether every reader of its tensor reads it quantized.
    private let exclusiveActivation: [Bool]
    /// Fake-quantized weights for plain-kernel nodes, by point.
    var plainWeights: [Int: Tensor] = [:]
    /// For each node with a quantized input and weight, the path it takes (`LayerPath`).
    let paths: [Int: LayerPath]
    /// The nodes that run on int8 codes when quantized, and whether their input is signed.
    private var integerLayers: [Int: Bool] {
        var layers: [Int: Bool] = [:]
        for (index, path) in paths where path.kind == .int8 {
            layers[index] = binding.activationPoint[index].map { plan.points[$0].isSigned }
        }
        return layers
    }

    public init(graph: Graph, plan: QuantizationPlan, options: Options = Options()) throws {
        self.graph = graph
        self.plan = plan
        self.binding = try QuantizationBinding(plan: plan, graph: graph)
        self.context = try DNNLContext(threadCount: options.threads)
        self.snapshots = PrefixSnapshotStore(budgetBytes: options.prefixCacheBytes)
        self.exclusiveActivation = plan.points.map { point in
            point.kind == .activation && !graph.outputs.contains(point.tensor)
                && graph.consumers(of: point.tensor).count == point.consumers.count
        }
        self.paths = LayerPath.paths(graph: graph, plan: plan, binding: binding, integerLayers: options.integerConvolution)
    }

    /// The path of every quantized Conv, Gemm and MatMul layer, in graph order.
    public var layerPaths: [LayerPath] { paths.keys.sorted().compactMap { paths[$0] } }

    /// oneDNN's thread count for this executor.
    public var threadCount: Int { context.threadCount }

    /// Whether bias correction on an int8 layer sums the codes its primitive encoded (when
    /// their layout is dense) rather than encoding the input again, the path for a blocked
    /// code layout; tests switch it off to hold the two paths equal.
    var correctionReadsPrimitiveCodes = true

    /// Applies a step vector in the plan's layout (one Δ per point, one per channel of a
    /// per-channel weight; nil: float). Only the weights whose Δ changed, and the biases whose
    /// layer's input or weight Δ changed, are re-quantized and handed to their primitives.
    public func setStepSizes(_ stepSizes: [Double]?) throws {
        let changed = Set(try binding.setStepSizes(stepSizes))
        firstChangedPosition = changed.map { plan.points[$0].position }.min() ?? Int.max
        guard !changed.isEmpty else { return }
        for program in programs.values { try requantizeLayers(program, changed) }
        for point in changed where plan.points[point].kind == .weight { plainWeights[point] = nil }
    }

    /// The graph's first output for `input`; `cacheKey` names the batch for prefix reuse
    /// (nil: no reuse). `observer` sees each activation point's float value (disables reuse).
    public func run(_ input: Tensor, cacheKey: AnyHashable? = nil, observer: ActivationObserver? = nil) throws -> Tensor {
        try runOutputs(input, cacheKey: cacheKey, observer: observer)[0]
    }

    /// Every graph output for `input`, in `graph.outputs` order (as `run`, which returns the
    /// first): a graph may return more than its logits, and ONNX's conformance cases check all.
    public func runOutputs(_ input: Tensor, cacheKey: AnyHashable? = nil,
                           observer: ActivationObserver? = nil) throws -> [Tensor] {
        guard input.rank >= 1, input.shape == graph.input.shape(batchSize: input.shape[0]) else {
            throw ExecutionError.inputShape(expected: graph.input.shape(batchSize: input.shape.first ?? 1), got: input.shape)
        }
        let program = try program(batchSize: input.shape[0])
        var run = try ForwardRun(executor: self, program: program, observer: observer)
        let key = observer == nil ? cacheKey : nil
        let previousRun = key.flatMap { snapshots.beginRun($0) }
        let resume = key.flatMap { usableSnapshot(for: $0, program: program) }
        let start = resume?.position ?? 0
        let snapshotAt = key != nil && firstChangedPosition > start && firstChangedPosition < program.steps.count
            ? firstChangedPosition : nil
        if let resume { run.load(resume) } else { try run.loadInput(input) }
        for index in start..<program.steps.count {
            if index == snapshotAt, let key {
                snapshots.store(run.snapshot(at: index, stepSizes: currentStepSizes), for: key, previousRun: previousRun)
            }
            try run.execute(index)
        }
        let skipped = program.steps[..<start].reduce(0) { $0 + $1.multiplyAccumulates }
        reuseStatistics.skippedMACs += skipped
        reuseStatistics.computedMACs += program.steps.reduce(0) { $0 + $1.multiplyAccumulates } - skipped
        reuseStatistics.integerMACs += program.steps[start...].reduce(0) { total, step in
            step.kernel.integerLayer?.primitive == nil ? total : total + step.multiplyAccumulates
        }
        return try run.outputs()
    }

    /// Scores a batch: Σ cross-entropy, Σ top-1 and count in Float64.
    public func evaluate(_ input: Tensor, labels: [Int], cacheKey: AnyHashable? = nil) throws -> BatchScore {
        let logits = try run(input, cacheKey: cacheKey)
        return try BatchScore(logits: logits, labels: labels, logitsAreProbabilities: endsInSoftmax)
    }

    /// Drops every prefix snapshot (e.g. when the data a cache key named has changed).
    public func clearPrefixCache() { snapshots.removeAll() }

    /// The bytes the prefix snapshots hold now.
    var prefixCacheStoredBytes: Int { snapshots.storedBytes }

    /// Whether the graph's output is a Softmax (its values are probabilities, not logits).
    public var endsInSoftmax: Bool {
        if case .softmax = graph.producer(of: graph.outputs[0])?.op { return true }
        return false
    }

    /// Each point's step sizes as its quantizers apply them.
    var currentStepSizes: [[Float]] { binding.quantizers?.map { $0.channels.map(\.stepSize) } ?? [] }

    /// Whether an activation point's quantized value may overwrite its float value.
    func isExclusive(point: Int) -> Bool { exclusiveActivation[point] }

    private func program(batchSize: Int) throws -> CompiledProgram {
        if let program = programs[batchSize] { return program }
        let program = try CompiledProgram(graph: graph, batchSize: batchSize, pointCount: plan.points.count,
                                          context: context, integerLayers: integerLayers)
        try requantizeLayers(program, Set(plan.points.indices))
        programs[batchSize] = program
        return program
    }

    /// A snapshot of this batch that the current step sizes allow resuming from.
    private func usableSnapshot(for key: AnyHashable, program: CompiledProgram) -> PrefixSnapshot? {
        guard let snapshot = snapshots.snapshot(for: key), snapshot.position < program.steps.count else { return nil }
        let current = currentStepSizes
        let unchanged = snapshot.stepSizes.count == current.count && plan.points.indices.allSatisfy { point in
            plan.points[point].position >= snapshot.position || snapshot.stepSizes[point] == current[point]
        }
        return unchanged ? snapshot : nil
    }

    /// Hands the primitives of the layers that depend on `points` their quantized weight (when
    /// the layer's weight point is among them) and bias (when its input or weight point is).
    private func requantizeLayers(_ program: CompiledProgram, _ points: Set<Int>) throws {
        for (index, step) in program.steps.enumerated() {
            let weightChanged = binding.weightPoint[index].map(points.contains) ?? false
            guard weightChanged || binding.activationPoint[index].map(points.contains) ?? false else { continue }
            try running(step.node) {
                switch step.kernel {
                case .convolution(let primitive, let constants, let integer):
                    try update(primitive, integer, constants, node: index, weightChanged: weightChanged)
                case .innerProduct(let primitive, let constants, let integer):
                    try update(primitive, integer, constants, node: index, weightChanged: weightChanged)
                default:
                    break
                }
            }
        }
    }

    /// Rebuilds a layer's int8 form for the current quantizers; while that form runs the f32
    /// primitive is idle, and it is brought fully up to date when the int8 form is dropped (a
    /// float run, or a bias code beyond `Int8ExactRange`).
    private func update(_ primitive: some LayerPrimitive, _ integer: IntegerLayer?, _ constants: LayerConstants,
                        node index: Int, weightChanged: Bool) throws {
        if let integer {
            try integer.update(context: context, weight: constants.weight, bias: constants.bias,
                               input: binding.activationQuantizer(node: index),
                               weightQuantizer: binding.weightQuantizer(node: index),
                               biasShifts: binding.biasCorrectionShift(node: index, weight: constants.weight)?.shifts)
            if integer.primitive != nil {
                integer.floatPrimitiveIsStale = true
                return
            }
        }
        let stale = integer?.floatPrimitiveIsStale ?? false
        integer?.floatPrimitiveIsStale = false
        try requantize(primitive, constants, node: index, weightChanged: weightChanged || stale)
    }

    /// Hands one layer's primitive its quantized weight (when it changed) and bias (when it
    /// has one), in the primitive's form.
    private func requantize(_ primitive: some LayerPrimitive, _ constants: LayerConstants, node index: Int,
                            weightChanged: Bool) throws(KernelError) {
        if weightChanged {
            try primitive.replaceWeights(constants.weightToPrimitive(quantizedWeight(constants.weight, node: index)))
        }
        if let bias = constants.bias {
            try primitive.replaceBias(constants.biasToPrimitive(binding.quantizedBias(bias, node: index)))
        }
    }

    /// Node `index`'s weight as it computes with it: fake-quantized with the vectorizing kernel
    /// (bit-identical to `UniformQuantizer`'s scalar form; a Powell step along a weight's Δ
    /// re-quantizes that weight, up to millions of values), bias-corrected if the plan says so.
    func quantizedWeight(_ weight: Tensor, node index: Int) -> Tensor {
        binding.quantizedWeight(weight, node: index, vectorized: true)
    }
}
