import XCTest
import LAPQKernels
import LAPQMath
@testable import LAPQEngine

/// `OutputCorrection`, bias correction on an int8 layer's output: its window sums of input
/// codes against the naive convolution of the codes with a kernel of ones (one output channel
/// per group), in NCHW and NHWC storage, signed and unsigned; and its in-place correction
/// against the formula, post-ops included.
final class OutputCorrectionTests: XCTestCase {
    private static let geometries: [Conv2DGeometry] = [
        Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 5, inWidth: 6, outChannels: 4, kernel: (3, 3),
                       pads: (1, 1, 1, 1)),
        Conv2DGeometry(batch: 1, inChannels: 4, inHeight: 7, inWidth: 7, outChannels: 6, kernel: (3, 2),
                       strides: (2, 3), pads: (0, 1, 2, 0)),
        Conv2DGeometry(batch: 3, inChannels: 6, inHeight: 8, inWidth: 5, outChannels: 6, kernel: (3, 3),
                       pads: (2, 2, 2, 2), dilations: (2, 2), groups: 6),   // depthwise, dilated
        Conv2DGeometry(batch: 2, inChannels: 8, inHeight: 4, inWidth: 4, outChannels: 4, kernel: (1, 1),
                       strides: (2, 2), groups: 2),
        // Groups of 16 channels or more, summed in C on AVX2 and AVX-512 hosts: a partial
        // vector, more than one AVX-512 vector, two groups.
        Conv2DGeometry(batch: 2, inChannels: 20, inHeight: 3, inWidth: 4, outChannels: 5, kernel: (3, 3),
                       pads: (1, 1, 1, 1)),
        Conv2DGeometry(batch: 1, inChannels: 70, inHeight: 4, inWidth: 3, outChannels: 2, kernel: (2, 2)),
        Conv2DGeometry(batch: 2, inChannels: 66, inHeight: 3, inWidth: 3, outChannels: 4, kernel: (1, 3),
                       pads: (0, 1, 0, 1), groups: 2),
    ]

    func testWindowSumsEqualTheNaiveConvolutionOfTheCodesWithOnes() throws {
        var generator = SplitMix64(seed: 7)
        var scratch = CorrectionScratch()   // shared, as a program's corrected layers share it
        for (number, geometry) in Self.geometries.enumerated() {
            for signed in [false, true] {
                let count = geometry.inputShape.reduce(1, *)
                let values = (0..<count).map { _ in signed ? Int(generator.next() % 15) - 7 : Int(generator.next() % 16) }
                var expected = Tensor(shape: [0])
                let ones = Tensor(shape: [geometry.groups, geometry.inChannels / geometry.groups,
                                          geometry.kernelHeight, geometry.kernelWidth], repeating: 1)
                var sumGeometry = geometry
                sumGeometry.outChannels = geometry.groups
                try conv2dNaive(&expected, Tensor(shape: geometry.inputShape, data: values.map(Float.init)), ones, nil, sumGeometry)
                let correction = OutputCorrection(window: .convolution(geometry), shifts: [], inputStep: 1, postOps: [],
                                                  isSourceSigned: signed)
                for (layout, strides) in Self.layouts(geometry.inputShape) {
                    let codes = Self.stored(values, shape: geometry.inputShape, strides: strides)
                    for isa in QuantizerISA.available {
                        codes.withUnsafeBufferPointer {
                            correction.windowCodeSums(codes: $0, shape: geometry.inputShape, strides: strides, threads: 2,
                                                      scratch: &scratch, isa: isa)
                        }
                        XCTAssertEqual(scratch.windowSums.map(Float.init), expected.data,
                                       "geometry \(number), \(layout), signed \(signed), \(isa)")
                    }
                }
            }
        }
    }

    /// The kernel taps along one axis, each over the outputs it reaches, read for every output
    /// exactly the inputs of the definition, padding left out, also where the padding exceeds the
    /// kernel.
    func testKernelTapsReadTheDefinitionsInputs() {
        for input in 1...7 {
            for kernel in 1...4 {
                for stride in 1...3 {
                    for padding in 0...4 {
                        for dilation in 1...3 {
                            let outputs = (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
                            guard outputs > 0 else { continue }
                            let taps = OutputCorrection.KernelTap.taps(outputs: outputs, input: input, kernel: kernel,
                                                                       stride: stride, padding: padding, dilation: dilation)
                            let read = (0..<outputs).map { output in
                                taps.filter { $0.outputs.contains(output) }.map { output * stride + $0.offset }
                            }
                            let definition = (0..<outputs).map { output in
                                (0..<kernel).map { output * stride - padding + $0 * dilation }.filter { $0 >= 0 && $0 < input }
                            }
                            XCTAssertEqual(read, definition,
                                           "input \(input), kernel \(kernel), stride \(stride), padding \(padding), dilation \(dilation)")
                        }
                    }
                }
            }
        }
    }

    func testInnerProductSumsEachRow() {
        var scratch = CorrectionScratch()
        let correction = OutputCorrection(window: .innerProduct, shifts: [], inputStep: 1, postOps: [], isSourceSigned: false)
        [3, 0, 250, 1, 2, 255].map(UInt8.init).withUnsafeBufferPointer {
            correction.windowCodeSums(codes: $0, shape: [2, 3], strides: [3, 1], threads: 1, scratch: &scratch)
        }
        XCTAssertEqual(scratch.windowSums, [253, 258])
        let signed = OutputCorrection(window: .innerProduct, shifts: [], inputStep: 1, postOps: [], isSourceSigned: true)
        [1, 254, 5, 7, 255, 2].map(UInt8.init).withUnsafeBufferPointer {   // (2, 3) stored by column
            signed.windowCodeSums(codes: $0, shape: [2, 3], strides: [1, 2], threads: 1, scratch: &scratch)
        }
        XCTAssertEqual(scratch.windowSums, [1 + 5 - 1, -2 + 7 + 2])
        // Rows long enough for the C loop: every ISA sums them as the definition does.
        var generator = SplitMix64(seed: 3)
        let codes = (0..<(3 * 100)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for (correction, read) in [(OutputCorrection(window: .innerProduct, shifts: [], inputStep: 1, postOps: [], isSourceSigned: false),
                                    { (byte: UInt8) in Int32(byte) }),
                                   (signed, { (byte: UInt8) in Int32(Int8(bitPattern: byte)) })] {
            for (rowLength, rows) in [(16, 3), (33, 3), (100, 3), (70, 4)] {
                let expected = (0..<rows).map { row in codes[(row * rowLength)..<((row + 1) * rowLength)].map(read).reduce(0, +) }
                for isa in QuantizerISA.available {
                    codes.withUnsafeBufferPointer {
                        correction.windowCodeSums(codes: UnsafeBufferPointer(rebasing: $0[0..<(rows * rowLength)]),
                                                  shape: [rows, rowLength], strides: [rowLength, 1], threads: 1,
                                                  scratch: &scratch, isa: isa)
                    }
                    XCTAssertEqual(scratch.windowSums, expected, "rows of \(rowLength), signed \(correction.isSourceSigned), \(isa)")
                }
            }
        }
    }

    /// output ← postOps(output − δ_c·Δx·sum), per group of output channels, in NHWC and NCHW
    /// storage.
    func testApplySubtractsEachChannelsShiftTimesItsGroupsSumThenThePostOps() {
        let geometry = Conv2DGeometry(batch: 2, inChannels: 2, inHeight: 2, inWidth: 3, outChannels: 4, kernel: (1, 1),
                                      groups: 2)
        let shifts: [Float] = [0.5, -1, 2, 0.25], step: Float = 0.5
        let correction = OutputCorrection(window: .convolution(geometry), shifts: shifts, inputStep: step,
                                          postOps: [.clip(lower: -1, upper: 3), .leakyReLU(alpha: 0.5)], isSourceSigned: false)
        let shape = geometry.outputShape, count = shape.reduce(1, *)
        let sums: [Int32] = (0..<24).map { (index: Int) -> Int32 in Int32(index % 7 - 2) }   // (N, G, H, W)
        let logical: [Float] = (0..<count).map { (index: Int) -> Float in Float(index) / 4 - 3 }   // row-major (N, C, H, W)
        for (layout, strides) in Self.layouts(shape) {
            var output = [Float](repeating: .nan, count: count)
            for (flat, value) in logical.enumerated() { output[Self.offset(flat, shape: shape, strides: strides)] = value }
            output.withUnsafeMutableBufferPointer { correction.apply(to: $0, shape: shape, strides: strides, sums: sums, threads: 2) }
            for flat in 0..<count {
                let (n, channel, pixel) = (flat / 24, flat / 6 % 4, flat % 6)
                let windowSum = Float(sums[(n * 2 + channel / 2) * 6 + pixel])
                let raw: Float = logical[flat] - shifts[channel] * step * windowSum
                let clipped = min(max(raw, -1), 3)
                XCTAssertEqual(output[Self.offset(flat, shape: shape, strides: strides)], clipped >= 0 ? clipped : 0.5 * clipped,
                               "\(layout), element \(flat)")
            }
        }
    }

    /// The C loop (`lapq_correct_pixels`) at every ISA this host runs gives the portable Swift
    /// loop's bits: whole and partial vectors, several groups, groups too small for it (the
    /// Swift loop runs), an inner product, every post-op; outputs include −0, NaN and values at
    /// the post-ops' thresholds.
    func testEveryISAGivesThePortableLoopsBits() {
        var generator = SplitMix64(seed: 11)
        let postOpLists: [[PostOp]] = [[], [.relu], [.clip(lower: 0, upper: 6)], [.leakyReLU(alpha: 0.1)],
                                       [.clip(lower: -1, upper: 3), .leakyReLU(alpha: 0.5)]]
        let shapes: [(channels: Int, groups: Int)] = [(16, 1), (20, 1), (64, 1), (16, 2), (10, 2), (12, 6), (7, 1)]
        for (channels, groups) in shapes {
            let geometry = Conv2DGeometry(batch: 2, inChannels: groups * 2, inHeight: 3, inWidth: 5, outChannels: channels,
                                          kernel: (1, 1), groups: groups)
            let shape = geometry.outputShape, count = shape.reduce(1, *), pixels = shape[2] * shape[3]
            let strides = Self.layouts(shape)[1].1   // NHWC: the layout the int8 primitive writes
            let shifts = (0..<channels).map { $0 % 5 == 0 ? 0 : Float(Int(generator.next() % 2001) - 1000) / 997 }
            let sums = (0..<(2 * groups * pixels)).map { _ in Int32(Int(generator.next() % 4001) - 2000) }
            let special: [Float] = [-0.0, 0, .nan, 6, -1, 3, .infinity]
            let output = (0..<count).map { index -> Float in
                index % 9 == 0 ? special[index / 9 % special.count] : Float(Int(generator.next() % 20001) - 10000) / 1013
            }
            for postOps in postOpLists {
                let correction = OutputCorrection(window: .convolution(geometry), shifts: shifts, inputStep: 0.37,
                                                  postOps: postOps, isSourceSigned: false)
                var reference = output
                reference.withUnsafeMutableBufferPointer {
                    correction.apply(to: $0, shape: shape, strides: strides, sums: sums, threads: 2, isa: .portable)
                }
                for isa in QuantizerISA.available where isa != .portable {
                    var wide = output
                    wide.withUnsafeMutableBufferPointer {
                        correction.apply(to: $0, shape: shape, strides: strides, sums: sums, threads: 2, isa: isa)
                    }
                    Self.assertSameBits(wide, reference, "\(channels) channels in \(groups) groups, \(postOps), \(isa)")
                }
            }
        }
        let innerProduct = OutputCorrection(window: .innerProduct, shifts: (0..<24).map { Float($0) / 7 - 1 }, inputStep: 0.5,
                                            postOps: [.relu], isSourceSigned: true)
        let logits = (0..<72).map { Float($0 % 13) - 6.5 }, rowSums: [Int32] = [-40, 3, 17]
        var reference = logits
        reference.withUnsafeMutableBufferPointer {
            innerProduct.apply(to: $0, shape: [3, 24], strides: [24, 1], sums: rowSums, threads: 1, isa: .portable)
        }
        for isa in QuantizerISA.available where isa != .portable {
            var wide = logits
            wide.withUnsafeMutableBufferPointer {
                innerProduct.apply(to: $0, shape: [3, 24], strides: [24, 1], sums: rowSums, threads: 1, isa: isa)
            }
            Self.assertSameBits(wide, reference, "inner product, \(isa)")
        }
    }

    /// Fails at the first element whose bits differ, naming it.
    private static func assertSameBits(_ actual: [Float], _ expected: [Float], _ context: String,
                                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, context, file: file, line: line)
        if let index = actual.indices.first(where: { actual[$0].bitPattern != expected[$0].bitPattern }) {
            XCTFail("\(context): element \(index) is \(actual[index]), the portable loop's \(expected[index])", file: file, line: line)
        }
    }

    /// NCHW and NHWC element strides of a 4-D shape.
    private static func layouts(_ shape: [Int]) -> [(String, [Int])] {
        let (c, h, w) = (shape[1], shape[2], shape[3])
        return [("NCHW", [c * h * w, h * w, w, 1]), ("NHWC", [h * w * c, 1, w * c, c])]
    }

    /// The code bytes of row-major `values` stored at element `strides` (two's complement).
    private static func stored(_ values: [Int], shape: [Int], strides: [Int]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count)
        for (flat, value) in values.enumerated() { bytes[offset(flat, shape: shape, strides: strides)] = UInt8(truncatingIfNeeded: value) }
        return bytes
    }

    /// The storage offset of row-major element `flat` of `shape` at element `strides`.
    private static func offset(_ flat: Int, shape: [Int], strides: [Int]) -> Int {
        var rest = flat, offset = 0
        for axis in shape.indices.reversed() {
            offset += rest % shape[axis] * strides[axis]
            rest /= shape[axis]
        }
        return offset
    }
}
