internal import CQuantizeSIMD
import LAPQKernels
import LAPQMath

/// Bias correction on an int8 layer (docs/engine.md, "Bias correction on int8 codes"). The
/// corrected weight ŵ_c = q_w·Δw_c − δ_c is off the integer grid, but each output of the layer
/// splits into two integer sums over the output's input window:
///
///     Σ x̂·ŵ_c = Δx·Δw_c · Σ q_x·q_w  −  δ_c·Δx · Σ q_x
///
/// The int8 primitive computes the first term (and the bias) from the uncorrected codes,
/// without the layer's post-ops; this subtracts the second — the window's sum of input codes,
/// an exact integer — and then applies the post-ops. The f32 path on the corrected weights is
/// its reference twin (`IntegerConvolutionExecutorTests`); `windowCodeSums` is held to the
/// naive convolution of the codes with a kernel of ones (`OutputCorrectionTests`).
struct OutputCorrection {
    /// Which input elements each output reads.
    enum Window {
        /// Every input channel of the output channel's group under the kernel window.
        case convolution(Conv2DGeometry)
        /// Every input feature of the row: (N, K) in, (N, O) out.
        case innerProduct
    }

    let window: Window
    /// δ_c·Δx for every output channel c: what one input code in the window takes off output c.
    let factors: [Float]
    /// The layer's fused activations, applied after the correction.
    let postOps: [PostOp]
    /// The same, as the C loop reads them.
    private let wideLoopPostOps: [lapq_post_op]
    let isSourceSigned: Bool

    /// `shifts` are the δ_c that `correctBias` subtracts from each output channel's weights;
    /// `inputStep` is Δx.
    init(window: Window, shifts: [Float], inputStep: Float, postOps: [PostOp], isSourceSigned: Bool) {
        self.window = window
        factors = shifts.map { $0 * inputStep }
        self.postOps = postOps
        wideLoopPostOps = postOps.map { postOp in
            switch postOp {
            case .relu: lapq_post_op(kind: LAPQ_POST_OP_RELU, first: 0, second: 0)
            case let .clip(lower, upper): lapq_post_op(kind: LAPQ_POST_OP_CLIP, first: lower, second: upper)
            case .leakyReLU(let alpha): lapq_post_op(kind: LAPQ_POST_OP_LEAKY_RELU, first: alpha, second: 0)
            }
        }
        self.isSourceSigned = isSourceSigned
    }

    /// The sum of input codes under every output's window into `scratch.windowSums`: (N, G,
    /// outH, outW) row-major for a convolution of G groups, (N) for an inner product. `codes` is
    /// the dense input's storage (element strides `strides` of the logical (N, C, H, W) or (N, K)
    /// `shape`), one code byte per element. Exact: Int32 holds any sum oneDNN's int32
    /// accumulator holds, and the wrapping adds (which let the loops vectorize) never wrap.
    /// Runs of contiguous codes are summed in C at `isa` where it can (`lapq_sum_code_runs`;
    /// integer sums, equal to the Swift loop's on every ISA).
    func windowCodeSums(codes: UnsafeBufferPointer<UInt8>, shape: [Int], strides: [Int], threads: Int,
                        scratch: inout CorrectionScratch, isa: QuantizerISA = .host) {
        guard let base = codes.baseAddress else { return }
        switch window {
        case .innerProduct:
            precondition(shape.count == 2 && strides.count == 2, "an inner product's input is (N, K), got \(shape)")
            scratch.windowSums.resize(to: shape[0])
            scratch.windowSums.withUnsafeMutableBufferPointer { out in
                guard let target = out.baseAddress else { return }
                if strides[1] == 1,
                   lapq_sum_code_runs(isa.level, base, shape[1], strides[0], shape[0], isSourceSigned ? 1 : 0, target) == shape[0] {
                    return
                }
                for row in 0..<shape[0] { out[row] = codeSum(base + row * strides[0], count: shape[1], stride: strides[1]) }
            }
        case .convolution(let geometry):
            precondition(shape == geometry.inputShape && strides.count == 4, "input \(shape) is not \(geometry.inputShape)")
            groupChannelSums(base, geometry: geometry, strides: strides, threads: threads, isa: isa, into: &scratch.channelSums)
            boxSums(geometry: geometry, threads: threads, scratch: &scratch)
        }
    }

