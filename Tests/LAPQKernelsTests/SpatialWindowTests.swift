import XCTest
import LAPQKernels

/// `SpatialWindow`, the output-size and padding rule of Conv, MaxPool and AveragePool, as a
/// table. Every output size and SAME padding was checked against onnxruntime 1.32 (a 1×n MaxPool
/// and Conv over 1…n, whose values show where each window starts), except where a row says why not.
final class SpatialWindowTests: XCTestCase {
    private struct Case {
        var inputSize: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int
        var autoPad: AutoPad, ceilMode: Bool
        /// nil: the window does not fit.
        var expected: SpatialWindow?
        var why: String
    }

    private static let cases: [Case] = [
        Case(inputSize: 7, kernel: 3, stride: 2, dilation: 1, padBegin: 1, padEnd: 1, autoPad: .notSet, ceilMode: false,
             expected: SpatialWindow(outputSize: 4, padBegin: 1, padEnd: 1), why: "⌊(7 + 1 + 1 − 3) / 2⌋ + 1"),
        Case(inputSize: 7, kernel: 3, stride: 2, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .notSet, ceilMode: true,
             expected: SpatialWindow(outputSize: 3, padBegin: 0, padEnd: 0), why: "ceil equals floor when the stride divides"),
        Case(inputSize: 6, kernel: 3, stride: 2, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .notSet, ceilMode: true,
             expected: SpatialWindow(outputSize: 3, padBegin: 0, padEnd: 0), why: "⌈3 / 2⌉ + 1; the last window starts at 4 < 6"),
        Case(inputSize: 4, kernel: 1, stride: 2, dilation: 1, padBegin: 0, padEnd: 2, autoPad: .notSet, ceilMode: true,
             expected: SpatialWindow(outputSize: 3, padBegin: 0, padEnd: 2),
             why: "⌈5 / 2⌉ + 1 = 4, but the fourth window would start at 6 ≥ 4 + 0, in the end padding "
                + "(onnxruntime refuses pads ≥ kernel; PyTorch's rule)"),
        Case(inputSize: 5, kernel: 3, stride: 3, dilation: 1, padBegin: 1, padEnd: 2, autoPad: .notSet, ceilMode: true,
             expected: SpatialWindow(outputSize: 2, padBegin: 1, padEnd: 2),
             why: "⌈5 / 3⌉ + 1 = 3, the third window would start at 6 ≥ 5 + 1 (ONNX's shape inference says 3)"),
        Case(inputSize: 10, kernel: 3, stride: 4, dilation: 1, padBegin: 1, padEnd: 1, autoPad: .notSet, ceilMode: true,
             expected: SpatialWindow(outputSize: 3, padBegin: 1, padEnd: 1), why: "⌈9 / 4⌉ + 1 = 4, fourth start 12 ≥ 11"),
        Case(inputSize: 8, kernel: 3, stride: 1, dilation: 2, padBegin: 0, padEnd: 0, autoPad: .notSet, ceilMode: false,
             expected: SpatialWindow(outputSize: 4, padBegin: 0, padEnd: 0), why: "dilation 2 makes a 3-kernel span 5"),
        Case(inputSize: 3, kernel: 3, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .notSet, ceilMode: false,
             expected: SpatialWindow(outputSize: 1, padBegin: 0, padEnd: 0), why: "the kernel exactly fits"),
        Case(inputSize: 1, kernel: 3, stride: 1, dilation: 1, padBegin: 1, padEnd: 1, autoPad: .notSet, ceilMode: false,
             expected: SpatialWindow(outputSize: 1, padBegin: 1, padEnd: 1), why: "the padding makes it fit"),
        Case(inputSize: 7, kernel: 3, stride: 2, dilation: 1, padBegin: 5, padEnd: 5, autoPad: .valid, ceilMode: false,
             expected: SpatialWindow(outputSize: 3, padBegin: 0, padEnd: 0), why: "VALID ignores the given pads"),
        Case(inputSize: 6, kernel: 3, stride: 2, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .valid, ceilMode: true,
             expected: SpatialWindow(outputSize: 3, padBegin: 0, padEnd: 0), why: "VALID in ceil mode rounds up"),
        Case(inputSize: 16, kernel: 3, stride: 2, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .sameUpper, ceilMode: false,
             expected: SpatialWindow(outputSize: 8, padBegin: 0, padEnd: 1), why: "⌈16 / 2⌉, total padding 1 at the end"),
        Case(inputSize: 16, kernel: 3, stride: 2, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .sameLower, ceilMode: false,
             expected: SpatialWindow(outputSize: 8, padBegin: 1, padEnd: 0), why: "⌈16 / 2⌉, total padding 1 at the start"),
        Case(inputSize: 7, kernel: 4, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .sameUpper, ceilMode: false,
             expected: SpatialWindow(outputSize: 7, padBegin: 1, padEnd: 2), why: "total 3: the odd cell at the end"),
        Case(inputSize: 7, kernel: 4, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .sameLower, ceilMode: false,
             expected: SpatialWindow(outputSize: 7, padBegin: 2, padEnd: 1), why: "total 3: the odd cell at the start"),
        Case(inputSize: 5, kernel: 2, stride: 2, dilation: 1, padBegin: 4, padEnd: 4, autoPad: .sameUpper, ceilMode: true,
             expected: SpatialWindow(outputSize: 3, padBegin: 0, padEnd: 1), why: "SAME ignores the given pads and ceil mode"),
        Case(inputSize: 5, kernel: 3, stride: 2, dilation: 2, padBegin: 0, padEnd: 0, autoPad: .sameUpper, ceilMode: false,
             expected: SpatialWindow(outputSize: 3, padBegin: 2, padEnd: 2),
             why: "ONNX's ⌈5 / 2⌉ with span 5, total 4 (not checked: onnxruntime's Conv refuses dilated SAME)"),
        Case(inputSize: 2, kernel: 3, stride: 1, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .valid, ceilMode: false,
             expected: nil, why: "the kernel exceeds the input"),
        Case(inputSize: 4, kernel: 3, stride: 1, dilation: 2, padBegin: 0, padEnd: 0, autoPad: .notSet, ceilMode: true,
             expected: nil, why: "the dilated span 5 exceeds the input, in ceil mode too"),
        Case(inputSize: 7, kernel: 3, stride: 0, dilation: 1, padBegin: 0, padEnd: 0, autoPad: .notSet, ceilMode: false,
             expected: nil, why: "a stride below 1 has no windows"),
    ]

