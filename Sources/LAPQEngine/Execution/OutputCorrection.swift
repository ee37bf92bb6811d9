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
    let isSourceSigned: Bool

    /// `shifts` are the δ_c that `correctBias` subtracts from each output channel's weights;
    /// `inputStep` is Δx.
    init(window: Window, shifts: [Float], inputStep: Float, postOps: [PostOp], isSourceSigned: Bool) {
        self.window = window
        factors = shifts.map { $0 * inputStep }
        self.postOps = postOps
        self.isSourceSigned = isSourceSigned
    }

    /// The input code's integer value from its byte (two's complement when signed).
    @inline(__always)
    private func value(_ byte: UInt8) -> Int32 {
        isSourceSigned ? Int32(Int8(bitPattern: byte)) : Int32(byte)
    }

    /// The sum of input codes under every output's window: (N, G, outH, outW) row-major for a
    /// convolution of G groups, (N) for an inner product. `codes` is the dense input's storage
    /// (element strides `strides` of the logical (N, C, H, W) or (N, K) `shape`), one code
    /// byte per element. Exact in Int32 for any layer oneDNN's int32 accumulator holds.
    func windowCodeSums(codes: UnsafeBufferPointer<UInt8>, shape: [Int], strides: [Int], threads: Int) -> [Int32] {
        switch window {
        case .innerProduct:
            precondition(shape.count == 2 && strides.count == 2, "an inner product's input is (N, K), got \(shape)")
            return (0..<shape[0]).map { row in
                (0..<shape[1]).reduce(Int32(0)) { $0 + value(codes[row * strides[0] + $1 * strides[1]]) }
            }
        case .convolution(let geometry):
            precondition(shape == geometry.inputShape && strides.count == 4, "input \(shape) is not \(geometry.inputShape)")
            let channelSums = groupChannelSums(codes: codes, geometry: geometry, strides: strides, threads: threads)
            return boxSums(channelSums, geometry: geometry, threads: threads)
        }
    }

    /// Σ over each group's input channels of the codes at every pixel: (N, G, H, W) row-major.
    private func groupChannelSums(codes: UnsafeBufferPointer<UInt8>, geometry g: Conv2DGeometry, strides: [Int],
                                  threads: Int) -> [Int32] {
        let perGroup = g.inChannels / g.groups, pixels = g.inHeight * g.inWidth
        let rows = g.batch * g.groups
        var sums = [Int32](repeating: 0, count: rows * pixels)
        sums.withUnsafeMutableBufferPointer { out in
            inParallelChunks(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / max(1, perGroup * pixels))) { range in
                for row in range {
                    let (n, group) = row.quotientAndRemainder(dividingBy: g.groups)
                    for y in 0..<g.inHeight {
                        for x in 0..<g.inWidth {
                            let base = n * strides[0] + y * strides[2] + x * strides[3]
                            var total: Int32 = 0
                            for channel in group * perGroup ..< (group + 1) * perGroup {
                                total += value(codes[base + channel * strides[1]])
                            }
                            out[row * pixels + y * g.inWidth + x] = total
                        }
                    }
                }
            }
        }
        return sums
    }

    /// The kernel-window sum of `channelSums` (N·G planes of H × W) at every output position,
    /// with the convolution's stride, dilation and zero padding: (N, G, outH, outW).
    private func boxSums(_ channelSums: [Int32], geometry g: Conv2DGeometry, threads: Int) -> [Int32] {
        let planes = g.batch * g.groups, (outHeight, outWidth) = (g.outHeight, g.outWidth)
        let windowSize = g.kernelHeight * g.kernelWidth
        var sums = [Int32](repeating: 0, count: planes * outHeight * outWidth)
        sums.withUnsafeMutableBufferPointer { out in
            inParallelChunks(planes, threads: threads,
                             minimumPerThread: max(1, (1 << 15) / max(1, outHeight * outWidth * windowSize))) { range in
                for plane in range {
                    let input = plane * g.inHeight * g.inWidth
                    for outY in 0..<outHeight {
                        for outX in 0..<outWidth {
                            var total: Int32 = 0
                            for ky in 0..<g.kernelHeight {
                                let y = outY * g.strideHeight - g.padTop + ky * g.dilationHeight
                                guard y >= 0 && y < g.inHeight else { continue }
                                for kx in 0..<g.kernelWidth {
                                    let x = outX * g.strideWidth - g.padLeft + kx * g.dilationWidth
                                    if x >= 0 && x < g.inWidth { total += channelSums[input + y * g.inWidth + x] }
                                }
                            }
                            out[(plane * outHeight + outY) * outWidth + outX] = total
                        }
                    }
                }
            }
        }
        return sums
    }

    /// output[n, c, …] ← postOps(output[n, c, …] − δ_c·Δx · sums[n, group(c), …]) in place, on
    /// the dense output's storage (element strides `strides` of the logical `shape`: (N, O,
    /// outH, outW) or (N, O)); `sums` from `windowCodeSums`.
    func apply(to output: UnsafeMutableBufferPointer<Float>, shape: [Int], strides: [Int], sums: [Int32], threads: Int) {
        let channels = shape[1]
        precondition(factors.count == channels, "\(factors.count) shifts for \(channels) output channels")
        let (groups, height, width) = {
            if case .convolution(let g) = window { return (g.groups, g.outHeight, g.outWidth) }
            return (1, 1, 1)
        }()
        precondition(shape.count == 2 || shape == [shape[0], channels, height, width], "output \(shape)")
        let spatial = shape.count == 4 ? (strides[2], strides[3]) : (0, 0)
        let perGroup = channels / groups, positions = shape[0] * height * width
        inParallelChunks(positions, threads: threads, minimumPerThread: max(1, (1 << 15) / max(1, channels))) { range in
            for position in range {
                let (n, pixel) = position.quotientAndRemainder(dividingBy: height * width)
                let (y, x) = pixel.quotientAndRemainder(dividingBy: width)
                let base = n * strides[0] + y * spatial.0 + x * spatial.1
                for channel in 0..<channels {
                    let sum = sums[(n * groups + channel / perGroup) * height * width + pixel]
                    let index = base + channel * strides[1]
                    output[index] = activated(output[index] - factors[channel] * Float(sum))
                }
            }
        }
    }

    /// The post-ops in order, as oneDNN applies them to a fused layer's scaled output.
    @inline(__always)
    private func activated(_ value: Float) -> Float {
        var result = value
        for postOp in postOps {
            switch postOp {
            case .relu: result = max(result, 0)
            case let .clip(lower, upper): result = min(max(result, lower), upper)
            case .leakyReLU(let alpha): result = result >= 0 ? result : alpha * result
            }
        }
        return result
    }
}
