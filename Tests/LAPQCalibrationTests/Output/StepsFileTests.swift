import XCTest
import LAPQEngine
@testable import LAPQCalibration

final class StepsFileTests: XCTestCase {
    /// steps.json always carries `biasCorrection`, `layerPaths`, `powellTrace` and each point's
    /// `maxMagnitude`; a file written before those keys existed still decodes (not corrected,
    /// no paths, no trace, no maxima).
    func testOptionalKeysAreWrittenAndAnOlderFileWithoutThemStillReads() throws {
        let graph = try TinyNetwork.graph()
        let options = QuantizationPlan.Options(correctsWeightBias: true)
        let plan = QuantizationPlan(graph: graph, weightBits: 4, activationBits: 4, options: options)
        var record = CalibrationRecord(settings: CalibrationSettings(), pointNames: plan.points.map(\.name),
                                       correctsWeightBias: true)
        record.finalSteps = plan.points.map { _ in 0.1 }
        record.maxMagnitudes = plan.points.map { _ in 0.5 }
        record.powellTrace = [0.9, 0.8]
        let paths = try LayerPath.paths(graph: graph, plan: plan)
        let steps = StepsFile(record: record, plan: plan, options: options, model: "m.onnx", calibrationData: "c.json",
                              layerPaths: paths, timings: [:])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-steps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("steps.json")
        try steps.write(to: url)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        XCTAssertEqual(object["biasCorrection"] as? Bool, true)
        XCTAssertTrue(try StepsFile.read(from: url).correctsWeightBias)

        XCTAssertEqual(try StepsFile.read(from: url).layerPaths, paths)
        XCTAssertEqual(try StepsFile.read(from: url).points.map(\.maxMagnitude), plan.points.map { _ in 0.5 })
        XCTAssertEqual(try StepsFile.read(from: url).powellTrace, [0.9, 0.8])

        object["biasCorrection"] = nil
        object["layerPaths"] = nil
        object["powellTrace"] = nil
        object["points"] = (object["points"] as? [[String: Any]])?.map { $0.filter { $0.key != "maxMagnitude" } }
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        XCTAssertFalse(try StepsFile.read(from: url).correctsWeightBias)
        XCTAssertNil(try StepsFile.read(from: url).layerPaths)
        XCTAssertNil(try StepsFile.read(from: url).powellTrace)
        XCTAssertEqual(try StepsFile.read(from: url).points.map(\.maxMagnitude), plan.points.map { _ in nil })
    }
}