    func testTable() {
        for c in Self.cases {
            let window = SpatialWindow(inputSize: c.inputSize, kernel: c.kernel, stride: c.stride, dilation: c.dilation,
                                       padBegin: c.padBegin, padEnd: c.padEnd, autoPad: c.autoPad, ceilMode: c.ceilMode)
            XCTAssertEqual(window, c.expected, c.why)
        }
    }

    /// Conv2DGeometry and Pool2DGeometry take their output sizes from the same rule (0 where it
    /// has no window), on either axis.
    func testGeometriesReadTheRule() {
        for c in Self.cases where c.autoPad == .notSet && c.stride >= 1 {
            let expected = c.expected?.outputSize ?? 0
            let pool = Pool2DGeometry(batch: 1, channels: 1, inHeight: c.inputSize, inWidth: 1,
                                      kernel: (c.kernel, 1), strides: (c.stride, 1), pads: (c.padBegin, 0, c.padEnd, 0),
                                      dilations: (c.dilation, 1), ceilMode: c.ceilMode)
            XCTAssertEqual(pool.outHeight, expected, c.why)
            let transposed = Pool2DGeometry(batch: 1, channels: 1, inHeight: 1, inWidth: c.inputSize,
                                            kernel: (1, c.kernel), strides: (1, c.stride), pads: (0, c.padBegin, 0, c.padEnd),
                                            dilations: (1, c.dilation), ceilMode: c.ceilMode)
            XCTAssertEqual(transposed.outWidth, expected, c.why)
            guard !c.ceilMode else { continue }
            let conv = Conv2DGeometry(batch: 1, inChannels: 1, inHeight: c.inputSize, inWidth: c.inputSize, outChannels: 1,
                                      kernel: (c.kernel, c.kernel), strides: (c.stride, c.stride),
                                      pads: (c.padBegin, c.padBegin, c.padEnd, c.padEnd),
                                      dilations: (c.dilation, c.dilation))
            XCTAssertEqual([conv.outHeight, conv.outWidth], [expected, expected], c.why)
        }
    }
}
