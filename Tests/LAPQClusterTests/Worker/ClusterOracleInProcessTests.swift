import Foundation
import LAPQCalibration
import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// The cluster oracle over real sockets on 127.0.0.1, with an in-process worker: equal to the
/// local oracle, and unharmed by garbage, foreign-version and malformed frames (dropped, counted).
final class ClusterOracleInProcessTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    func testGarbageFramesAreDroppedAndCountedAndTheLossIsExact() throws {
        let modelURL = example.appendingPathComponent("digits.onnx")
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let graph = try ONNXImporter.load(contentsOf: modelURL)
        let plan = QuantizationPlan(graph: graph, weightBits: 4, activationBits: 4)
        let oracle = try ClusterLossOracle(model: try ONNXModelFiles(contentsOf: modelURL), plan: plan,
                                           stores: [store], options: .init(bind: "tcp://127.0.0.1:*"), log: { _ in })

        let context = try ZMQContext()
        let intruder = try ZMQSocket(context: context, kind: .dealer)
        try intruder.connect(oracle.endpoint)
        var valid = Message(runID: 42, body: .heartbeat(Heartbeat(progress: 1, busy: false))).encoded()
        valid[4] = 99   // protocol version 99
        for frame in [[UInt8](repeating: 0xAB, count: 100), [], Array("LAPQ".utf8), valid] { try intruder.send([frame]) }
        try intruder.send([[1, 2], [3]])   // two frames: not a lapq message at all

        let worker = try WorkerRuntime(options: .init(connect: oracle.endpoint, name: "in-process", threads: 1), log: { _ in })
        defer { worker.stop() }
        let vectors: [StepVector] = [.float, .quantized(plan.points.indices.map { 0.04 + 0.01 * Double($0) })]
        let local = try LocalLossOracle(graph: graph, plan: plan, shards: store, threadsPerWorker: 1)
        XCTAssertEqual(try oracle.evaluate(vectors), try local.evaluate(vectors))
        XCTAssertGreaterThanOrEqual(oracle.counters.malformed, 4, "\(oracle.counters)")
    }

    /// One session, two data sets: the worker evaluates the validation set as well (the session
    /// computes nothing itself), and each set's scores are the local oracle's over that set, bit
    /// for bit.
    func testTheValidationSetGoesThroughTheSameWorkers() throws {
        try assertEachSetIsExact(validationManifest: "val.json")
    }

    /// The calibration manifest given as the validation set too: every validation shard has the
    /// bytes (digest) of a calibration shard the worker holds under another id.
    func testAValidationSetWithTheCalibrationSetsBytes() throws {
        try assertEachSetIsExact(validationManifest: "calib.json")
    }

    private func assertEachSetIsExact(validationManifest: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let modelURL = example.appendingPathComponent("digits.onnx")
        let calibration = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let validation = try ShardStore(manifestAt: example.appendingPathComponent(validationManifest))
        let graph = try ONNXImporter.load(contentsOf: modelURL)
        let plan = QuantizationPlan(graph: graph, weightBits: 4, activationBits: 4)
        var options = ClusterLossOracle.Options(bind: "tcp://127.0.0.1:*")
        options.evaluationTimeout = .seconds(60)
        let session = try ClusterLossOracle(model: try ONNXModelFiles(contentsOf: modelURL), plan: plan,
                                            stores: [calibration, validation], options: options, log: { _ in })
        let worker = try WorkerRuntime(options: .init(connect: session.endpoint, name: "in-process", threads: 1), log: { _ in })
        defer { worker.stop() }
        let vectors: [StepVector] = [.float, .quantized(plan.points.indices.map { 0.04 + 0.01 * Double($0) })]
        for (index, store) in [calibration, validation].enumerated() {
            let local = try LocalLossOracle(graph: graph, plan: plan, shards: store, threadsPerWorker: 1)
            XCTAssertEqual(try session.oracle(forSet: index).evaluate(vectors), try local.evaluate(vectors), "set \(index)",
                           file: file, line: line)
        }
    }
}
