import XCTest
import LAPQEngine
@testable import LAPQCalibration

/// `compare`'s rows: one model's runs under their plain labels after one FP32 row; runs of
/// several models under the model's name, each model's FP32 row before its first run.
final class ComparedRunsTests: XCTestCase {
    private func run(_ directory: String, _ method: CalibrationMethod, model: String, floatTop1: Int) throws -> (directory: String, steps: StepsFile) {
        var steps = try ReportFixtures.steps(method: method)
        steps.model = model
        steps.validationScores["float"] = .init(BatchScore(lossSum: 12, top1: floatTop1, count: 100))
        return (directory, steps)
    }

    func testOneModelsRunsShowOneFloatRowAndTheirPlainLabels() throws {
        let compared = ComparedRuns([try run("/runs/a", .lapq, model: "/m/net.onnx", floatTop1: 95),
                                     try run("/runs/b", .mmse, model: "/m/net.onnx", floatTop1: 95)])
        XCTAssertEqual(compared.names, ["W4/A4 lapq", "W4/A4 mmse"])
        XCTAssertEqual(compared.rows.map(\.name), ["FP32", "W4/A4 lapq", "W4/A4 mmse"])
    }

    func testRunsOfTwoModelsAreNamedByTheirModelEachAfterItsOwnFloatRow() throws {
        let compared = ComparedRuns([try run("/r20/lapq", .lapq, model: "/data/resnet20_ts.onnx", floatTop1: 81),
                                     try run("/r56/lapq", .lapq, model: "/data/resnet56_ts.onnx", floatTop1: 83),
                                     try run("/r20/mmse", .mmse, model: "/data/resnet20_ts.onnx", floatTop1: 81)])
        XCTAssertEqual(compared.names, ["resnet20_ts W4/A4 lapq", "resnet56_ts W4/A4 lapq", "resnet20_ts W4/A4 mmse"])
        XCTAssertEqual(compared.rows.map(\.name), ["resnet20_ts FP32", "resnet20_ts W4/A4 lapq", "resnet56_ts FP32",
                                                   "resnet56_ts W4/A4 lapq", "resnet20_ts W4/A4 mmse"])
        XCTAssertEqual(compared.rows[2].validation?.top1, 0.83, "the second model's own float scores")
    }

    func testModelsOfOneFileNameInTwoFoldersAreNamedByPathAndClashingRunsByDirectory() throws {
        let compared = ComparedRuns([try run("/runs/a", .lapq, model: "/x/model.onnx", floatTop1: 81),
                                     try run("/runs/b", .lapq, model: "/y/model.onnx", floatTop1: 83),
                                     try run("/runs/c", .lapq, model: "/y/model.onnx", floatTop1: 83)])
        XCTAssertEqual(compared.names, ["/x/model.onnx W4/A4 lapq", "/y/model.onnx W4/A4 lapq (b)", "/y/model.onnx W4/A4 lapq (c)"])
    }
}
