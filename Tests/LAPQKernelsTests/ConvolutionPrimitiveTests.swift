import XCTest
import LAPQKernels

/// oneDNN convolution against its naive twin. Tolerance: 1e-4 × max(1, max |reference|),
/// several times the float32 rounding of a length-(C/G·kH·kW) dot product at these sizes.
final class ConvolutionPrimitiveTests: XCTestCase {
    static let tolerance: Float = 1e-4

    static let cases: [(name: String, geometry: Conv2DGeometry)] = [
        ("1x1", Conv2DGeometry(batch: 1, inChannels: 16, inHeight: 8, inWidth: 8, outChannels: 32, kernel: (1, 1))),
        ("3x3 pad 1 batch 3", Conv2DGeometry(batch: 3, inChannels: 8, inHeight: 9, inWidth: 7, outChannels: 16,
                                              kernel: (3, 3), pads: (1, 1, 1, 1))),
        ("7x7 stride 2 RGB", Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 23, inWidth: 19, outChannels: 16,
                                             kernel: (7, 7), strides: (2, 2), pads: (3, 3, 3, 3))),
        ("depthwise 3x3", Conv2DGeometry(batch: 3, inChannels: 32, inHeight: 11, inWidth: 11, outChannels: 32,
                                          kernel: (3, 3), pads: (1, 1, 1, 1), groups: 32)),
        ("grouped", Conv2DGeometry(batch: 1, inChannels: 12, inHeight: 10, inWidth: 9, outChannels: 18,
                                    kernel: (3, 3), pads: (1, 1, 1, 1), groups: 3)),
        ("dilated", Conv2DGeometry(batch: 1, inChannels: 8, inHeight: 13, inWidth: 13, outChannels: 8,
                                    kernel: (3, 3), pads: (2, 2, 2, 2), dilations: (2, 2))),
        ("asymmetric pads", Conv2DGeometry(batch: 3, inChannels: 5, inHeight: 7, inWidth: 10, outChannels: 7,
                                            kernel: (3, 2), strides: (2, 1), pads: (0, 1, 2, 0))),
        ("1x1 stride 2 batch 8", Conv2DGeometry(batch: 8, inChannels: 8, inHeight: 16, inWidth: 16, outChannels: 16,
                                                 kernel: (1, 1), strides: (2, 2))),
        ("odd everything", Conv2DGeometry(batch: 1, inChannels: 3, inHeight: 5, inWidth: 6, outChannels: 5,
                                           kernel: (5, 3), strides: (1, 2), pads: (2, 0, 1, 1), dilations: (1, 2))),
    ]

    func testMatchesNaiveOverShapeTable() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 11)
        for (name, geometry) in Self.cases {
            let input = randomTensor(geometry.inputShape, &generator)
            let weights = randomTensor(geometry.weightShape, &generator)
            let bias = randomTensor([geometry.outChannels], &generator)
            var expected = Tensor(shape: [])
            try conv2dNaive(&expected, input, weights, bias, geometry)
            let primitive = try Conv2DPrimitive(context: context, geometry: geometry, weights: weights, bias: bias)
            assertClose(try primitive(input), expected, relativeTolerance: Self.tolerance, name)
            let noBias = try Conv2DPrimitive(context: context, geometry: geometry, weights: weights, bias: nil)
            try conv2dNaive(&expected, input, weights, nil, geometry)
            assertClose(try noBias(input), expected, relativeTolerance: Self.tolerance, "\(name) without bias")
        }
    }

    func testFusedPostOpsMatchNaiveActivations() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 12)
        let geometry = Self.cases[1].geometry
        let input = randomTensor(geometry.inputShape, &generator)
        let weights = randomTensor(geometry.weightShape, &generator)
        var convolved = Tensor(shape: [])
        try conv2dNaive(&convolved, input, weights, nil, geometry)
        var expected = Tensor(shape: [])
        let checks: [(PostOp, (inout Tensor, Tensor) -> Void)] = [
            (.relu, { reluNaive(&$0, $1) }),
            (.clip(lower: -0.5, upper: 0.75), { clipNaive(&$0, $1, lower: -0.5, upper: 0.75) }),
            (.leakyReLU(alpha: 0.1), { leakyReluNaive(&$0, $1, alpha: 0.1) }),
        ]
        for (postOp, reference) in checks {
            reference(&expected, convolved)
            let primitive = try Conv2DPrimitive(context: context, geometry: geometry, weights: weights,
                                                bias: nil, postOps: [postOp])
            assertClose(try primitive(input), expected, relativeTolerance: Self.tolerance, "\(postOp)")
        }
    }

    func testReplacedWeightsEqualAFreshPrimitive() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 13)
        for (name, geometry) in Self.cases {
            let input = randomTensor(geometry.inputShape, &generator)
            let first = randomTensor(geometry.weightShape, &generator)
            let second = randomTensor(geometry.weightShape, &generator)
            let bias = randomTensor([geometry.outChannels], &generator)
            let secondBias = randomTensor([geometry.outChannels], &generator)
            let reused = try Conv2DPrimitive(context: context, geometry: geometry, weights: first, bias: bias)
            _ = try reused(input)
            try reused.replaceWeights(second)
            try reused.replaceBias(secondBias)
            let fresh = try Conv2DPrimitive(context: context, geometry: geometry, weights: second, bias: secondBias)
            XCTAssertEqual(try reused(input), try fresh(input), name)
        }
    }

    func testChainedPrimitivesKeepTheLibraryLayout() throws {
        let context = try DNNLContext()
        var generator = SeededGenerator(seed: 14)
        let geometry = Conv2DGeometry(batch: 2, inChannels: 32, inHeight: 8, inWidth: 8, outChannels: 32,
                                      kernel: (3, 3), pads: (1, 1, 1, 1))
        let input = randomTensor(geometry.inputShape, &generator)
        let (w1, w2) = (randomTensor(geometry.weightShape, &generator), randomTensor(geometry.weightShape, &generator))
        let conv1 = try Conv2DPrimitive(context: context, geometry: geometry, weights: w1, bias: nil, postOps: [.relu])
        let conv2 = try Conv2DPrimitive(context: context, geometry: geometry, weights: w2, bias: nil)
        let middle = try conv1.makeDestination(), output = try conv2.makeDestination()
        try conv1.execute(DNNLTensor(input, context: context), into: middle)
        try conv2.execute(middle, into: output)
        var hidden = Tensor(shape: []), activated = Tensor(shape: []), expected = Tensor(shape: [])
        try conv2dNaive(&hidden, input, w1, nil, geometry)
        reluNaive(&activated, hidden)
        try conv2dNaive(&expected, activated, w2, nil, geometry)
        assertClose(try output.toTensor(), expected, relativeTolerance: Self.tolerance, "chain")
    }

    func testBadGeometryThrowsNamedError() throws {
        let context = try DNNLContext()
        let bad = Conv2DGeometry(batch: 1, inChannels: 6, inHeight: 4, inWidth: 4, outChannels: 4,
                                 kernel: (3, 3), groups: 4)
        XCTAssertThrowsError(try Conv2DPrimitive(context: context, geometry: bad,
                                                 weights: Tensor(shape: [4, 1, 3, 3]), bias: nil)) { error in
            guard case KernelError.invalidGeometry(op: "Conv", let reason) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(reason.contains("groups"), reason)
        }
        let tooSmall = Conv2DGeometry(batch: 1, inChannels: 1, inHeight: 2, inWidth: 2, outChannels: 1, kernel: (3, 3))
        var out = Tensor(shape: [])
        XCTAssertThrowsError(try conv2dNaive(&out, Tensor(shape: [1, 1, 2, 2]), Tensor(shape: [1, 1, 3, 3]), nil, tooSmall))
        let geometry = Self.cases[0].geometry
        XCTAssertThrowsError(try Conv2DPrimitive(context: context, geometry: geometry,
                                                 weights: Tensor(shape: [32, 16, 3, 3]), bias: nil)) { error in
            XCTAssertEqual(error as? KernelError, .shapeMismatch(op: "Conv", argument: "weights",
                                                                  expected: [32, 16, 1, 1], actual: [32, 16, 3, 3]))
        }
    }
}
