import Foundation
import LAPQEngine

/// `sensitivity.json`: what each quantization point of a finished run costs — the loss and
/// top-1 with that point alone restored to a wider width, against the run's own (the
/// baseline). Written by `lapq-coord sensitivity` into the run's directory; schema in
/// docs/formats.md. Codable with every key required. Everything is a deterministic function of
/// the model, the run's steps and the data.
public struct SensitivityFile: Codable, Equatable, Sendable {
    /// Its name in a run's output directory.
    public static let fileName = "sensitivity.json"

    public struct Point: Codable, Equatable, Sendable {
        public var name: String
        public var kind: QuantizationPoint.Kind
        /// The quantized layers (node names) that read it: a weight's tensor name says little
        /// (`onnx::Conv_322`), its layer says where in the network it sits.
        public var consumers: [String]
        /// The point's width in the run.
        public var bits: Int
        /// Mean loss and top-1 with this point alone at `restoredBits`.
        public var loss: Double
        public var top1: Double
        /// Baseline loss − `loss`: what this point costs; negative when restoring it alone
        /// raises the loss (the run's steps were tuned together).
        public var lossDelta: Double
        /// `top1` − baseline top-1: the top-1 this point costs.
        public var top1Delta: Double
    }

    public var format = "lapq-sensitivity"
    public var version = 1
    public var lapqVersion: String
    /// The steps.json measured and the data manifest measured on, as given.
    public var steps: String
    public var data: String
    /// The width each point was restored to, with max-abs steps at that width.
    public var restoredBits: Int
    /// The float network and the run's quantized network (its final steps) on `data`.
    public var float: StepsFile.Score
    public var baseline: StepsFile.Score
    /// One per quantization point, in plan order.
    public var points: [Point]

    /// The file of `measurement`'s `scores`, measured at `steps` on `data`.
    public init(_ measurement: PointCostMeasurement, scores: PointCostMeasurement.Scores, steps: String, data: String) {
        let plan = measurement.plan, baseline = scores.baseline
        precondition(scores.restored.count == plan.points.count, "one restored score per point")
        lapqVersion = LAPQVersion.current
        self.steps = steps
        self.data = data
        restoredBits = measurement.restoredBits
        float = .init(scores.float)
        self.baseline = .init(baseline)
        points = zip(plan.points, scores.restored).map { point, score in
            Point(name: point.name, kind: point.kind, consumers: point.consumers, bits: point.bits, loss: score.meanLoss, top1: score.accuracy,
                  lossDelta: baseline.meanLoss - score.meanLoss, top1Delta: score.accuracy - baseline.accuracy)
        }
    }

    public func write(to url: URL) throws {
        try LAPQJSON.encoder(pretty: true).encode(self).write(to: url, options: .atomic)
    }

    public static func read(from url: URL) throws -> SensitivityFile {
        try LAPQJSON.read(SensitivityFile.self, from: url, what: "a lapq sensitivity file")
    }
}
