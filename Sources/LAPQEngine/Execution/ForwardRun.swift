import LAPQKernels
import LAPQMath

/// The state of one forward pass of a compiled program: the live values by tensor id, which of
/// them this pass may overwrite, and the quantized activations made so far.
struct ForwardRun {
    let executor: Executor
    let program: CompiledProgram
    let observer: ActivationObserver?
    private var values: [DNNLTensor?]
    /// Whether this pass created the value (so it may be changed in place); values restored
    /// from a snapshot, or held by one, are shared and copied before any change.
    private var owned: [Bool]
    private var quantizedActivations: [Int: DNNLTensor] = [:]
    /// The activation points the observer has seen in this pass (each once).
    private var observedPoints: Set<Int> = []

    init(executor: Executor, program: CompiledProgram, observer: ActivationObserver?) throws {
        self.executor = executor
        self.program = program
        self.observer = observer
        values = Array(repeating: nil, count: program.tensorCount)
        owned = Array(repeating: false, count: program.tensorCount)
    }

    mutating func loadInput(_ input: Tensor) throws {
        let buffer = try program.buffers.buffer(.input) { try DNNLTensor(zeros: input.shape, context: executor.context) }
        try buffer.assign(input)
        values[program.inputID] = buffer
        owned[program.inputID] = true
    }

    mutating func load(_ snapshot: PrefixSnapshot) {
        for (id, value) in snapshot.values { values[id] = value }
    }

    /// Captures every live value; they become shared, so later steps copy before changing them.
    mutating func snapshot(at position: Int, stepSizes: [[Float]]) -> PrefixSnapshot {
        var live: [Int: DNNLTensor] = [:]
        var bytes = 0
        for (id, value) in values.enumerated() {
            guard let value else { continue }
            live[id] = value
            owned[id] = false
            bytes += value.storageCount * MemoryLayout<Float>.stride
        }
        return PrefixSnapshot(position: position, stepSizes: stepSizes, values: live, byteCount: bytes)
    }

    /// Every graph output as a plain tensor; an output that is a constant of the graph is that
    /// constant.
    func outputs() throws -> [Tensor] {
        try zip(executor.graph.outputs, program.outputIDs).map { name, id in
            if let id {
                guard let value = values[id] else {
                    throw ExecutionError.kernel(node: "output", message: "the graph output '\(name)' was not computed")
                }
                return try value.toTensor()
            }
            guard let constant = executor.graph.initializers[name] else {
                throw ExecutionError.kernel(node: "output", message: "the graph output '\(name)' is not defined")
            }
            return constant
        }
    }

    /// Runs step `index`, then releases the values no later step reads.
    mutating func execute(_ index: Int) throws {
        let step = program.steps[index]
        let result = try running(step.node) { try self.compute(index, step) }
        values[step.output] = result.value
        owned[step.output] = result.owned
        for id in step.inputs where id >= 0 && program.lastUse[id] == index && id != step.output {
            values[id] = nil
        }
    }

    private mutating func compute(_ index: Int, _ step: CompiledStep) throws -> (value: DNNLTensor, owned: Bool) {
        switch step.kernel {
        case .convolution(let primitive, _, let integer):
            if let integer, integer.primitive != nil { return try integerLayer(index, step, integer) }
            let destination = try program.buffers.buffer(.step(index)) { try primitive.makeDestination() }
            try primitive.execute(try activation(index, step), into: destination)
            return (destination, true)
        case .innerProduct(let primitive, _, let integer):
            if let integer, integer.primitive != nil { return try integerLayer(index, step, integer) }
            let destination = try program.buffers.buffer(.step(index)) { try primitive.makeDestination() }
            let source = try activation(index, step)
            try primitive.execute(source.shape == primitive.inputShape ? source : try source.reshapedCopy(primitive.inputShape),
                                  into: destination)
            return (destination.shape == step.outputShape ? destination : try destination.reshapedCopy(step.outputShape), true)
        case .pooling(let primitive):
            let source = try activation(index, step)
            let destination = try program.buffers.buffer(.step(index)) { try primitive.makeDestination(for: source) }
            try primitive.execute(source, into: destination)
            return (destination, true)
        case .elementwise(let activation):
            let target = try writable(step.inputs[0], at: index)
            target.withUnsafeMutableStorage { activation.apply($0, threads: executor.threadCount) }
            return (target, true)
        case .add(let activation):
            return try add(index, step, then: activation)
        case .alias:
            return (try value(step.inputs[0]), owned[step.inputs[0]])
        case .windowCopy(let windows, let fill):
            return try windowCopy(index, step, windows, fill: fill)
        case .plain:
            return try plainStep(index, step)
        }
    }