    /// Σ of `count` codes from `start`, `stride` elements apart, read as signed or unsigned bytes.
    @inline(__always)
    private func codeSum(_ start: UnsafePointer<UInt8>, count: Int, stride: Int) -> Int32 {
        var total: Int32 = 0
        if isSourceSigned {
            let signed = UnsafeRawPointer(start).assumingMemoryBound(to: Int8.self)
            if stride == 1 {
                for index in 0..<count { total &+= Int32(signed[index]) }
            } else {
                for index in 0..<count { total &+= Int32(signed[index * stride]) }
            }
        } else if stride == 1 {
            for index in 0..<count { total &+= Int32(start[index]) }
        } else {
            for index in 0..<count { total &+= Int32(start[index * stride]) }
        }
        return total
    }

    /// Σ over each group's input channels of the codes at every pixel: (N, G, H, W) row-major.
    /// Channel-innermost storage (NHWC) sums each pixel's channels in a run; otherwise each
    /// channel's plane is added pixel by pixel (contiguous rows in NCHW).
    private func groupChannelSums(_ codes: UnsafePointer<UInt8>, geometry g: Conv2DGeometry, strides: [Int], threads: Int,
                                  isa: QuantizerISA, into sums: inout [Int32]) {
        let perGroup = g.inChannels / g.groups, (height, width) = (g.inHeight, g.inWidth), pixels = height * width
        let (batchStride, channelStride, rowStride, columnStride) = (strides[0], strides[1], strides[2], strides[3])
        let planes = g.batch * g.groups
        sums.resize(to: planes * pixels)
        sums.withUnsafeMutableBufferPointer { out in
            guard let target = out.baseAddress else { return }
            inParallelChunks(planes, threads: threads, minimumPerThread: max(1, (1 << 15) / max(1, perGroup * pixels))) { range in
                for plane in range {
                    let (n, group) = plane.quotientAndRemainder(dividingBy: g.groups)
                    let first = codes + n * batchStride + group * perGroup * channelStride
                    let sum = target + plane * pixels
                    if channelStride == 1 || columnStride != 1 {
                        for y in 0..<height {
                            if channelStride == 1,
                               lapq_sum_code_runs(isa.level, first + y * rowStride, perGroup, columnStride, width,
                                                  isSourceSigned ? 1 : 0, sum + y * width) == width {
                                continue
                            }
                            for x in 0..<width {
                                sum[y * width + x] = codeSum(first + y * rowStride + x * columnStride, count: perGroup,
                                                             stride: channelStride)
                            }
                        }
                        continue
                    }
                    sum.initialize(repeating: 0, count: pixels)
                    for channel in 0..<perGroup {
                        for y in 0..<height {
                            let row = first + channel * channelStride + y * rowStride, into = sum + y * width
                            if isSourceSigned {
                                let signed = UnsafeRawPointer(row).assumingMemoryBound(to: Int8.self)
                                for x in 0..<width { into[x] &+= Int32(signed[x]) }
                            } else {
                                for x in 0..<width { into[x] &+= Int32(row[x]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The kernel-window sum of `scratch.channelSums` (N·G planes of H × W) at every output
    /// position, with the convolution's stride, dilation and zero padding, into
    /// `scratch.windowSums` (N, G, outH, outW): separably, first along each row (into
    /// `scratch.rowSums`, H × outW per plane), then down the columns.
    private func boxSums(geometry g: Conv2DGeometry, threads: Int, scratch: inout CorrectionScratch) {
        let planes = g.batch * g.groups, (height, width) = (g.inHeight, g.inWidth)
        let (outHeight, outWidth) = (g.outHeight, g.outWidth)
        scratch.rowSums.resize(to: planes * height * outWidth)
        scratch.windowSums.resize(to: planes * outHeight * outWidth)
        let columnTaps = KernelTap.taps(outputs: outWidth, input: width, kernel: g.kernelWidth, stride: g.strideWidth,
                                        padding: g.padLeft, dilation: g.dilationWidth)
        let rowTaps = KernelTap.taps(outputs: outHeight, input: height, kernel: g.kernelHeight, stride: g.strideHeight,
                                     padding: g.padTop, dilation: g.dilationHeight)
        let (strideX, strideY) = (g.strideWidth, g.strideHeight)
        scratch.channelSums.withUnsafeBufferPointer { channelSums in
            scratch.rowSums.withUnsafeMutableBufferPointer { rowSums in
                scratch.windowSums.withUnsafeMutableBufferPointer { windowSums in
                    guard let source = channelSums.baseAddress, let across = rowSums.baseAddress,
                          let target = windowSums.baseAddress else { return }
                    inParallelChunks(planes, threads: threads,
                                     minimumPerThread: max(1, (1 << 15) / max(1, height * outWidth * g.kernelWidth))) { range in
                        for plane in range {
                            let input = source + plane * height * width, middle = across + plane * height * outWidth
                            // Tap by tap, each over the outputs it reaches: with stride 1 the
                            // inner loops are shifted adds of contiguous rows, which vectorize.
                            for y in 0..<height {
                                let inputRow = input + y * width, middleRow = middle + y * outWidth
                                middleRow.initialize(repeating: 0, count: outWidth)
                                for tap in columnTaps {
                                    if strideX == 1 {
                                        for outX in tap.outputs { middleRow[outX] &+= inputRow[outX + tap.offset] }
                                    } else {
                                        for outX in tap.outputs { middleRow[outX] &+= inputRow[outX * strideX + tap.offset] }
                                    }
                                }
                            }
                            let output = target + plane * outHeight * outWidth
                            output.initialize(repeating: 0, count: outHeight * outWidth)
                            for tap in rowTaps {
                                for outY in tap.outputs {
                                    let row = output + outY * outWidth, from = middle + (outY * strideY + tap.offset) * outWidth
                                    for outX in 0..<outWidth { row[outX] &+= from[outX] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One kernel tap k along one axis: it reads input index o·stride + offset (offset =
    /// k·dilation − padding) for each output o in `outputs`, the outputs whose read lands inside
    /// the input (zero padding adds nothing).
    struct KernelTap {
        let offset: Int
        let outputs: Range<Int>

        /// Every tap of a kernel, in kernel order.
        static func taps(outputs: Int, input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> [KernelTap] {
            (0..<kernel).map { k in
                let offset = k * dilation - padding
                // 0 ≤ o·stride + offset ≤ input − 1, for 0 ≤ o < outputs.
                let lowest = offset >= 0 ? 0 : (-offset + stride - 1) / stride
                let highest = input - 1 - offset < 0 ? -1 : min(outputs - 1, (input - 1 - offset) / stride)
                return KernelTap(offset: offset, outputs: lowest..<max(lowest, highest + 1))
            }
        }
    }

    /// output[n, c, …] ← postOps(output[n, c, …] − δ_c·Δx · sums[n, group(c), …]) in place, on
    /// the dense output's storage (element strides `strides` of the logical `shape`: (N, O,
    /// outH, outW) or (N, O)); `sums` from `windowCodeSums`. The unit-stride axis runs
    /// innermost: channels when they are (NHWC, or a row-major (N, O)), else each channel's plane.
    /// With channels innermost each output row runs in C at `isa` where it can
    /// (`lapq_correct_pixels`, bit-identical to the Swift loop below, its twin and fallback).
    func apply(to output: UnsafeMutableBufferPointer<Float>, shape: [Int], strides: [Int], sums: [Int32], threads: Int,
               isa: QuantizerISA = .host) {
        let channels = shape[1]
        precondition(factors.count == channels, "\(factors.count) shifts for \(channels) output channels")
        let (groups, height, width) = {
            if case .convolution(let g) = window { return (g.groups, g.outHeight, g.outWidth) }
            return (1, 1, 1)
        }()
        precondition(shape.count == 2 || shape == [shape[0], channels, height, width], "output \(shape)")
        guard let out = output.baseAddress else { return }
        let (batchStride, channelStride) = (strides[0], strides[1])
        let (rowStride, columnStride) = shape.count == 4 ? (strides[2], strides[3]) : (0, 0)
        let perGroup = channels / groups, pixels = height * width
        let withPointers = { (body: (UnsafePointer<Float>, UnsafePointer<Int32>, UnsafeBufferPointer<lapq_post_op>) -> Void) in
            factors.withUnsafeBufferPointer { factor in
                sums.withUnsafeBufferPointer { sum in
                    wideLoopPostOps.withUnsafeBufferPointer { postOps in
                        if let factor = factor.baseAddress, let sum = sum.baseAddress { body(factor, sum, postOps) }
                    }
                }
            }
        }
        withPointers { factor, sum, wideLoopPostOps in
            if channelStride == 1 {
                inParallelChunks(shape[0] * height, threads: threads,
                                 minimumPerThread: max(1, (1 << 15) / max(1, width * channels))) { range in
                    for row in range {
                        let (n, y) = row.quotientAndRemainder(dividingBy: height)
                        let rowStart = out + n * batchStride + y * rowStride, rowSums = sum + n * groups * pixels + y * width
                        if lapq_correct_pixels(isa.level, rowStart, width, columnStride, channels, perGroup, factor, rowSums,
                                               pixels, wideLoopPostOps.baseAddress, wideLoopPostOps.count) == width {
                            continue
                        }
                        for x in 0..<width {
                            let position = rowStart + x * columnStride
                            for group in 0..<groups {
                                let windowSum = Float(rowSums[group * pixels + x])
                                let first = group * perGroup
                                for channel in first..<(first + perGroup) {
                                    position[channel] -= factor[channel] * windowSum
                                }
                            }
                            activate(position, count: channels, stride: 1)
                        }
                    }
                }
            } else {
                inParallelChunks(shape[0] * channels, threads: threads,
                                 minimumPerThread: max(1, (1 << 15) / max(1, pixels))) { range in
                    for plane in range {
                        let (n, channel) = plane.quotientAndRemainder(dividingBy: channels)
                        let sums = sum + (n * groups + channel / perGroup) * pixels, shift = factor[channel]
                        for y in 0..<height {
                            let row = out + n * batchStride + channel * channelStride + y * rowStride
                            for x in 0..<width { row[x * columnStride] -= shift * Float(sums[y * width + x]) }
                            activate(row, count: width, stride: columnStride)
                        }
                    }
                }
            }
        }
    }

    /// The post-ops in order, as oneDNN applies them to a fused layer's scaled output, on
    /// `count` values `stride` apart; one loop per post-op so that each vectorizes.
    @inline(__always)
    private func activate(_ values: UnsafeMutablePointer<Float>, count: Int, stride: Int) {
        for postOp in postOps {
            switch postOp {
            case .relu:
                for index in 0..<count { values[index * stride] = max(values[index * stride], 0) }
            case let .clip(lower, upper):
                for index in 0..<count { values[index * stride] = min(max(values[index * stride], lower), upper) }
            case .leakyReLU(let alpha):
                for index in 0..<count {
                    let value = values[index * stride]
                    values[index * stride] = value >= 0 ? value : alpha * value
                }
            }
        }
    }
}

/// Working memory of `OutputCorrection`, kept by a compiled program from one pass to the next
/// (and shared by its corrected layers, which run one at a time) so that a pass allocates none.
struct CorrectionScratch {
    /// The input's code bytes in its storage order.
    var codes: [UInt8] = []
    /// (N, G, H, W): each group's channel sum per pixel.
    var channelSums: [Int32] = []
    /// (N, G, H, outW): those summed along each row's kernel taps.
    var rowSums: [Int32] = []
    /// (N, G, outH, outW), or (N) for an inner product: the sums `apply` subtracts.
    var windowSums: [Int32] = []
}

extension Array where Element: FixedWidthInteger {
    /// Makes the array exactly `count` elements long, reusing its storage when it is large
    /// enough (its values are then left as they were: every user overwrites them).
    mutating func resize(to count: Int) {
        if self.count > count {
            removeLast(self.count - count)
        } else if self.count < count {
            append(contentsOf: repeatElement(0, count: count - self.count))
        }
    }
}
