import LAPQEngine
import LAPQMath
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

final class OracleAndDriverTests: XCTestCase {
    private func setUp(bits: Int = 3, workers: Int = 1, correctsWeightBias: Bool = false) throws
        -> (Graph, QuantizationPlan, LocalLossOracle) {
        let graph = try TinyNetwork.graph()
        let plan = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: bits, activationBits: bits,
                                                                          correctsWeightBias: correctsWeightBias))
        let shards = try TinyNetwork.shards(graph: graph, shardCount: 5, shardSize: 40)
        let oracle = try LocalLossOracle(graph: graph, plan: plan, shards: shards, workers: workers, threadsPerWorker: 1,
                                         prefixCacheBytes: workers == 1 ? 64 << 20 : 0)
        return (graph, plan, oracle)
    }

    /// The exact-reduction invariant: the same losses, bit for bit, with 1, 2 or 3 executors.
    func testLossIsIndependentOfWorkerCount() throws {
        let steps: [StepVector] = [.float, [0.05, 0.1, 0.04, 0.2], [0.02, 0.3, 0.05, 0.1]]
        let expected = try setUp(workers: 1).2.evaluate(steps)
        for workers in [2, 3] {
            XCTAssertEqual(try setUp(workers: workers).2.evaluate(steps), expected, "\(workers) workers")
        }
        XCTAssertEqual(expected[0].count, 200)
    }

    func testStatisticsMergeAcrossWorkers() throws {
        let one = try setUp(workers: 1).2, two = try setUp(workers: 2).2
        let maxima = try one.activationMaxima()
        XCTAssertEqual(try two.activationMaxima(), maxima)
        XCTAssertEqual(try two.activationHistograms(maxima: maxima, binCount: 256),
                       try one.activationHistograms(maxima: maxima, binCount: 256))
    }

    /// LAPQ's Powell phase never ends worse than its starting point p*, and beats MMSE here.
    func testLapqImprovesOnItsStartAndOnMMSE() throws {
        let (graph, plan, oracle) = try setUp()
        var settings = CalibrationSettings()
        settings.powell.maxEvaluations = 120
        let lapq = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        settings.method = .mmse
        let mmse = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        let final = try XCTUnwrap(lapq.finalScore?.meanLoss), start = try XCTUnwrap(lapq.initialScore?.meanLoss)
        XCTAssertLessThanOrEqual(final, start)
        XCTAssertLessThanOrEqual(final, try XCTUnwrap(mmse.finalScore?.meanLoss))
        XCTAssertEqual(lapq.pSweep.count, 10)
        XCTAssertNotNil(lapq.pStar)
        XCTAssertLessThanOrEqual(lapq.evaluations, 1 + 10 + 1 + 120 + 1)
        let phases = try XCTUnwrap(lapq.phaseEvaluations)
        XCTAssertEqual(phases.values.reduce(0, +), lapq.evaluations, "every evaluation counted under one phase")
        XCTAssertEqual(phases["float baseline"], 1)
        XCTAssertEqual(phases["p sweep"], 10 + 1, "the sweep and the score of Δ(p*)")
        XCTAssertEqual(phases["powell"], lapq.evaluations - 12)
        XCTAssertEqual(mmse.phaseEvaluations, ["float baseline": 1, "Lp init": 1])
        let iterations = try XCTUnwrap(lapq.powellIterations)
        XCTAssertEqual(iterations.map(\.iteration), Array(1...iterations.count))
        XCTAssertEqual(iterations.map(\.loss), iterations.map(\.loss).sorted(by: >), "Powell's loss never rises")
        XCTAssertTrue(zip(iterations, iterations.dropFirst()).allSatisfy { $0.evaluations < $1.evaluations })
    }

    /// The driver records max |x| of every point — the oracle's activation maxima, the weights'
    /// exact maxima — and max-abs scaling clips at exactly that value.
    func testMaxMagnitudesAreRecordedAndMaxAbsClipsAtThem() throws {
        let (graph, plan, oracle) = try setUp()
        var settings = CalibrationSettings()
        settings.method = .maxabs
        let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        let maxima = try XCTUnwrap(record.maxMagnitudes)
        let activationMaxima = try oracle.activationMaxima()
        for (index, point) in plan.points.enumerated() {
            let expected = point.kind == .activation ? activationMaxima[index]
                : Double(graph.initializers[point.tensor]?.data.map(abs).max() ?? 0)
            XCTAssertEqual(maxima[index], expected, point.name)
        }
        XCTAssertEqual(record.initialClips, maxima)
    }

    /// A run stopped after a checkpoint and resumed from it ends exactly where an
    /// uninterrupted run ends.
    func testResumeReachesTheSameResult() throws {
        let (graph, plan, oracle) = try setUp()
        var settings = CalibrationSettings()
        settings.powell.maxEvaluations = 60
        let uninterrupted = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        struct Stop: Error {}
        var saved: CalibrationRecord?
        var checkpoints = 0
        XCTAssertThrowsError(try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings,
                                                   checkpoint: { record in
            saved = record
            checkpoints += 1
            if checkpoints == 5 { throw Stop() }
        }).run())
        let partial = try XCTUnwrap(saved)
        XCTAssertNotNil(partial.powell, "the stop should come during Powell's phase")
        let resumed = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings,
                                            resumeFrom: partial).run()
        XCTAssertEqual(resumed.finalSteps, uninterrupted.finalSteps)
        XCTAssertEqual(resumed.finalScore, uninterrupted.finalScore)
        XCTAssertEqual(resumed.powell, uninterrupted.powell)
        XCTAssertEqual(resumed.powellIterations, uninterrupted.powellIterations)
        XCTAssertEqual(resumed.evaluations, uninterrupted.evaluations, "the resumed run evaluates nothing twice")
    }

    /// With bias correction the whole method runs on the corrected network: it still ends no
    /// worse than its start, its losses differ from the uncorrected run's, and a checkpoint of
    /// one choice cannot be resumed with the other.
    func testBiasCorrectedCalibrationRunsAndResumesOnlyAsItself() throws {
        var settings = CalibrationSettings()
        settings.powell.maxEvaluations = 40
        let (graph, plan, oracle) = try setUp(correctsWeightBias: true)
        let corrected = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: settings).run()
        XCTAssertTrue(corrected.plan.correctsWeightBias)
        XCTAssertLessThanOrEqual(try XCTUnwrap(corrected.finalScore?.meanLoss), try XCTUnwrap(corrected.initialScore?.meanLoss))
        let (_, plainPlan, plainOracle) = try setUp()
        let plain = try CalibrationDriver(graph: graph, plan: plainPlan, oracle: plainOracle, settings: settings).run()
        XCTAssertNotEqual(corrected.initialScore, plain.initialScore)
        XCTAssertThrowsError(try CalibrationDriver(graph: graph, plan: plainPlan, oracle: plainOracle, settings: settings,
                                                   resumeFrom: corrected)) { error in
            XCTAssertEqual("\(error)", "cannot resume: correctsWeightBias (--bias-correction) was true in the saved run, "
                + "is false now")
        }
    }

    /// Stopped by `--max-evals` in the middle of a line search, the run returns the best point
    /// Powell evaluated, not a worse last accepted one (for every cap; the case occurs).
    func testCappedPowellReturnsTheBestPointItEvaluated() throws {
        let (graph, plan, oracle) = try setUp()
        let recorder = RecordingOracle(oracle)
        var rescued = 0
        for cap in 4...10 {
            recorder.scores = []
            var settings = CalibrationSettings()
            settings.powell.maxEvaluations = cap
            // Unbounded: on this network the caps 4…10 stop that trajectory after a better point.
            settings.stepBounds = nil
            let record = try CalibrationDriver(graph: graph, plan: plan, oracle: recorder, settings: settings).run()
            let powellLosses = recorder.scores.dropFirst(1 + settings.pGrid.count + 1).map(\.meanLoss)
            let final = try XCTUnwrap(record.finalScore?.meanLoss)
            XCTAssertEqual(final, powellLosses.min(), "cap \(cap)")
            if let accepted = record.powellTrace.last, final < accepted { rescued += 1 }
        }
        XCTAssertGreaterThan(rescued, 0, "some cap should stop Powell after a better, unaccepted point")
    }

    /// While Powell runs, each report says which iteration and line search it is on, and how many
    /// evaluations are left: the estimate of Powell's last completed step (`PowellPosition`, whose
    /// accuracy PowellPositionTests measure) less the evaluations made since. The cap bounds that
    /// number when it is the lower.
    func testPowellReportsItsPositionAndTheEvaluationsLeft() throws {
        let (graph, plan, oracle) = try setUp()
        // Reports and checkpoints in the order they happen: Powell's state after each step is
        // checkpointed, with the run's evaluations at that moment.
        var stepState: (state: PowellState, evaluations: Int)?
        var checked = 0
        let record = try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: CalibrationSettings(),
                                           progress: { report in
            guard report.phase == .powell, let (state, evaluations) = stepState else { return }
            let position = state.position(iterationLimit: 2)
            XCTAssertEqual(report.message, position.description(iterationLimit: 2))
            XCTAssertEqual(report.estimatedRemainingEvaluations,
                           position.estimatedRemainingEvaluations.map { max($0 - (report.evaluations - evaluations), 0) })
            checked += 1
        }, checkpoint: { record in
            if let state = record.powell { stepState = (state, record.evaluations) }
        }).run()
        XCTAssertGreaterThan(checked, 3)
        let steps = try XCTUnwrap(record.powell).position(iterationLimit: 2).stepsDone
        XCTAssertEqual(steps, 2 * (plan.points.count + 1) - 1, "both iterations ran")

        var capped = CalibrationProgress(phase: .powell, evaluations: 100, evaluationLimit: 150,
                                         estimatedRemainingEvaluations: 80)
        XCTAssertTrue(capped.remainingEvaluations! == (50, true))
        capped.estimatedRemainingEvaluations = 30
        XCTAssertTrue(capped.remainingEvaluations! == (30, false))
        XCTAssertEqual([42, 130, 7_170, 7_230].map(CalibrationProgress.durationText), ["42s", "2m", "2h00m", "2h01m"])
    }

    func testResumeRefusesOtherSettings() throws {
        let (graph, plan, oracle) = try setUp()
        var other = CalibrationSettings()
        other.histogramBins = 512
        let saved = CalibrationRecord(settings: CalibrationSettings(), plan: plan.settings, pointNames: plan.points.map(\.name))
        XCTAssertThrowsError(try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: other, resumeFrom: saved)) {
            XCTAssertEqual("\($0)", "cannot resume: histogramBins was 2048 in the saved run, is 512 now")
        }
    }

    /// Finding 1 of issue #11: the point names of a 4/4 and a 3/3 plan are the same, and the
    /// resume used to be accepted and wrote the 4-bit steps under a 3/3 label. The bit widths
    /// are part of the plan settings the checkpoint holds, and a difference is refused.
    func testResumeRefusesOtherBitWidths() throws {
        var settings = CalibrationSettings()
        settings.method = .lpInit
        let (graph, fourBit, fourBitOracle) = try setUp(bits: 4)
        let saved = try CalibrationDriver(graph: graph, plan: fourBit, oracle: fourBitOracle, settings: settings).run()
        let (_, threeBit, threeBitOracle) = try setUp(bits: 3)
        XCTAssertEqual(threeBit.points.map(\.name), fourBit.points.map(\.name))
        XCTAssertThrowsError(try CalibrationDriver(graph: graph, plan: threeBit, oracle: threeBitOracle, settings: settings,
                                                   resumeFrom: saved)) {
            XCTAssertEqual("\($0)", "cannot resume: weightBits (--bits (weights)) was 4 in the saved run, is 3 now; "
                + "activationBits (--bits (activations)) was 4 in the saved run, is 3 now")
        }
        XCTAssertNoThrow(try CalibrationDriver(graph: graph, plan: fourBit, oracle: fourBitOracle, settings: settings,
                                               resumeFrom: saved))
    }

    /// A resume on another model or calibration file (same points, other bytes) is refused,
    /// naming the file; a moved but identical file is the same input.
    func testResumeRefusesOtherInputFiles() throws {
        let (graph, plan, oracle) = try setUp()
        func inputs(model: String, manifest: String) -> InputDigests {
            InputDigests(model: .init(path: "m.onnx", sha256: model), calibrationManifest: .init(path: "c.json", sha256: manifest))
        }
        let saved = CalibrationRecord(settings: CalibrationSettings(), plan: plan.settings, pointNames: plan.points.map(\.name),
                                      inputs: inputs(model: "aa", manifest: "bb"))
        XCTAssertThrowsError(try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: CalibrationSettings(),
                                                   inputs: inputs(model: "aa", manifest: "cc"), resumeFrom: saved)) {
            XCTAssertEqual("\($0)", "cannot resume: the calibration manifest c.json (sha256 cc…) is not the saved run's c.json (sha256 bb…)")
        }
        var moved = inputs(model: "aa", manifest: "bb")
        moved.model.path = "elsewhere/m.onnx"
        XCTAssertNoThrow(try CalibrationDriver(graph: graph, plan: plan, oracle: oracle, settings: CalibrationSettings(),
                                               inputs: moved, resumeFrom: saved))
    }
}

/// Forwards to another oracle and keeps every score it returned, in order.
private final class RecordingOracle: LossOracle {
    private let inner: LossOracle
    var scores: [BatchScore] = []
    init(_ inner: LossOracle) { self.inner = inner }
    var plan: QuantizationPlan { inner.plan }
    func answers(to work: EvaluationWork) throws -> [Int: ShardAnswer] {
        let answers = try inner.answers(to: work)
        if case let .scores(vectors) = work { scores += ShardOrderReduction.scores(answers, vectorCount: vectors.count) }
        return answers
    }
}
