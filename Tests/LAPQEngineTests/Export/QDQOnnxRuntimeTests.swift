import XCTest
@testable import LAPQEngine

/// The exported models run in onnxruntime and reproduce lapq's fake-quant logits, in every
/// `QDQExportFormat`: each case is handed to Scripts/check-qdq.py (see its doc string for the
/// criterion). Skipped, saying why, when python3 with onnx and onnxruntime is not installed (a
/// failure under Scripts/test, which sets LAPQ_REQUIRE_PYTHON_TOOLS=1).
final class QDQOnnxRuntimeTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        let probe = try PythonCheck.run(["-c", "import onnx, onnxruntime"])
        if probe.status != 0 {
            // Scripts/test provides the tools and sets this, so CI can never skip the check.
            if ProcessInfo.processInfo.environment["LAPQ_REQUIRE_PYTHON_TOOLS"] == "1" {
                XCTFail("python3 with onnx and onnxruntime is required here: \(probe.output)")
            }
            throw XCTSkip("python3 with onnx and onnxruntime is not available: \(probe.output)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-qdq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try FileManager.default.removeItem(at: directory) }
    }

    func testOnnxRuntimeReproducesLapqOnResNetAndMobileNet() throws {
        for (fixture, weightBits) in [("resnet", 4), ("resnet", 2), ("mobilenet_v2", 4), ("mobilenet_v2", 2)] {
            try checkEveryFormat(QDQExportCase(fixture: fixture, weightBits: weightBits, activationBits: 4))
        }
    }

    /// The int4 format's three activation forms and its int8 fall-back, run by onnxruntime:
    /// 3-bit points (a float Clip before an int4/uint4 QuantizeLinear), 8-bit points beside
    /// 4-bit ones, and mixed plans of 2…8 bits whose signed and unsigned activations cover every
    /// form (mobilenet_v2 has signed activations, resnet unsigned ones); and 4-bit weights read
    /// straight by MatMul (vgg) and Gemm (gemm_scaled), every layer quantized.
    func testOnnxRuntimeReproducesLapqAtEveryBitWidth() throws {
        var cases = try [(3, 3), (4, 8), (8, 4)].flatMap { weightBits, activationBits in
            try ["resnet", "mobilenet_v2"].map {
                try QDQExportCase(fixture: $0, weightBits: weightBits, activationBits: activationBits)
            }
        }
        for fixture in ["resnet", "mobilenet_v2"] {
            cases.append(try QDQExportCase(fixture: fixture, weightBits: 4, activationBits: 4, pointBits: QDQExportCase.mixedBits))
        }
        func everyLayer(_ weightBits: Int, _ activationBits: Int) -> PlanSettings {
            PlanSettings(weightBits: weightBits, activationBits: activationBits, quantizeFirstLayer: true, quantizeLastLayer: true)
        }
        cases.append(try QDQExportCase(fixture: "vgg", plan: everyLayer(4, 32)))
        cases.append(try QDQExportCase(fixture: "gemm_scaled", plan: everyLayer(3, 32)))
        for exportCase in cases { try checkEveryFormat(exportCase) }
    }

    /// Real exporter output with its Slice + Pad shortcuts (a zero pad of quantized codes, read
    /// by an Add and by the next quantized Conv through the ReLU), from both of torch's exporters:
    /// the default plan and every layer quantized.
    func testOnnxRuntimeReproducesLapqOnTorchExportsWithPad() throws {
        for fixture in ["exports/resnet20_ts", "exports/resnet20_dynamo"] {
            try checkEveryFormat(QDQExportCase(fixture: fixture, weightBits: 4, activationBits: 4, batchSize: 16))
            let all = PlanSettings(weightBits: 3, activationBits: 3, quantizeFirstLayer: true, quantizeLastLayer: true)
            try checkEveryFormat(QDQExportCase(fixture: fixture, plan: all, batchSize: 16))
        }
    }

    /// HardSwish, absent from opset 13, is exported as HardSigmoid(1/6, 0.5) → Mul and must
    /// still reproduce lapq: before quantized convolutions (both fixtures) and next to a
    /// HardSigmoid with other constants, whose output is an unsigned point (hard_activations).
    func testOnnxRuntimeReproducesLapqOnHardSwishNetworks() throws {
        for (fixture, weightBits) in [("mobilenet_v3", 4), ("mobilenet_v3", 2), ("hard_activations", 4)] {
            try checkEveryFormat(QDQExportCase(fixture: fixture, weightBits: weightBits, activationBits: 4))
        }
    }

    /// The operators of the ShuffleNet, DenseNet and ConvNeXt families (Slice, Transpose,
    /// ReduceMean with its axes as attribute at opset 13 and as input at opset 21, ScaleShift,
    /// the LayerNorm and GELU pieces, rank-4 MatMul) are written so that onnxruntime
    /// reproduces lapq, every layer quantized; gelu_opset20 has the non-spatial ReduceMean.
    func testOnnxRuntimeReproducesLapqOnTheNewerFamilies() throws {
        for fixture in ["channel_shuffle", "dense_block", "convnext_block", "gelu_opset20"] {
            let all = PlanSettings(weightBits: 4, activationBits: 4, quantizeFirstLayer: true, quantizeLastLayer: true)
            try checkEveryFormat(QDQExportCase(fixture: fixture, plan: all))
        }
    }

    /// Bias-corrected weights (DequantizeLinear → Sub) reproduce lapq's corrected network, with
    /// the output channel on every weight layout: Conv (ResNet), MatMul (VGG, all layers),
    /// Gemm with transB = 0 and with alpha/beta (gemm_scaled, weights only).
    func testOnnxRuntimeReproducesBiasCorrectedWeights() throws {
        for (fixture, weightBits, activationBits) in [("resnet", 4, 4), ("vgg", 2, 4), ("gemm_scaled", 2, 32)] {
            let all = PlanSettings(weightBits: weightBits, activationBits: activationBits, quantizeFirstLayer: true,
                                   quantizeLastLayer: true, correctsWeightBias: true)
            try checkEveryFormat(QDQExportCase(fixture: fixture, plan: all))
        }
    }

    /// Per-channel weights (a per-axis DequantizeLinear of the weight, per-channel int32 bias
    /// scales) reproduce lapq on every weight layout: Conv (ResNet, MobileNetV2's depthwise
    /// convolutions), MatMul (VGG, all layers, axis 1), Gemm with transB = 0 and alpha/beta
    /// (gemm_scaled), at 4 and 2 bits, and bias-corrected.
    func testOnnxRuntimeReproducesPerChannelWeights() throws {
        func perChannel(_ weightBits: Int, _ activationBits: Int, everyLayer: Bool = false,
                        corrected: Bool = false) -> PlanSettings {
            PlanSettings(weightBits: weightBits, activationBits: activationBits, quantizeFirstLayer: everyLayer,
                         quantizeLastLayer: everyLayer, correctsWeightBias: corrected, weightGranularity: .perChannel)
        }
        var cases: [QDQExportCase] = []
        for fixture in ["resnet", "mobilenet_v2"] {
            for weightBits in [4, 2] { cases.append(try QDQExportCase(fixture: fixture, plan: perChannel(weightBits, 4))) }
        }
        cases.append(try QDQExportCase(fixture: "vgg", plan: perChannel(4, 32, everyLayer: true)))
        cases.append(try QDQExportCase(fixture: "gemm_scaled", plan: perChannel(3, 32, everyLayer: true)))
        cases.append(try QDQExportCase(fixture: "resnet", plan: perChannel(3, 3, corrected: true)))
        for exportCase in cases {
            XCTAssertTrue(exportCase.plan.points.contains { $0.stepCount > 1 }, exportCase.name)
            try checkEveryFormat(exportCase)
        }
    }

    /// What `--keep-float` keeps float stays float in the export (no Q/DQ on it) and the model
    /// still reproduces lapq: a layer by its node name, an activation by its tensor name.
    func testOnnxRuntimeReproducesKeptFloatLayers() throws {
        let graph = try FixtureIndex.graph("resnet")
        let plain = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: 4, activationBits: 4))
        let layer = try XCTUnwrap(plain.points.first { $0.kind == .weight }?.consumers.first)
        let activation = try XCTUnwrap(plain.points.last { $0.kind == .activation }?.tensor)
        let weight = try XCTUnwrap(plain.points.last { $0.kind == .weight }?.tensor)
        for pattern in [layer, activation, weight] {
            let exportCase = try QDQExportCase(fixture: "resnet", plan: PlanSettings(weightBits: 4, activationBits: 4,
                                                                                     keepFloat: [pattern]))
            XCTAssertLessThan(exportCase.plan.points.count, plain.points.count, exportCase.name)
            let model = try Onnx_ModelProto(serializedBytes: exportCase.exported(.int8))
            let quantizedTensors = model.graph.node.filter { $0.opType == "QuantizeLinear" }.map { $0.input[0] }
                + model.graph.initializer.map(\.name).filter { $0.hasSuffix("_quantized") }
            let kept = pattern == layer ? try XCTUnwrap(graph.nodes.first { $0.name == layer }).inputs[1] : pattern
            XCTAssertFalse(quantizedTensors.contains { $0 == kept || $0 == kept + "_quantized" }, exportCase.name)
            try checkEveryFormat(exportCase)
        }
    }

    /// The check sees the correction: the uncorrected export does not reproduce lapq's
    /// bias-corrected output.
    func testCheckRejectsAnUncorrectedExportOfACorrectedNetwork() throws {
        let everyLayer = PlanSettings(weightBits: 2, activationBits: 4, quantizeFirstLayer: true, quantizeLastLayer: true)
        var corrected = everyLayer
        corrected.correctsWeightBias = true
        let plain = try QDQExportCase(fixture: "vgg", plan: everyLayer)
        let correctedOutput = try QDQExportCase(fixture: "vgg", plan: corrected).lapqOutput()
        for format in QDQExportFormat.allCases {
            let result = try check(plain, format: format, stepSizes: plain.stepSizes, lapqOutput: correctedOutput)
            XCTAssertEqual(result.status, 1, "\(format): \(result.output)")
        }
    }

    /// The check can fail: a model exported with one activation's Δ changed no longer matches.
    func testCheckRejectsAModelWithAnotherGrid() throws {
        let exportCase = try QDQExportCase(fixture: "resnet", weightBits: 4, activationBits: 4)
        var altered = exportCase.stepSizes
        let activation = try XCTUnwrap(exportCase.plan.points.firstIndex { $0.kind == .activation })
        altered[activation] *= 1.5
        for format in QDQExportFormat.allCases {
            let result = try check(exportCase, format: format, stepSizes: altered, lapqOutput: exportCase.lapqOutput())
            XCTAssertEqual(result.status, 1, "\(format): \(result.output)")
            XCTAssertTrue(result.output.contains("FAIL"), "\(format): \(result.output)")
        }
    }

    /// The case exported in every format reproduces lapq in onnxruntime.
    private func checkEveryFormat(_ exportCase: QDQExportCase, file: StaticString = #filePath, line: UInt = #line) throws {
        let lapqOutput = try exportCase.lapqOutput()
        for format in QDQExportFormat.allCases {
            let result = try check(exportCase, format: format, stepSizes: exportCase.stepSizes, lapqOutput: lapqOutput)
            print(result.output, terminator: "")
            XCTAssertEqual(result.status, 0, "\(exportCase.name), \(format): \(result.output)", file: file, line: line)
        }
    }

    private func check(_ exportCase: QDQExportCase, format: QDQExportFormat, stepSizes: [Double],
                       lapqOutput: Tensor) throws -> PythonCheck.Result {
        let stem = exportCase.name.replacingOccurrences(of: " ", with: "-")
        let model = directory.appendingPathComponent("\(stem).\(format.rawValue).onnx")
        let input = directory.appendingPathComponent("\(stem).input.f32")
        let output = directory.appendingPathComponent("\(stem).lapq.f32")
        try exportCase.exported(format, stepSizes: stepSizes).write(to: model)
        try exportCase.input.littleEndianBytes.write(to: input)
        try lapqOutput.littleEndianBytes.write(to: output)
        return try PythonCheck.run([PythonCheck.script.path, model.path, input.path, output.path])
    }
}

/// Runs python3 (from PATH) and collects its exit status and combined output.
enum PythonCheck {
    struct Result {
        let status: Int32
        let output: String
    }

    /// Scripts/check-qdq.py of this checkout.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/check-qdq.py")

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read before waiting, so a chatty child cannot block on a full pipe.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
