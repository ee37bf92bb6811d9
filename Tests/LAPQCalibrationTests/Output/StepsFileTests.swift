import XCTest
import LAPQEngine
@testable import LAPQCalibration

final class StepsFileTests: XCTestCase {
    /// steps.json carries the plan settings as one `plan` object, `layerPaths`, `powellTrace`
    /// and each point's `maxMagnitude`; a version-2 file (no `keepFloat`, `weightGranularity`)
    /// and a version-1 file (settings as top-level keys, `biasCorrection` optional, none of the
    /// later keys) still read, with the same plan.
    func testPlanSettingsAreOneObjectAndAVersionOneFileStillReads() throws {
        let graph = try TinyNetwork.graph()
        let settings = PlanSettings(weightBits: 4, activationBits: 3, quantizeLastLayer: true, correctsWeightBias: true)
        let plan = QuantizationPlan(graph: graph, settings: settings)
        var record = CalibrationRecord(settings: CalibrationSettings(), plan: settings, pointNames: plan.points.map(\.name))
        record.finalSteps = plan.points.map { _ in 0.1 }
        record.maxMagnitudes = plan.points.map { _ in 0.5 }
        record.powellTrace = [0.9, 0.8]
        let paths = try LayerPath.paths(graph: graph, plan: plan)
        let steps = StepsFile(record: record, plan: plan, model: "m.onnx", calibrationData: "c.json",
                              layerPaths: paths, timings: [:])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-steps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("steps.json")
        try steps.write(to: url)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 3)
        let planJSON = try JSONSerialization.data(withJSONObject: try XCTUnwrap(object["plan"]))
        XCTAssertEqual(try JSONDecoder().decode(PlanSettings.self, from: planJSON), settings)
        XCTAssertEqual(try StepsFile.read(from: url).plan, settings)

        XCTAssertEqual(try StepsFile.read(from: url).layerPaths, paths)
        XCTAssertEqual(try StepsFile.read(from: url).points.map(\.maxMagnitude), plan.points.map { _ in 0.5 })
        XCTAssertEqual(try StepsFile.read(from: url).powellTrace, [0.9, 0.8])

        // Version 2: the plan object without keepFloat and weightGranularity.
        var versionTwo = object
        versionTwo["version"] = 2
        versionTwo["plan"] = (object["plan"] as? [String: Any])?.filter { !["keepFloat", "weightGranularity"].contains($0.key) }
        try JSONSerialization.data(withJSONObject: versionTwo).write(to: url)
        XCTAssertEqual(try StepsFile.read(from: url).plan, settings)

        let planObject = object.removeValue(forKey: "plan") as? [String: Any] ?? [:]
        for key in ["weightBits", "activationBits", "quantizeFirstLayer", "quantizeLastLayer"] { object[key] = planObject[key] }
        object["version"] = 1
        object["layerPaths"] = nil
        object["powellTrace"] = nil
        object["points"] = (object["points"] as? [[String: Any]])?.map { $0.filter { $0.key != "maxMagnitude" } }
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        let versionOne = try StepsFile.read(from: url)
        XCTAssertEqual(versionOne.plan, PlanSettings(weightBits: 4, activationBits: 3, quantizeLastLayer: true))
        XCTAssertNil(versionOne.layerPaths)
        XCTAssertNil(versionOne.powellTrace)
        XCTAssertEqual(versionOne.points.map(\.maxMagnitude), plan.points.map { _ in nil })
        object["biasCorrection"] = true
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        XCTAssertEqual(try StepsFile.read(from: url).plan, settings)
    }

    /// A per-channel weight's Δ_c are written and read back, and form the step vector with the
    /// per-tensor points' Δ in plan order.
    func testPerChannelStepsRoundTrip() throws {
        let graph = try TinyNetwork.graph()
        let settings = PlanSettings(weightBits: 4, activationBits: 4, keepFloat: ["relu1.out"], weightGranularity: .perChannel)
        let plan = QuantizationPlan(graph: graph, settings: settings)
        var record = CalibrationRecord(settings: CalibrationSettings(), plan: settings, pointNames: plan.points.map(\.name))
        record.finalSteps = (0..<plan.stepCount).map { 0.01 * Double($0 + 1) }
        record.initialSteps = record.finalSteps
        let steps = StepsFile(record: record, plan: plan, model: "m.onnx", calibrationData: "c.json", layerPaths: [], timings: [:])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-steps-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try steps.write(to: url)
        let read = try StepsFile.read(from: url)
        XCTAssertEqual(read, steps)
        XCTAssertEqual(read.stepSizes, record.finalSteps)
        XCTAssertEqual(read.points.map { $0.channelStepSizes?.count }, [8, 16, nil])
    }
}
