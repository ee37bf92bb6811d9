import XCTest
import LAPQKernels

/// `windowCopyFast` (Slice and constant Pad on dense strided tensors) against `sliceNaive` and
/// `padNaive` on the same logical tensor, in NCHW and in NHWC memory order, with 1 and 2 threads.
final class WindowCopyTests: XCTestCase {
    private let shape = [2, 5, 6, 7]
    private let nchw = [0, 1, 2, 3], nhwc = [0, 2, 3, 1]

    func testSliceInEveryMemoryOrderEqualsNaive() throws {
        var generator = SeededGenerator(seed: 57)
        let x = randomTensor(shape, &generator)
        let slices: [([Int], [Int], [Int], [Int])] = [
            ([0, 0], [Int.max, Int.max], [2, 3], [2, 2]),   // ResNet's x[:, :, ::2, ::2]
            ([4, -1, 1], [0, -8, 6], [1, 2, 3], [-2, -1, 3]),
            ([1], [1], [2], [1]),                             // empty
        ]
        for (starts, ends, axes, steps) in slices {
            var expected = Tensor(shape: [])
            try sliceNaive(&expected, x, starts: starts, ends: ends, axes: axes, steps: steps)
            let windows = try AxisWindow.slice(shape: shape, starts: starts, ends: ends, axes: axes, steps: steps)
            try assertWindowCopy(x, windows, fill: 0, equals: expected, "slice \(starts) \(ends) \(axes) \(steps)")
        }
    }

    func testConstantPadInEveryMemoryOrderEqualsNaive() throws {
        var generator = SeededGenerator(seed: 58)
        let x = randomTensor(shape, &generator)
        // The ResNet option-A shortcut pads channels; then spatial, negative (a crop), asymmetric.
        for pads in [[0, 4, 0, 0, 0, 4, 0, 0], [0, 0, 1, 2, 0, 0, 2, 1], [0, 1, -1, 0, 0, 0, 0, -2]] {
            var expected = Tensor(shape: [])
            try padNaive(&expected, x, pads: pads, mode: .constant, value: 0.5)
            try assertWindowCopy(x, try AxisWindow.constantPad(shape: shape, pads: pads), fill: 0.5, equals: expected,
                                 "pad \(pads)")
        }
    }

    /// x stored in `order` (outermost axis first), copied into an output stored in the same
    /// order, read back logically and compared with `expected`.
    private func assertWindowCopy(_ x: Tensor, _ windows: [AxisWindow], fill: Float, equals expected: Tensor,
                                  _ label: String) throws {
        let outShape = windows.map(\.outputSize)
        XCTAssertEqual(outShape, expected.shape, label)
        for order in [nchw, nhwc] {
            let xStrides = strides(shape, order), outStrides = strides(outShape, order)
            let stored = store(x, strides: xStrides)
            for threads in [1, 2] {
                var out = [Float](repeating: .nan, count: max(1, expected.count))
                out.withUnsafeMutableBufferPointer { target in
                    stored.withUnsafeBufferPointer { source in
                        windowCopyFast(target.baseAddress!, outStrides: outStrides, source.baseAddress!, xShape: shape,
                                       xStrides: xStrides, windows: windows, fill: fill, threads: threads)
                    }
                }
                let logical = expected.data.indices.map { out[offset(of: $0, shape: outShape, strides: outStrides)] }
                XCTAssertEqual(logical, expected.data, "\(label), order \(order), \(threads) threads")
            }
        }
    }

    /// Dense strides of `shape` with its axes in memory in `order` (outermost first).
    private func strides(_ shape: [Int], _ order: [Int]) -> [Int] {
        var result = [Int](repeating: 0, count: shape.count), running = 1
        for axis in order.reversed() {
            result[axis] = running
            running *= shape[axis]
        }
        return result
    }

    private func offset(of flat: Int, shape: [Int], strides: [Int]) -> Int {
        var remainder = flat, offset = 0
        for axis in shape.indices.reversed() {
            offset += (remainder % shape[axis]) * strides[axis]
            remainder /= shape[axis]
        }
        return offset
    }

    private func store(_ x: Tensor, strides: [Int]) -> [Float] {
        var stored = [Float](repeating: .nan, count: x.count)
        for flat in x.data.indices { stored[offset(of: flat, shape: x.shape, strides: strides)] = x.data[flat] }
        return stored
    }
}
