import Foundation
import LAPQEngine

/// A calibration result as later commands read it: its steps.json, the model, and the plan
/// rebuilt from the file's plan settings and checked against the file's points, so steps are
/// never applied to a model they were not calibrated for.
struct CalibratedRun {
    let steps: StepsFile
    let graph: Graph
    let plan: QuantizationPlan

    /// - Parameter model: the model to apply the steps to; nil reads the one steps.json names
    ///   (a relative path from the current directory, as `calibrate` was given it).
    init(stepsFile: URL, model: URL? = nil) throws {
        steps = try StepsFile.read(from: stepsFile)
        let modelURL = model ?? URL(fileURLWithPath: steps.model)
        guard model != nil || FileManager.default.fileExists(atPath: modelURL.path) else {
            throw OutputError.mismatch(file: stepsFile.path, reason: "names the model \(steps.model), which does not exist "
                + "(a relative path is read from the current directory)")
        }
        graph = try ONNXImporter.load(contentsOf: modelURL)
        plan = QuantizationPlan(graph: graph, settings: steps.plan)
        guard plan.points.map(\.name) == steps.points.map(\.name) else {
            throw OutputError.mismatch(file: stepsFile.path, reason: "its quantization points do not match \(modelURL.path)'s; "
                + "was it calibrated for another model?")
        }
    }
}
