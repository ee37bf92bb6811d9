import LAPQEngine
import XCTest
@testable import LAPQCalibration

/// `--p-star both`: Powell from the vertex and from the lowest-loss sample, keeping the start that
/// ends lower. Held against the two single-start runs it combines: the same result as the better
/// of them, and their Powell evaluations added.
final class PStarBothTests: XCTestCase {
    private struct Setup {
        let graph: Graph
        let plan: QuantizationPlan
        let oracle: LocalLossOracle
    }

    private func setUp(seed: UInt64, bits: Int) throws -> Setup {
        let graph = try TinyNetwork.graph(seed: seed)
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: bits, activationBits: bits))
        let shards = try TinyNetwork.shards(graph: graph, shardCount: 3, shardSize: 40)
        return Setup(graph: graph, plan: plan,
                     oracle: try LocalLossOracle(graph: graph, plan: plan, shards: shards, workers: 1, threadsPerWorker: 1))
    }

    private func settings(_ rule: PStarRule) -> CalibrationSettings {
        var settings = CalibrationSettings()
        settings.pStarRule = rule
        settings.powell.maxEvaluations = 40
        return settings
    }

    private func run(_ setup: Setup, _ rule: PStarRule, resumeFrom saved: CalibrationRecord? = nil,
                     checkpoint: @escaping (CalibrationRecord) throws -> Void = { _ in }) throws -> CalibrationRecord {
        try CalibrationDriver(graph: setup.graph, plan: setup.plan, oracle: setup.oracle, settings: settings(rule),
                              resumeFrom: saved, checkpoint: checkpoint).run()
    }

    private func stepsFile(_ record: CalibrationRecord, _ setup: Setup) -> StepsFile {
        StepsFile(record: record, plan: setup.plan, model: "m.onnx", calibrationData: "c.json", layerPaths: [], timings: [:])
    }

    /// Seeds 2 and 4 at W3: a sample scores below the vertex (`PStarRuleTests`), so both starts run.
    func testBothKeepsTheLowerOfTheTwoSingleStartRuns() throws {
        var keptSample = 0
        for seed in [UInt64(2), 4] {
            let setup = try setUp(seed: seed, bits: 3)
            let vertex = try run(setup, .vertex), lowest = try run(setup, .lowestLoss), both = try run(setup, .both)
            let context = "seed \(seed)"
            let (kept, other) = try XCTUnwrap(lowest.finalScore?.meanLoss) < XCTUnwrap(vertex.finalScore?.meanLoss)
                ? (lowest, vertex) : (vertex, lowest)
            keptSample += kept == lowest ? 1 : 0
            XCTAssertEqual(both.finalSteps, kept.finalSteps, context)
            XCTAssertEqual(both.finalScore, kept.finalScore, context)
            XCTAssertEqual(both.pStar, kept.pStar, context)
            XCTAssertEqual(both.powellTrace, kept.powellTrace, context)
            XCTAssertEqual(both.initialSteps, kept.initialSteps, context)
            let alternative = try XCTUnwrap(both.alternativeStart, context)
            XCTAssertEqual(alternative.finalSteps, other.finalSteps, context)
            XCTAssertEqual(alternative.finalScore, other.finalScore, context)
            XCTAssertEqual(alternative.pStar, other.pStar, context)
            // Everything before Powell is shared; Powell's evaluations are the two runs' added.
            let powell = CalibrationProgress.Phase.powell.rawValue
            XCTAssertEqual(both.phaseEvaluations?[powell],
                           try XCTUnwrap(vertex.phaseEvaluations?[powell]) + XCTUnwrap(lowest.phaseEvaluations?[powell]), context)
            XCTAssertEqual(both.evaluations - vertex.evaluations, try XCTUnwrap(lowest.phaseEvaluations?[powell]), context)

            let steps = stepsFile(both, setup)
            XCTAssertEqual(steps.pStarRule, .both)
            XCTAssertEqual(steps.runLabel, "W3/A3 lapq two starts")
            let written = try XCTUnwrap(steps.alternativeStart, context)
            XCTAssertEqual(written.pStar, other.pStar)
            XCTAssertEqual(written.final.loss, other.finalScore?.meanLoss)
            XCTAssertEqual(written.initial.loss, other.initialScore?.meanLoss)
            XCTAssertEqual(written.powellEvaluations, other.powell?.evaluations)
            let note = try XCTUnwrap(CalibrationReport(steps: steps).alternativeStartNote)
            XCTAssertTrue(note.hasPrefix("Powell also ran from p = "), note)
            XCTAssertTrue(CalibrationReport(steps: steps).markdown().contains(note))
            // report.html draws the other start's Powell beside the kept one's, and marks its p.
            XCTAssertEqual(written.powellTrace, other.powellTrace)
            let html = CalibrationReport(steps: steps).html()
            let otherP = "other start, p = \(formatNumber(written.pStar))"
            XCTAssertTrue(html.contains(otherP) && html.contains("kept start, p = "), context)
            XCTAssertTrue(html.contains("other start p = \(formatNumber(written.pStar))"), context)
            XCTAssertEqual(try StepsFile.decodedRoundTrip(steps), steps)
        }
        // Not a property of the rule, but of these two networks: one start wins on each.
        XCTAssertEqual(keptSample, 1, "the sample's Powell ends lower on one of the two networks")
    }

    /// Seed 3 at W4: the vertex scored lowest, so `both` is the vertex's run, and says so.
    func testBothRunsOnceWhenTheVertexScoredLowest() throws {
        let setup = try setUp(seed: 3, bits: 4)
        var vertex = try run(setup, .vertex)
        let both = try run(setup, .both)
        XCTAssertNil(both.alternativeStart)
        vertex.settings.pStarRule = .both
        XCTAssertEqual(both, vertex)
        XCTAssertEqual(CalibrationReport(steps: stepsFile(both, setup)).alternativeStartNote,
                       "Powell ran once, from p*: no sampled p scored below it (--p-star both).")
    }

    /// Stopped at any checkpoint — in the first start, at the switch, in the second — and resumed,
    /// the run ends exactly where an uninterrupted one does, at the same evaluation count.
    func testBothResumesInEitherStart() throws {
        let setup = try setUp(seed: 2, bits: 3)
        var checkpoints: [CalibrationRecord] = []
        let uninterrupted = try run(setup, .both) { checkpoints.append($0) }
        // The switch: the first start finished and held aside, the second's Powell not begun.
        let switchIndex = try XCTUnwrap(checkpoints.firstIndex { $0.alternativeStart?.isFinished == true && $0.powell == nil })
        XCTAssertGreaterThan(switchIndex, 2)
        XCTAssertLessThan(switchIndex, checkpoints.count - 2)
        for index in checkpoints.indices {
            let resumed = try run(setup, .both, resumeFrom: checkpoints[index])
            XCTAssertEqual(resumed, uninterrupted, "resumed from checkpoint \(index) of \(checkpoints.count)")
        }
    }
}

private extension StepsFile {
    static func decodedRoundTrip(_ steps: StepsFile) throws -> StepsFile {
        try JSONDecoder().decode(StepsFile.self, from: JSONEncoder().encode(steps))
    }
}
