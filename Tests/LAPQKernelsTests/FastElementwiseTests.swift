import XCTest
import LAPQKernels

/// The SIMD elementwise kernels equal their naive twins exactly, including the scalar tail.
final class FastElementwiseTests: XCTestCase {
    func testFastEqualsNaiveExactly() throws {
        var generator = SeededGenerator(seed: 41)
        for count in [0, 1, 15, 16, 17, 1000] {
            let x = randomTensor([count], &generator), y = randomTensor([count], &generator)
            var expected = Tensor(shape: []), actual = x
            reluNaive(&expected, x)
            actual.applyRelu()
            XCTAssertEqual(actual, expected, "relu \(count)")
            clipNaive(&expected, x, lower: -0.3, upper: 0.6)
            actual = x
            actual.applyClip(lower: -0.3, upper: 0.6)
            XCTAssertEqual(actual, expected, "clip \(count)")
            // Scaled so that both saturated ends (|x| ≥ 3) and the curve between occur.
            let wide = Tensor(shape: x.shape, data: x.data.map { $0 * 4 })
            hardSwishNaive(&expected, wide)
            actual = wide
            actual.applyHardSwish()
            XCTAssertEqual(actual, expected, "hardSwish \(count)")
            try addNaive(&expected, x, y)
            actual = x
            actual.add(y)
            XCTAssertEqual(actual, expected, "add \(count)")
            try mulNaive(&expected, x, y)
            actual = x
            actual.multiply(by: y)
            XCTAssertEqual(actual, expected, "mul \(count)")
        }
    }

    func testFastKernelsRunOnBlockedStorage() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 42)
        let geometry = Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 6, inWidth: 6, outChannels: 20, kernel: (1, 1))
        let input = randomTensor(geometry.inputShape, &generator), weights = randomTensor(geometry.weightShape, &generator)
        let conv = try Conv2DPrimitive(context: context, geometry: geometry, weights: weights, bias: nil)
        let output = try conv.makeDestination()
        try conv.execute(DNNLTensor(input, context: context), into: output)
        output.withUnsafeMutableStorage { reluFast($0, UnsafeBufferPointer($0)) }
        var convolved = Tensor(shape: []), expected = Tensor(shape: [])
        try conv2dNaive(&convolved, input, weights, nil, geometry)
        reluNaive(&expected, convolved)
        assertClose(try output.toTensor(), expected, relativeTolerance: 1e-4, "relu on \(output.storageCount) floats")
        // HardSwish also maps 0 to 0, so the zero padding of the blocked layout stays zero.
        try conv.execute(DNNLTensor(input, context: context), into: output)
        output.withUnsafeMutableStorage { hardSwishFast($0, UnsafeBufferPointer($0)) }
        hardSwishNaive(&expected, convolved)
        assertClose(try output.toTensor(), expected, relativeTolerance: 1e-4, "hardSwish on \(output.storageCount) floats")
    }
}