    /// Slice / constant Pad in the input's dense layout; a blocked input goes the plain way.
    private mutating func windowCopy(_ index: Int, _ step: CompiledStep, _ windows: [AxisWindow],
                                     fill: Float) throws -> (value: DNNLTensor, owned: Bool) {
        let source = try activation(index, step)
        guard let sourceStrides = source.denseStrides else { return try plainStep(index, step) }
        let shape = windows.map(\.outputSize)
        let destination = try program.buffers.buffer(.step(index), fits: { $0.shape == shape && $0.hasDenseAxisOrder(of: source) }) {
            try source.makeDense(shape: shape)
        }
        guard let destinationStrides = destination.denseStrides else { preconditionFailure("makeDense made a blocked tensor") }
        let threads = executor.threadCount
        destination.withUnsafeMutableStorage { out in
            source.withUnsafeMutableStorage { x in
                guard let target = out.baseAddress, let input = x.baseAddress else { return }
                windowCopyFast(target, outStrides: destinationStrides, input, xShape: source.shape, xStrides: sourceStrides,
                               windows: windows, fill: fill, threads: threads)
            }
        }
        return (destination, true)
    }

    /// A step on plain tensors (`plain(_:_:into:)`), its result copied into its pooled buffer.
    private mutating func plainStep(_ index: Int, _ step: CompiledStep) throws -> (value: DNNLTensor, owned: Bool) {
        var arrays = program.buffers.takePlainArrays(step: index, operandCount: step.inputs.count)
        defer { program.buffers.keepPlainArrays(arrays, step: index) }
        try plain(index, step, into: &arrays)
        let shape = arrays.result.shape
        let destination = try program.buffers.buffer(.step(index), fits: { $0.isPlain && $0.shape == shape }) {
            try DNNLTensor(zeros: shape, context: executor.context)
        }
        try destination.assign(arrays.result)
        return (destination, true)
    }

    /// A layer on int8 codes: its input is encoded straight from the float value (the observer
    /// still sees that value), so the fake-quantized f32 copy is never made for this reader.
    /// A bias-corrected layer then takes its correction off the output (`OutputCorrection`).
    private mutating func integerLayer(_ index: Int, _ step: CompiledStep,
                                       _ layer: IntegerLayer) throws -> (value: DNNLTensor, owned: Bool) {
        guard let primitive = layer.primitive, let point = executor.binding.activationPoint[index],
              let quantizer = executor.binding.activationQuantizer(node: index) else {
            preconditionFailure("an int8 layer without a primitive or an input quantizer")
        }
        let source = try value(step.inputs[0])
        if let observer, observedPoints.insert(point).inserted { observer(point, try source.toTensor()) }
        let correction = layer.correction
        // The correction indexes the output by strides, so a corrected layer writes a dense one.
        let destination = try program.buffers.buffer(.step(index), fits: { correction == nil || $0.denseStrides != nil }) {
            let native = try primitive.makeDestination()
            return correction == nil || native.denseStrides != nil ? native
                : try DNNLTensor(zeros: native.shape, context: executor.context)
        }
        let threads = executor.threadCount
        let encode = { (input: UnsafeBufferPointer<Float>, output: UnsafeMutableBufferPointer<UInt8>) in
            inParallelChunks(input.count, threads: threads) { range in
                quantizer.encode(UnsafeBufferPointer(rebasing: input[range]), into: UnsafeMutableBufferPointer(rebasing: output[range]))
            }
        }
        try primitive.execute(source, encode: encode, into: destination)
        if let correction {
            try correct(destination, by: correction, codesOf: primitive, input: source, step: index, encode: encode)
        }
        return (destination, true)
    }

