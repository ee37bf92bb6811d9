import Foundation
import LAPQCalibration
import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// Nothing an evaluation needs waits for a socket loop's tick: with both ticks set to a minute,
/// a worker joins, loads the model and shards and answers evaluations well inside an evaluation
/// timeout shorter than one tick. A timed-out evaluation leaves nothing behind.
final class EventDrivenClusterTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    private struct Fixture {
        let graph: Graph
        let plan: QuantizationPlan
        let store: ShardStore
        let oracle: ClusterLossOracle
    }

    private func makeOracle(tick: Duration, timeout: Duration) throws -> Fixture {
        let modelURL = example.appendingPathComponent("digits.onnx")
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let graph = try ONNXImporter.load(contentsOf: modelURL)
        let plan = QuantizationPlan(graph: graph, weightBits: 4, activationBits: 4)
        var options = ClusterLossOracle.Options(bind: "tcp://127.0.0.1:*")
        options.tickInterval = tick
        options.evaluationTimeout = timeout
        let oracle = try ClusterLossOracle(model: try ONNXModelFiles(contentsOf: modelURL), plan: plan,
                                           stores: [store], options: options, log: { _ in })
        return Fixture(graph: graph, plan: plan, store: store, oracle: oracle)
    }

    private func startWorker(_ endpoint: String, tick: Duration) throws -> WorkerRuntime {
        var options = WorkerRuntime.Options(connect: endpoint, name: "event-driven", threads: 1)
        options.tickInterval = tick
        return try WorkerRuntime(options: options, log: { _ in })
    }

    func testEvaluationsNeverWaitForATick() throws {
        // A tick would come after 60 s; any step that waited for one times out after 30.
        let fixture = try makeOracle(tick: .seconds(60), timeout: .seconds(30))
        let worker = try startWorker(fixture.oracle.endpoint, tick: .seconds(60))
        defer { worker.stop() }
        let local = try LocalLossOracle(graph: fixture.graph, plan: fixture.plan, shards: fixture.store, threadsPerWorker: 1)
        for step in 0..<5 {
            let vectors: [StepVector] = [.quantized(fixture.plan.points.indices.map { 0.04 + 0.01 * Double($0 + step) })]
            XCTAssertEqual(try fixture.oracle.evaluate(vectors), try local.evaluate(vectors), "evaluation \(step)")
        }
        XCTAssertEqual(try fixture.oracle.activationMaxima(), try local.activationMaxima())
    }

    func testATimedOutEvaluationLeavesNothingBehind() throws {
        let fixture = try makeOracle(tick: .milliseconds(100), timeout: .milliseconds(300))
        let vectors: [StepVector] = [.float]
        XCTAssertThrowsError(try fixture.oracle.evaluate(vectors), "no worker: the evaluation times out") { error in
            guard case ClusterError.timedOut = error else { return XCTFail("\(error)") }
        }
        try waitUntil("the abandoned evaluation is forgotten") {
            let unfinished = fixture.oracle.unfinishedRequests
            return unfinished.waiters == 0 && unfinished.queued == 0 && unfinished.open == nil
        }
        XCTAssertEqual(fixture.oracle.counters.abandonedEvaluations, 1)
        // The run goes on: a worker joins and the next evaluation is exact.
        fixture.oracle.evaluationTimeout = .seconds(120)
        let worker = try startWorker(fixture.oracle.endpoint, tick: .milliseconds(100))
        defer { worker.stop() }
        let local = try LocalLossOracle(graph: fixture.graph, plan: fixture.plan, shards: fixture.store, threadsPerWorker: 1)
        XCTAssertEqual(try fixture.oracle.evaluate(vectors), try local.evaluate(vectors))
        XCTAssertEqual(fixture.oracle.unfinishedRequests.waiters, 0)
    }

    /// A shard file that changes after the coordinator started (its SHA-256 no longer matches)
    /// fails the evaluation at once, naming the shard, instead of leaving it waiting for a LOAD.
    func testAShardTheCoordinatorCannotReadFailsTheEvaluation() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-changed-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: example, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let modelURL = copy.appendingPathComponent("digits.onnx")
        let store = try ShardStore(manifestAt: copy.appendingPathComponent("calib.json"))
        let plan = QuantizationPlan(graph: try ONNXImporter.load(contentsOf: modelURL), weightBits: 4, activationBits: 4)
        var options = ClusterLossOracle.Options(bind: "tcp://127.0.0.1:*")
        options.evaluationTimeout = .seconds(120)
        let oracle = try ClusterLossOracle(model: try ONNXModelFiles(contentsOf: modelURL), plan: plan, stores: [store],
                                           options: options, log: { _ in })
        // Every image byte changes: whichever shard is read first no longer hashes to the manifest.
        let images = copy.appendingPathComponent("calib_images.npy")
        var bytes = Array(try Data(contentsOf: images))
        for index in (bytes.count - 397 * 64)..<bytes.count { bytes[index] ^= 0xFF }
        try Data(bytes).write(to: images)
        let worker = try startWorker(oracle.endpoint, tick: .milliseconds(100))
        defer { worker.stop() }
        XCTAssertThrowsError(try oracle.evaluate([.float])) { error in
            XCTAssertTrue("\(error)".contains("cannot read shard"), "\(error)")
        }
        XCTAssertEqual(oracle.unfinishedRequests.waiters, 0)
    }

    /// Polls `condition` every 10 ms for up to 10 s (a liveness bound, not a speed claim).
    private func waitUntil(_ what: String, _ condition: () -> Bool) throws {
        for _ in 0..<1000 {
            if condition() { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTFail("timed out waiting until \(what)")
    }
}
