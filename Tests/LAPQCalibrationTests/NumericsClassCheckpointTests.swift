import Foundation
import LAPQEngine
import LAPQMath
import Synchronization
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

/// A distributed run's numerics classes travel through the checkpoint: every checkpoint holds
/// the oracle's shard → class record, and `--resume` hands it back to the new oracle before it
/// evaluates, so a restarted coordinator keeps each shard in its class.
final class NumericsClassCheckpointTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/digits")

    /// The local oracle, reporting a made-up class and recording what it is asked to restore.
    private final class ClassReportingOracle: LossOracle, @unchecked Sendable {
        let inner: LocalLossOracle
        let classes: NumericsClasses
        let restored = Mutex<[NumericsClasses]>([])
        init(_ inner: LocalLossOracle, classes: NumericsClasses) { (self.inner, self.classes) = (inner, classes) }
        var plan: QuantizationPlan { inner.plan }
        func answers(to work: EvaluationWork) throws -> [Int: ShardAnswer] { try inner.answers(to: work) }
        var numericsClasses: NumericsClasses? { classes }
        func restoreNumericsClasses(_ classes: NumericsClasses) throws { restored.withLock { $0.append(classes) } }
    }

    func testTheCheckpointCarriesTheClassesAndAResumeRestoresThem() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-classes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let classes: NumericsClasses = [0xab: Set(store.shardIDs)]
        let oracles = Mutex<[ClassReportingOracle]>([])
        var configuration = CalibrationJob.Configuration(model: example.appendingPathComponent("digits.onnx"),
                                                         calibrationManifest: example.appendingPathComponent("calib.json"),
                                                         plan: PlanSettings(weightBits: 4, activationBits: 4), outputDirectory: out)
        configuration.settings.method = .maxabs
        configuration.makeOracles = { model, plan, sets in
            let oracle = ClassReportingOracle(try LocalLossOracle(graph: try model.graph(file: "digits.onnx"), plan: plan, shards: sets[0], threadsPerWorker: 1), classes: classes)
            oracles.withLock { $0.append(oracle) }
            return [oracle]
        }
        _ = try CalibrationJob(configuration: configuration).run()
        let checkpoint = try CheckpointFile.read(from: out.appendingPathComponent("checkpoint.json"))
        XCTAssertEqual(checkpoint.numericsClasses, classes)
        XCTAssertEqual(oracles.withLock { $0.first?.restored.withLock { $0 } }, [], "a fresh run restores nothing")

        configuration.resume = true
        _ = try CalibrationJob(configuration: configuration).run()
        XCTAssertEqual(oracles.withLock { $0.last?.restored.withLock { $0 } }, [classes])
    }
}
