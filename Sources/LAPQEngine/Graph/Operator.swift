/// The closed set of operations that a lapq `Graph` can hold.
///
/// Attributes travel with the case, so a consumer switches once and has every parameter it
/// needs. Tensor operands (data, weights, biases) are not attributes: they are named in the
/// owning `Node.inputs`, in the order listed beside each case. Constant operands that ONNX
/// passes as inputs but that only parameterize an operation (Clip's bounds, Reshape's target
/// shape) are folded into the case at import, so their nodes have a single input.
///
/// After `ONNXImporter` returns a graph, it is canonical: every axis is non-negative, every
/// `autoPad` is `.notSet` with `pads` explicit, and every `kernelShape` is filled in.
public enum Operator: Sendable, Hashable {
    /// N-d convolution. Inputs: `[x, weight]` or `[x, weight, bias]`; `x` is (N, C, spatial…),
    /// `weight` is (M, C / group, kernel…), `bias` is (M).
    case conv(ConvAttributes)
    /// `Y = alpha · A' · B' + beta · C` with `A'` = `A` or `Aᵀ`, likewise `B'`.
    /// Inputs: `[A, B]` or `[A, B, C]`; `A` and `B` are rank 2, `C` broadcasts to (M, N).
    case gemm(GemmAttributes)
    /// NumPy `matmul`. Inputs: `[A, B]`, both of rank ≥ 2; leading dimensions broadcast.
    case matMul
    /// `max(x, 0)`. Inputs: `[x]`.
    case relu
    /// `min(max(x, min), max)`; ReLU6 is `clip(min: 0, max: 6)`. Absent bounds are ∓∞.
    /// Inputs: `[x]`.
    case clip(min: Float, max: Float)
    /// `x ≥ 0 ? x : alpha · x`. Inputs: `[x]`.
    case leakyRelu(alpha: Float)
    /// `1 / (1 + e^(−x))`. Inputs: `[x]`.
    case sigmoid
    /// `max(0, min(1, alpha · x + beta))` (ONNX defaults: alpha 0.2, beta 0.5). Inputs: `[x]`.
    case hardSigmoid(alpha: Float, beta: Float)
    /// `x · max(0, min(1, x / 6 + 1/2))`, computed as ONNX's function body does:
    /// `x · hardSigmoid(alpha: Float(1/6), beta: 0.5)`. Inputs: `[x]`.
    case hardSwish
    /// Max pooling over the spatial axes. Inputs: `[x]`; `countIncludePad` is ignored.
    case maxPool(PoolAttributes)
    /// Average pooling over the spatial axes. Inputs: `[x]`.
    case averagePool(PoolAttributes)
    /// Mean over all spatial axes: (N, C, spatial…) → (N, C, 1, …). Inputs: `[x]`.
    case globalAveragePool
    /// Element-wise sum with NumPy broadcasting. Inputs: `[a, b]`.
    case add
    /// Element-wise product with NumPy broadcasting. Inputs: `[a, b]`.
    case mul
    /// Concatenation along `axis`. Inputs: one or more tensors of equal rank.
    case concat(axis: Int)
    /// Reshape to 2-d: (∏ dims[..<axis], ∏ dims[axis...]). Inputs: `[x]`.
    case flatten(axis: Int)
    /// Reshape with ONNX rules: a 0 copies the input dimension at that position, a −1 is
    /// inferred from the element count. Inputs: `[x]`.
    case reshape(shape: [Int])
    /// `e^(x_i) / Σ_j e^(x_j)` along the single axis `axis` (ONNX opset-13 semantics).
    /// Inputs: `[x]`.
    case softmax(axis: Int)
    /// Per-channel affine map `y[n, c, …] = x[n, c, …] · scale[c] + shift[c]`: a batch
    /// normalization that could not be folded into a convolution.
    /// Inputs: `[x, scale, shift]`; `scale` and `shift` are (C).
    case scaleShift
    /// Element-wise difference `a − b` with NumPy broadcasting. Inputs: `[a, b]`.
    case sub
    /// Element-wise quotient `a / b` (IEEE float division) with NumPy broadcasting.
    /// Inputs: `[a, b]`.
    case div
    /// Element-wise power `a^b` with NumPy broadcasting. Inputs: `[a, b]`.
    case pow
    /// `√x`. Inputs: `[x]`.
    case sqrt
    /// The Gauss error function `erf(x)` (GELU is `x · ½ · (1 + erf(x / √2))`). Inputs: `[x]`.
    case erf
    /// Axis permutation: output axis `i` is input axis `perm[i]` (canonical: explicit, never
    /// empty). Inputs: `[x]`.
    case transpose(perm: [Int])
    /// Mean over `axes` (canonical: sorted, non-negative, non-empty); the reduced axes are
    /// kept with size 1 when `keepDims`. Inputs: `[x]`.
    case reduceMean(axes: [Int], keepDims: Bool)
    /// ONNX Slice with constant parameters: along each `axes[i]`, elements
    /// `starts[i], starts[i] + steps[i], …` up to (excluding) `ends[i]`, with ONNX's
    /// clamping of out-of-range and negative bounds (`SliceRange`). Inputs: `[x]`.
    case slice(SliceAttributes)
    /// ONNX Pad over every axis (canonical: `pads` has 2 · rank entries, begins then ends, the
    /// batch axis unpadded); a negative pad crops. Inputs: `[x]`.
    case pad(PadAttributes)

    /// The ONNX spelling of the operation, used in messages.
    public var name: String {
        switch self {
        case .conv: return "Conv"
        case .gemm: return "Gemm"
        case .matMul: return "MatMul"
        case .relu: return "Relu"
        case .clip: return "Clip"
        case .leakyRelu: return "LeakyRelu"
        case .sigmoid: return "Sigmoid"
        case .hardSigmoid: return "HardSigmoid"
        case .hardSwish: return "HardSwish"
        case .maxPool: return "MaxPool"
        case .averagePool: return "AveragePool"
        case .globalAveragePool: return "GlobalAveragePool"
        case .add: return "Add"
        case .mul: return "Mul"
        case .concat: return "Concat"
        case .flatten: return "Flatten"
        case .reshape: return "Reshape"
        case .softmax: return "Softmax"
        case .scaleShift: return "ScaleShift"
        case .sub: return "Sub"
        case .div: return "Div"
        case .pow: return "Pow"
        case .sqrt: return "Sqrt"
        case .erf: return "Erf"
        case .transpose: return "Transpose"
        case .reduceMean: return "ReduceMean"
        case .slice: return "Slice"
        case .pad: return "Pad"
        }
    }

    /// Whether this operation has weights that lapq quantizes (Conv, Gemm, MatMul).
    public var isQuantizable: Bool {
        switch self {
        case .conv, .gemm, .matMul: return true
        default: return false
        }
    }
}
