import LAPQKernels

/// The constant weight and bias operands of a layer as lapq quantizes them: the ONNX tensors
/// (what a QDQ model quantizes) and how they become the primitive's (e.g. Gemm's alpha·Bᵀ and
/// beta·C as a vector).
struct LayerConstants {
    /// The weight as stored in the model.
    let weight: Tensor
    /// Maps the (fake-quantized) model weight to the primitive's weight layout and scale.
    let weightToPrimitive: (Tensor) -> Tensor
    /// The bias as stored in the model, if the layer has one.
    let bias: Tensor?
    /// Maps the (quantized) model bias to the primitive's bias.
    let biasToPrimitive: (Tensor) -> Tensor
}

/// A oneDNN layer whose weight and bias can be replaced between runs (Conv, inner product).
protocol LayerPrimitive {
    func replaceWeights(_ newWeights: Tensor) throws(KernelError)
    func replaceBias(_ newBias: Tensor) throws(KernelError)
}

extension Conv2DPrimitive: LayerPrimitive {}
extension InnerProductPrimitive: LayerPrimitive {}

/// How one node runs in a compiled program.
enum StepKernel {
    /// oneDNN convolution, possibly with a fused activation (the activation's node is `.alias`),
    /// and its int8 form when the layer's `LayerPath` is int8.
    case convolution(Conv2DPrimitive, LayerConstants, IntegerLayer?)
    /// oneDNN inner product: Gemm, or MatMul by a constant 2-D matrix, and its int8 form; a
    /// MatMul input of rank > 2 is flattened to the primitive's (rows, K) and the result
    /// reshaped back (plain copies).
    case innerProduct(InnerProductPrimitive, LayerConstants, IntegerLayer?)
    /// oneDNN max / average pooling, also global average pooling.
    case pooling(Pool2DPrimitive)
    /// An activation that maps 0 to 0, run on the library's storage in Swift.
    case elementwise(ElementwiseActivation)
    /// Sum of two tensors of the same shape and layout, on the storage, and the activation
    /// that is its only reader applied in the same pass (that node is then `.alias`).
    case add(fusedActivation: ElementwiseActivation?)
    /// Slice, or Pad in constant mode, as a window copy in the input's own dense layout
    /// (`windowCopyFast`: NHWC stays NHWC); an input in a blocked layout takes `.plain`'s path.
    case windowCopy([AxisWindow], fill: Float)
    /// Computed by the producer (a fused activation): the output is input 0.
    case alias
    /// Anything else: plain NCHW through the naive kernels.
    case plain
}

/// Activations that map 0 to 0, so they can run on blocked storage with zero padding.
enum ElementwiseActivation: Equatable {
    case relu
    case clip(lower: Float, upper: Float)
    /// HardSwish (0 · hardSigmoid(0) = 0). HardSigmoid itself maps 0 to beta and runs `.plain`.
    case hardSwish

    /// Applies the activation in place, split over `threads`.
    func apply(_ storage: UnsafeMutableBufferPointer<Float>, threads: Int) {
        inParallelChunks(storage.count, threads: threads) { range in apply(toChunk: UnsafeMutableBufferPointer(rebasing: storage[range])) }
    }

    /// Applies the activation in place to one chunk, on the calling thread.
    func apply(toChunk chunk: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .relu: reluFast(chunk, UnsafeBufferPointer(chunk))
        case let .clip(lower, upper): clipFast(chunk, UnsafeBufferPointer(chunk), lower: lower, upper: upper)
        case .hardSwish: hardSwishFast(chunk, UnsafeBufferPointer(chunk))
        }
    }
}

extension StepKernel {
    /// The layer's int8 form, if it has one.
    var integerLayer: IntegerLayer? {
        switch self {
        case .convolution(_, _, let integer), .innerProduct(_, _, let integer): return integer
        default: return nil
        }
    }
}

/// One node of a program compiled for a batch size: its kernel and its tensors as indices.
struct CompiledStep {
    let node: Node
    let kernel: StepKernel
    /// Tensor ids of the node's inputs (graph input and node outputs; initializers are -1).
    let inputs: [Int]
    let output: Int
    /// The output's logical shape at the program's batch size.
    let outputShape: [Int]
    /// Multiply-accumulates of the node (Conv, Gemm, MatMul), for the reuse statistics.
    let multiplyAccumulates: Int
}
