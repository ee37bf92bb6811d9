import Foundation
import LAPQCalibration
import LAPQEngine
import Synchronization
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// `WorkerComputeQueue` carries out `.cancelJob`: a running job stops at the next shard boundary
/// and reports no output, and the queue goes on with the next job.
final class WorkerComputeQueueCancelTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    func testACancelledJobStopsBetweenShardsAndTheNextOneRuns() throws {
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let onnx = Array(try Data(contentsOf: example.appendingPathComponent("digits.onnx")))
        let settings = PlanSettings(weightBits: 4, activationBits: 4)
        let queue = try WorkerComputeQueue(threads: 1, prefixCacheBytes: 0)
        let package = try ModelPackage(plan: settings, onnx: onnx).encoded()
        var items = [StoredItem(item: .model, sha256: SHA256Digest(of: package), bytes: package, shardFacts: nil)]
        for id in store.shardIDs {
            let bytes = try store.verifiedBytes(shard: id)
            items.append(StoredItem(item: .shard(id), sha256: SHA256Digest(of: bytes.images + bytes.labels),
                                    bytes: bytes.images + bytes.labels, shardFacts: ShardFacts(store: store, shard: id)))
        }
        let stored = DispatchSemaphore(value: 0)
        for item in items { queue.store(item) { _ in stored.signal() } }
        for _ in items { stored.wait() }

        let shards = items.dropFirst().map { JobShard(id: $0.item.shardID ?? -1, sha256: $0.sha256) }
        let pointCount = QuantizationPlan(graph: try ONNXImporter.load(serialized: Data(onnx), file: "digits", baseDirectory: nil),
                                          settings: settings).points.count
        let vectors: [StepVector] = (0..<4).map { step in .quantized((0..<pointCount).map { 0.04 + 0.01 * Double($0 + step) }) }
        func job(_ id: UInt64) -> WorkerJob {
            WorkerJob(runID: 1, evaluationID: id, attempt: 1, stepHash: 0, shards: shards, work: .scores(vectors))
        }
        let batches = Mutex(0)
        let outputs = Mutex<[UInt64: ShardOutcomes<ShardAnswer>?]>([:])
        let finished = DispatchSemaphore(value: 0)
        queue.run(job(1), progress: {
            // The first finished shard asks for the stop; the job must not compute another.
            if batches.withLock({ count in count += 1; return count }) == 1 { queue.cancel(evaluationID: 1) }
        }, finished: { output in
            outputs.withLock { $0[1] = .some(output) }
            finished.signal()
        })
        finished.wait()
        XCTAssertEqual(batches.withLock { $0 }, 1, "stopped at the first boundary, of \(shards.count * vectors.count)")
        XCTAssertEqual(outputs.withLock { $0[1] }, .some(nil), "a cancelled job has no output")

        queue.cancel(evaluationID: 1)   // too late for job 2, which is another evaluation
        queue.run(job(2), progress: {}, finished: { output in
            outputs.withLock { $0[2] = .some(output) }
            finished.signal()
        })
        finished.wait()
        guard case let .completed(scores)?? = outputs.withLock({ $0[2] }) else {
            return XCTFail("job 2: \(String(describing: outputs.withLock { $0[2] }))")
        }
        XCTAssertEqual(Set(scores.keys), Set(store.shardIDs))
    }
}