    /// Applies `correction` to an int8 layer's dense `output`, summing under each output's
    /// window the input codes the primitive has just encoded — or, when its source layout is
    /// blocked, codes encoded again from the float input (reordered to plain first if blocked).
    private mutating func correct(_ output: DNNLTensor, by correction: OutputCorrection,
                                  codesOf primitive: any IntegerLayerPrimitive, input: DNNLTensor, step index: Int,
                                  encode: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<UInt8>) -> Void) throws {
        guard let outputStrides = output.denseStrides else { preconditionFailure("the correction writes a dense output") }
        let threads = executor.threadCount
        let buffers = program.buffers
        let summed = executor.correctionReadsPrimitiveCodes && primitive.withInputCodes { codes, strides -> Bool in
            guard let strides else { return false }
            correction.windowCodeSums(codes: codes, shape: input.shape, strides: strides, threads: threads,
                                      scratch: &buffers.correctionScratch)
            return true
        }
        if !summed {
            var dense = input
            if input.denseStrides == nil {
                dense = try program.buffers.buffer(.reorderedOperand(step: index), fits: { $0.isPlain && $0.shape == input.shape }) {
                    try DNNLTensor(zeros: input.shape, context: executor.context)
                }
                try dense.copyContents(reordering: input)
            }
            guard let inputStrides = dense.denseStrides else { preconditionFailure("a plain tensor is dense") }
            dense.withUnsafeMutableStorage { floats in
                buffers.correctionScratch.codes.resize(to: floats.count)
                buffers.correctionScratch.codes.withUnsafeMutableBufferPointer { encode(UnsafeBufferPointer(floats), $0) }
                let codes = buffers.correctionScratch.codes
                codes.withUnsafeBufferPointer {
                    correction.windowCodeSums(codes: $0, shape: dense.shape, strides: inputStrides, threads: threads,
                                              scratch: &buffers.correctionScratch)
                }
            }
        }
        output.withUnsafeMutableStorage {
            correction.apply(to: $0, shape: output.shape, strides: outputStrides, sums: buffers.correctionScratch.windowSums,
                             threads: threads)
        }
    }

    /// Sum on the storage in the left operand's layout: a right operand in another layout
    /// (e.g. a residual from an f32 layer meeting an int8 layer's output) is reordered into it
    /// first, so the sum keeps the layout the next layers read, never falling back to plain.
    /// A fused activation (ResNet's Add → ReLU) runs on each chunk while it is in cache.
    private mutating func add(_ index: Int, _ step: CompiledStep,
                              then activation: ElementwiseActivation?) throws -> (value: DNNLTensor, owned: Bool) {
        let (left, given) = (try value(step.inputs[0]), try value(step.inputs[1]))
        let right = left.hasSameLayout(as: given) ? given
            : try program.buffers.buffer(.reorderedOperand(step: index), fits: { $0.hasSameLayout(as: left) }) {
                try left.makeSimilar()
            }
        if right !== given { try right.copyContents(reordering: given) }
        let target = try writable(step.inputs[0], at: index)
        right.withUnsafeMutableStorage { addend in
            target.withUnsafeMutableStorage { sum in
                inParallelChunks(sum.count, threads: executor.threadCount) { range in
                    let chunk = UnsafeMutableBufferPointer(rebasing: sum[range])
                    addFast(chunk, UnsafeBufferPointer(chunk), UnsafeBufferPointer(rebasing: addend[range]))
                    activation?.apply(toChunk: chunk)
                }
            }
        }
        return (target, true)
    }

    /// The node's operands as plain tensors (quantized where the plan says) through the fast
    /// Swift kernels where an operation has one (`FastPlainKernels`), else the naive ones; in
    /// the step's arrays from the last pass, so a pass allocates none.
    private mutating func plain(_ index: Int, _ step: CompiledStep, into arrays: inout BufferPool.PlainArrays) throws {
        for (operand, id) in step.inputs.enumerated() {
            if operand == 0, id >= 0 {
                try activation(index, step).copy(into: &arrays.operands[operand])
            } else if id >= 0 {
                try value(id).copy(into: &arrays.operands[operand])
            } else {
                arrays.operands[operand] = constant(step.node, operand, node: index)
            }
        }
        if try !FastPlainKernels.evaluate(step.node, arrays.operands, into: &arrays.result, threads: executor.threadCount) {
            arrays.result = try ReferenceExecutor.evaluate(step.node, arrays.operands)
        }
    }

    /// A constant operand; a quantized weight is quantized (`Executor.quantizedWeight`) once per
    /// step vector, a bias (small) on every call.
    private func constant(_ node: Node, _ operand: Int, node index: Int) -> Tensor {
        let tensor = executor.graph.initializers[node.inputs[operand]] ?? Tensor(shape: [0])
        if operand == 2 { return executor.binding.quantizedBias(tensor, node: index) }
        guard operand == 1, let point = executor.binding.weightPoint[index] else { return tensor }
        if let cached = executor.plainWeights[point] { return cached }
        let quantized = executor.quantizedWeight(tensor, node: index)
        executor.plainWeights[point] = quantized
        return quantized
    }

    /// Operand 0 of a step as the node reads it: fake-quantized when it is a quantization
    /// point's tensor and this node is one of the point's consumers.
    private mutating func activation(_ index: Int, _ step: CompiledStep) throws -> DNNLTensor {
        let id = step.inputs[0]
        guard let point = executor.binding.activationPoint[index] else { return try value(id) }
        if let quantized = quantizedActivations[point] { return quantized }
        if let observer, observedPoints.insert(point).inserted { observer(point, try value(id).toTensor()) }
        guard let quantizer = executor.binding.activationQuantizer(node: index) else {
            quantizedActivations[point] = try value(id)
            return try value(id)
        }
        let source = try value(id)
        let target = executor.isExclusive(point: point) && owned[id] ? source
            : try program.buffers.buffer(.quantized(point: point), fits: { $0.hasSameLayout(as: source) }) {
                try source.makeSimilar()
            }
        fakeQuantize(source, into: target, quantizer)
        quantizedActivations[point] = target
        return target
    }

    /// target = fake-quantized source (same layout; may be the same tensor), split over threads.
    private func fakeQuantize(_ source: DNNLTensor, into target: DNNLTensor, _ quantizer: UniformQuantizer) {
        source.withUnsafeMutableStorage { input in
            target.withUnsafeMutableStorage { output in
                inParallelChunks(output.count, threads: executor.threadCount) { range in
                    quantizer.fakeQuantize(UnsafeBufferPointer(rebasing: input[range]),
                                           into: UnsafeMutableBufferPointer(rebasing: output[range]))
                }
            }
        }
    }

    /// The value of `id`, to be changed in place by step `index`: itself when this pass owns it
    /// and no later step reads it, else a copy (in the step's pooled buffer).
    private mutating func writable(_ id: Int, at index: Int) throws -> DNNLTensor {
        let current = try value(id)
        if owned[id] && program.lastUse[id] == index { return current }
        let copy = try program.buffers.buffer(.step(index), fits: { $0.hasSameLayout(as: current) }) {
            try current.makeSimilar()
        }
        copy.copyContents(of: current)
        return copy
    }

    private func value(_ id: Int) throws -> DNNLTensor {
        guard id >= 0, let value = values[id] else {
            throw ExecutionError.kernel(node: "tensor #\(id)", message: "read before it was computed")
        }
        return value
    }
}
