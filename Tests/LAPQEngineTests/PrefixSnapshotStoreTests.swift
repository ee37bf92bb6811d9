import XCTest
import LAPQMath
@testable import LAPQEngine

/// The prefix-snapshot budget under the order evaluations run batches in: every batch, in the
/// same order, again and again. A least-recently-stored budget over more batches than fit
/// would evict each snapshot just before its batch comes round, and reuse nothing.
final class PrefixSnapshotStoreTests: XCTestCase {
    private func snapshot(bytes: Int) -> PrefixSnapshot {
        PrefixSnapshot(position: 1, stepSizes: [], values: [:], byteCount: bytes)
    }

    /// One evaluation: each key's batch runs, resuming where it holds a snapshot and storing
    /// one where it does not (as `Executor.runOutputs` does while a line search changes one
    /// point); the keys that resumed.
    private func evaluate(_ keys: [String], on store: inout PrefixSnapshotStore, bytes: Int = 10) -> [String] {
        keys.filter { key in
            let previousRun = store.beginRun(key)
            if store.snapshot(for: key) != nil { return true }
            store.store(snapshot(bytes: bytes), for: key, previousRun: previousRun)
            XCTAssertLessThanOrEqual(store.storedBytes, store.budgetBytes)
            return false
        }
    }

    func testMoreBatchesThanFitKeepTheSnapshotsOfTheFirstOnes() {
        var store = PrefixSnapshotStore(budgetBytes: 30)
        let keys = ["a", "b", "c", "d", "e"]
        XCTAssertEqual(evaluate(keys, on: &store), [])
        for _ in 0..<3 {
            XCTAssertEqual(evaluate(keys, on: &store), ["a", "b", "c"], "three of five snapshots fit, and stay")
        }
    }

    func testBatchesNoLongerRunMakeRoomForThoseThatAre() {
        var store = PrefixSnapshotStore(budgetBytes: 20)
        for _ in 0..<2 { _ = evaluate(["a", "b"], on: &store) }
        XCTAssertEqual(evaluate(["c", "d"], on: &store), [], "new batches displace nothing on their first run")
        XCTAssertEqual(evaluate(["c", "d"], on: &store), [], "but on their second, a and b were run longer ago")
        XCTAssertEqual(evaluate(["c", "d"], on: &store), ["c", "d"])
        XCTAssertNil(store.snapshot(for: "a"))
        XCTAssertNil(store.snapshot(for: "b"))
    }

    func testAReplacedSnapshotFreesItsOwnBytesAndALargerOneFitsWhenRoomAllows() {
        var store = PrefixSnapshotStore(budgetBytes: 30)
        _ = evaluate(["a", "b"], on: &store)
        XCTAssertEqual(store.storedBytes, 20)
        let previous = store.beginRun("a")
        store.store(snapshot(bytes: 20), for: "a", previousRun: previous)
        XCTAssertEqual(store.storedBytes, 30)
        XCTAssertNotNil(store.snapshot(for: "a"))
        store.store(snapshot(bytes: 31), for: "b", previousRun: store.beginRun("b"))
        XCTAssertNil(store.snapshot(for: "b"), "a snapshot over the whole budget is not kept")
        XCTAssertEqual(store.storedBytes, 20)
    }

    /// The executor over three batches with room for two snapshots: one point's Δ changes
    /// evaluation after evaluation, as in a line search. Two batches resume every time, and
    /// every output is what a fresh executor computes.
    func testAnExecutorWithRoomForTwoOfThreeBatchesResumesTwo() throws {
        let golden = try QuantizedGoldens.golden("resnet", weightBits: 4, activationBits: 4)
        let graph = try golden.graph()
        let plan = golden.plan(for: graph)
        let input = try FixtureIndex.tensor(golden.input)
        let point = plan.points.indices.max { plan.points[$0].position < plan.points[$1].position }!
        let vectors = [1.0, 1.1, 1.2, 1.3].map { factor in
            golden.stepSizes.enumerated().map { $0.offset == point ? $0.element * factor : $0.element }
        }
        // One snapshot's size and one resume's skipped work, from an executor with room for it.
        let probe = try Executor(graph: graph, plan: plan, options: .init(threads: 2, prefixCacheBytes: 1 << 30))
        var prefixMACs = 0
        for steps in vectors.prefix(3) {
            try probe.setStepSizes(steps)
            let before = probe.reuseStatistics.skippedMACs
            _ = try probe.run(input, cacheKey: "probe")
            prefixMACs = probe.reuseStatistics.skippedMACs - before
        }
        let snapshotBytes = probe.prefixCacheStoredBytes
        XCTAssertGreaterThan(snapshotBytes, 0)
        XCTAssertGreaterThan(prefixMACs, 0)

        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 2, prefixCacheBytes: snapshotBytes * 5 / 2))
        let fresh = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
        for (index, steps) in vectors.enumerated() {
            try executor.setStepSizes(steps)
            try fresh.setStepSizes(steps)
            let expected = try fresh.run(input)
            let skippedBefore = executor.reuseStatistics.skippedMACs
            for batch in 0..<3 { XCTAssertEqual(try executor.run(input, cacheKey: batch), expected, "vector \(index), batch \(batch)") }
            let skipped = executor.reuseStatistics.skippedMACs - skippedBefore
            if index >= 2 { XCTAssertEqual(skipped, 2 * prefixMACs, "vector \(index): two of three batches resume") }
        }
    }
}
