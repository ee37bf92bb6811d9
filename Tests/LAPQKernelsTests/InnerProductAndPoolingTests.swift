import XCTest
import LAPQKernels

/// oneDNN inner product and pooling against their naive twins. Tolerance: 1e-4 × max(1, max
/// |reference|) for the inner product (float32 dot products); 1e-5 for pooling (no long sums).
final class InnerProductAndPoolingTests: XCTestCase {
    func testInnerProductMatchesGemmNaive() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 21)
        for inputShape in [[1, 7], [3, 64], [3, 8, 2, 3]] {
            let features = inputShape.dropFirst().reduce(1, *)
            let input = randomTensor(inputShape, &generator)
            let weights = randomTensor([10, features], &generator)
            let bias = randomTensor([10], &generator)
            var expected = Tensor(shape: [])
            try gemmNaive(&expected, Tensor(shape: [inputShape[0], features], data: input.data), weights, bias, transB: true)
            let primitive = try InnerProductPrimitive(context: context, inputShape: inputShape, weights: weights, bias: bias)
            assertClose(try primitive(input), expected, relativeTolerance: 1e-4, "\(inputShape)")
            let replacement = randomTensor([10, features], &generator)
            try primitive.replaceWeights(replacement)
            let fresh = try InnerProductPrimitive(context: context, inputShape: inputShape, weights: replacement, bias: bias)
            XCTAssertEqual(try primitive(input), try fresh(input), "replaced \(inputShape)")
        }
    }

    func testInnerProductRejectsMismatchedWeights() throws {
        let context = try DNNLContext()
        XCTAssertThrowsError(try InnerProductPrimitive(context: context, inputShape: [2, 5],
                                                       weights: Tensor(shape: [3, 4]), bias: nil)) { error in
            XCTAssertEqual(error as? KernelError, .shapeMismatch(op: "Gemm", argument: "weights",
                                                                  expected: [3, 5], actual: [3, 4]))
        }
    }

    static let poolCases: [(name: String, geometry: Pool2DGeometry)] = [
        ("2x2 stride 2", Pool2DGeometry(batch: 1, channels: 3, inHeight: 8, inWidth: 8, kernel: (2, 2), strides: (2, 2))),
        ("3x3 stride 2 pad 1 batch 3", Pool2DGeometry(batch: 3, channels: 16, inHeight: 11, inWidth: 9,
                                                       kernel: (3, 3), strides: (2, 2), pads: (1, 1, 1, 1))),
        ("asymmetric pads", Pool2DGeometry(batch: 1, channels: 5, inHeight: 7, inWidth: 6, kernel: (3, 2),
                                            strides: (1, 2), pads: (0, 1, 2, 0))),
        ("ceil mode", Pool2DGeometry(batch: 2, channels: 4, inHeight: 10, inWidth: 7, kernel: (3, 3),
                                      strides: (2, 2), ceilMode: true)),
        ("dilated", Pool2DGeometry(batch: 1, channels: 2, inHeight: 9, inWidth: 9, kernel: (2, 2),
                                    pads: (1, 1, 1, 1), dilations: (2, 2))),
    ]

    func testPoolingMatchesNaiveInAllModes() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 22)
        let kinds: [PoolKind] = [.max, .average(countIncludePad: false), .average(countIncludePad: true)]
        for (name, geometry) in Self.poolCases {
            let input = randomTensor(geometry.inputShape, &generator)
            for kind in kinds {
                var expected = Tensor(shape: [])
                try pool2dNaive(&expected, input, geometry, kind)
                if kind == .average(countIncludePad: true), geometry.ceilExtraBottom + geometry.ceilExtraRight > 0 {
                    XCTAssertThrowsError(try Pool2DPrimitive(context: context, geometry: geometry, kind: kind))
                    continue
                }
                let primitive = try Pool2DPrimitive(context: context, geometry: geometry, kind: kind)
                assertClose(try primitive(input), expected, relativeTolerance: 1e-5, "\(name) \(kind)")
            }
        }
    }

    func testPoolingReadsABlockedConvolutionOutput() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 23)
        let conv = Conv2DGeometry(batch: 2, inChannels: 3, inHeight: 12, inWidth: 12, outChannels: 32,
                                  kernel: (3, 3), pads: (1, 1, 1, 1))
        let pool = Pool2DGeometry(batch: 2, channels: 32, inHeight: 12, inWidth: 12, kernel: (3, 3),
                                  strides: (2, 2), pads: (1, 1, 1, 1))
        let input = randomTensor(conv.inputShape, &generator), weights = randomTensor(conv.weightShape, &generator)
        let convolution = try Conv2DPrimitive(context: context, geometry: conv, weights: weights, bias: nil)
        let pooling = try Pool2DPrimitive(context: context, geometry: pool, kind: .max)
        let hidden = try convolution.makeDestination()
        try convolution.execute(DNNLTensor(input, context: context), into: hidden)
        let pooled = try pooling.makeDestination(for: hidden)
        try pooling.execute(hidden, into: pooled)
        XCTAssertTrue(pooled.hasSameLayout(as: try pooling.makeDestination(for: hidden)))
        var convolved = Tensor(shape: []), expected = Tensor(shape: [])
        try conv2dNaive(&convolved, input, weights, nil, conv)
        try pool2dNaive(&expected, convolved, pool, .max)
        assertClose(try pooled.toTensor(), expected, relativeTolerance: 1e-4, "conv → pool")
    }

    func testPoolGeometryCeilModeFollowsOnnxRuntime() {
        // (10 − 3) / 2 = 3.5: floor gives 4 outputs, ceil 5.
        XCTAssertEqual(Self.poolCases[3].geometry.outHeight, 5)
        XCTAssertEqual(Self.poolCases[3].geometry.ceilExtraBottom, 1)
        // A last window that would start in the right padding is dropped.
        let edge = Pool2DGeometry(batch: 1, channels: 1, inHeight: 5, inWidth: 5, kernel: (2, 2),
                                  strides: (2, 2), pads: (1, 1, 1, 1), ceilMode: true)
        // ⌈(7 − 2) / 2⌉ + 1 = 4, and (4 − 1)·2 = 6 ≥ 5 + 1, so 3.
        XCTAssertEqual(edge.outHeight, 3)
    }
}
