import XCTest
import LAPQKernels

/// The reference kernels checked against exact small cases and against each other.
final class NaiveKernelTests: XCTestCase {
    func testGemmTransposesScalesAndBroadcastsBias() throws {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], data: [1, 0, 0, 1, 1, 1])
        var out = Tensor(shape: [])
        try gemmNaive(&out, a, b, Tensor(shape: [2], data: [10, 20]), alpha: 2, beta: 0.5)
        // A·B = [[4, 5], [10, 11]]; 2·AB + 0.5·[10, 20].
        XCTAssertEqual(out, Tensor(shape: [2, 2], data: [13, 20, 25, 32]))
        let aT = Tensor(shape: [3, 2], data: [1, 4, 2, 5, 3, 6]), bT = Tensor(shape: [2, 3], data: [1, 0, 1, 0, 1, 1])
        var transposed = Tensor(shape: [])
        try gemmNaive(&transposed, aT, bT, Tensor(shape: [2, 1], data: [10, 20]), transA: true, transB: true,
                      alpha: 2, beta: 0.5)
        XCTAssertEqual(transposed, Tensor(shape: [2, 2], data: [13, 15, 30, 32]))
        XCTAssertThrowsError(try gemmNaive(&out, a, a, nil))
    }

    func testBatchedMatmulBroadcastsAndMatchesGemm() throws {
        var generator = SeededGenerator(seed: 31)
        let a = randomTensor([2, 1, 3, 4], &generator), b = randomTensor([3, 4, 5], &generator)
        var out = Tensor(shape: [])
        try matmulNaive(&out, a, b)
        XCTAssertEqual(out.shape, [2, 3, 3, 5])
        for i in 0..<2 {
            for j in 0..<3 {
                let left = Tensor(shape: [3, 4], data: Array(a.data[(i * 12)..<(i * 12 + 12)]))
                let right = Tensor(shape: [4, 5], data: Array(b.data[(j * 20)..<(j * 20 + 20)]))
                var expected = Tensor(shape: [])
                try gemmNaive(&expected, left, right, nil)
                let start = (i * 3 + j) * 15
                XCTAssertEqual(Array(out.data[start..<(start + 15)]), expected.data)
            }
        }
    }

    func testPointwiseConvolutionIsAMatrixProduct() throws {
        var generator = SeededGenerator(seed: 32)
        let geometry = Conv2DGeometry(batch: 1, inChannels: 4, inHeight: 3, inWidth: 2, outChannels: 5, kernel: (1, 1))
        let input = randomTensor(geometry.inputShape, &generator), weights = randomTensor(geometry.weightShape, &generator)
        var convolved = Tensor(shape: []), product = Tensor(shape: [])
        try conv2dNaive(&convolved, input, weights, nil, geometry)
        try matmulNaive(&product, Tensor(shape: [5, 4], data: weights.data), Tensor(shape: [4, 6], data: input.data))
        XCTAssertEqual(convolved.data, product.data)
    }

    func testConvolutionPaddingAndStrideByHand() throws {
        // A 3×3 all-ones kernel over a 3×3 ramp, pad 1, stride 2: corner sums of the ramp.
        let geometry = Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 3, inWidth: 3, outChannels: 1,
                                      kernel: (3, 3), strides: (2, 2), pads: (1, 1, 1, 1))
        var out = Tensor(shape: [])
        try conv2dNaive(&out, Tensor(shape: [1, 1, 3, 3], data: (1...9).map(Float.init)),
                        Tensor(shape: [1, 1, 3, 3], repeating: 1), Tensor(shape: [1], data: [0.5]), geometry)
        XCTAssertEqual(out, Tensor(shape: [1, 1, 2, 2], data: [12.5, 16.5, 24.5, 28.5]))
    }

    func testAveragePoolDivisorsByHand() throws {
        let geometry = Pool2DGeometry(batch: 1, channels: 1, inHeight: 2, inWidth: 2, kernel: (2, 2),
                                      pads: (1, 1, 0, 0))
        let input = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
        var out = Tensor(shape: [])
        try pool2dNaive(&out, input, geometry, .average(countIncludePad: false))
        XCTAssertEqual(out.data, [1, 1.5, 2, 2.5])
        try pool2dNaive(&out, input, geometry, .average(countIncludePad: true))
        XCTAssertEqual(out.data, [0.25, 0.75, 1, 2.5])
        try pool2dNaive(&out, input, geometry, .max)
        XCTAssertEqual(out.data, [1, 2, 3, 4])
    }

    func testGlobalAveragePoolEqualsFullWindowPool() throws {
        var generator = SeededGenerator(seed: 33)
        let input = randomTensor([2, 3, 4, 5], &generator)
        var global = Tensor(shape: []), pooled = Tensor(shape: [])
        globalAveragePoolNaive(&global, input)
        try pool2dNaive(&pooled, input, Pool2DGeometry(batch: 2, channels: 3, inHeight: 4, inWidth: 5, kernel: (4, 5)),
                        .average(countIncludePad: false))
        XCTAssertEqual(global, pooled)
    }

    func testActivationsByHand() throws {
        let x = Tensor(shape: [4], data: [-2, -0.5, 0, 3])
        var out = Tensor(shape: [])
        reluNaive(&out, x)
        XCTAssertEqual(out.data, [0, 0, 0, 3])
        clipNaive(&out, x, lower: -1, upper: 1)
        XCTAssertEqual(out.data, [-1, -0.5, 0, 1])
        leakyReluNaive(&out, x, alpha: 0.1)
        XCTAssertEqual(out.data, [-0.2, -0.05, 0, 3])
        sigmoidNaive(&out, Tensor(shape: [1], data: [0]))
        XCTAssertEqual(out.data, [0.5])
    }

    func testHardSigmoidAndHardSwishByHand() throws {
        var out = Tensor(shape: [])
        // alpha 0.25, beta 0.5: saturates at 0 below −2 and at 1 above 2; 0 maps to beta.
        hardSigmoidNaive(&out, Tensor(shape: [5], data: [-3, -2, 0, 1, 4]), alpha: 0.25, beta: 0.5)
        XCTAssertEqual(out.data, [0, 0, 0.5, 0.75, 1])
        // x · clamp(x/6 + 1/2, 0, 1): 0 outside below −3, x above 3, minimum −0.375 at −1.5.
        hardSwishNaive(&out, Tensor(shape: [6], data: [-4, -3, -1.5, 0, 3, 5]))
        XCTAssertEqual(out.data, [0, 0, -0.375, 0, 3, 5])
        XCTAssertEqual(hardSwishAlpha, 0.16666667163372)
        hardSwishNaive(&out, Tensor(shape: [1], data: [1]))
        XCTAssertEqual(out.data, [hardSwishAlpha + 0.5])   // one rounding, as onnxruntime
    }

    func testSoftmaxAlongAnAxis() throws {
        // Along axis 0 of (2, 2): columns [0, ln 3] and [5, 5].
        let x = Tensor(shape: [2, 2], data: [0, 5, Float(log(3.0)), 5])
        var out = Tensor(shape: [])
        try softmaxNaive(&out, x, axis: 0)
        XCTAssertEqual(out.data[0], 0.25, accuracy: 1e-7)
        XCTAssertEqual(out.data[2], 0.75, accuracy: 1e-7)
        XCTAssertEqual(out.data[1], 0.5)
        XCTAssertThrowsError(try softmaxNaive(&out, x, axis: 2))
    }

    func testAddAndMulBroadcast() throws {
        let a = Tensor(shape: [2, 1, 3], data: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [2, 1], data: [10, 20])
        var out = Tensor(shape: [])
        try addNaive(&out, a, b)
        XCTAssertEqual(out, Tensor(shape: [2, 2, 3], data: [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26]))
        try mulNaive(&out, Tensor(shape: [3], data: [1, 2, 3]), Tensor(shape: [], data: [2]))
        XCTAssertEqual(out, Tensor(shape: [3], data: [2, 4, 6]))
        XCTAssertThrowsError(try addNaive(&out, a, Tensor(shape: [2])))
    }

    func testConcatAndFlatten() throws {
        let a = Tensor(shape: [2, 1, 2], data: [1, 2, 3, 4]), b = Tensor(shape: [2, 2, 2], data: [5, 6, 7, 8, 9, 10, 11, 12])
        var out = Tensor(shape: [])
        try concatNaive(&out, [a, b], axis: -2)
        XCTAssertEqual(out, Tensor(shape: [2, 3, 2], data: [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]))
        XCTAssertThrowsError(try concatNaive(&out, [a, b], axis: 0))
        try flattenNaive(&out, b, axis: 2)
        XCTAssertEqual(out.shape, [4, 2])
        try flattenNaive(&out, b, axis: 0)
        XCTAssertEqual(out.shape, [1, 8])
    }
}
