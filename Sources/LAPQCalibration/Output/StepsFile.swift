import Foundation
import LAPQData
import LAPQEngine
import LAPQMath

/// `steps.json`: the calibrated step size of every quantization point and how it was found.
/// Schema in docs/formats.md. Everything but `timings` is a deterministic function of the
/// model, the data and the settings.
public struct StepsFile: Codable, Equatable, Sendable {
    public struct Point: Codable, Equatable, Sendable {
        public var name: String
        public var tensor: String
        public var kind: QuantizationPoint.Kind
        public var consumers: [String]
        public var bits: Int
        public var signed: Bool
        /// Δ, the calibrated step size.
        public var stepSize: Double
        /// α = qmax · Δ, the clip value.
        public var clipValue: Double
        /// max |x| of the tensor: exact for weights, over the calibration set for activations;
        /// absent in files written before it was recorded.
        public var maxMagnitude: Double?
        /// Δ at the start of the joint optimization (Lp-optimal at p*, or the baseline rule).
        public var initialStepSize: Double
        /// A per-channel weight's channel axis and Δ_c of every channel, final and initial; then
        /// `stepSize`, `initialStepSize` and `clipValue` are the largest channel's. Absent for a
        /// per-tensor point.
        public var channelAxis: Int?
        public var channelStepSizes: [Double]?
        public var channelInitialStepSizes: [Double]?

        /// This point's entries of the step vector.
        public var steps: [Double] { channelStepSizes ?? [stepSize] }
    }

    public struct Score: Codable, Equatable, Sendable {
        public var loss: Double
        public var top1: Double
        public var samples: Int
        public init(_ score: BatchScore) {
            loss = score.meanLoss
            top1 = score.accuracy
            samples = score.count
        }
    }

    /// Where the start not kept began and ended (`--p-star both`).
    public struct AlternativeStart: Codable, Equatable, Sendable {
        public var pStar: Double
        public var pStarSource: String
        /// The calibration score at Powell's start and at its end.
        public var initial: Score
        public var final: Score
        /// The loss evaluations its Powell used, and its loss after each line search.
        public var powellEvaluations: Int
        public var powellTrace: [Double]
    }

    /// `--bias-correction-both`: which of the two runs this file repeats, and how the other ended
    /// (whose plan is this file's with `correctsWeightBias` the other way).
    public struct BiasCorrectionChoice: Codable, Equatable, Sendable {
        /// The run directories, relative to this file's: the one kept and the other.
        public var kept: String
        public var other: String
        /// The other run's final scores on the calibration and (when given) the validation set.
        public var otherCalibration: Score
        public var otherValidation: Score?
        /// The other run's loss evaluations (this file's `evaluations` are the kept run's).
        public var otherEvaluations: Int
    }

    public struct PSweepEntry: Codable, Equatable, Sendable {
        public var p: Double
        public var loss: Double
        public var top1: Double
    }

    /// Its name in a run's output directory.
    public static let fileName = "steps.json"

    public var format = "lapq-steps"
    /// 3 since the plan settings hold `keepFloat` and `weightGranularity`; 2 since they are one
    /// `plan` object. Older files are read too (`migratedToCurrentVersion`).
    public var version = 3
    public var lapqVersion: String
    public var model: String
    public var calibrationData: String
    public var method: CalibrationMethod
    /// What was quantized: the plan a reader rebuilds to apply these steps.
    public var plan: PlanSettings
    /// The SHA-256 of the model and calibration manifest; absent in version-1 files.
    public var inputs: InputDigests?
    public var points: [Point]
    public var pStar: Double?
    public var pStarSource: String?
    public var pSweep: [PSweepEntry]
    /// Mean loss after each of Powell's line searches (empty for methods without Powell), so
    /// the report and `compare --html` can draw it from this file alone; absent in files
    /// written before it was recorded.
    public var powellTrace: [Double]?
    /// Powell's loss after each iteration with the evaluations up to it, and the evaluations
    /// of each phase; absent in files written before they were recorded.
    public var powellIterations: [PowellIteration]?
    public var phaseEvaluations: [String: Int]?
    /// The bounds Powell kept the step sizes in (lapq); absent for the other methods, for
    /// `--unbounded-powell`, and in files written before bounds existed (all unbounded).
    public var stepBounds: StepBounds?
    /// How phase 2 picked p* (`--p-star`; lapq and lp-init); absent for the other methods and in
    /// files written before the choice existed (the vertex).
    public var pStarRule: PStarRule?
    /// `--p-star both`: the start whose Powell ended at the higher calibration loss, which this
    /// file's steps are not from; absent for the other rules and when the vertex scored lowest.
    public var alternativeStart: AlternativeStart?
    /// `--bias-correction-both`: the run not kept; absent otherwise.
    public var biasCorrectionChoice: BiasCorrectionChoice?
    public var calibrationScores: [String: Score]
    /// `float` and `quantized` on the validation set, when one was given.
    public var validationScores: [String: Score] = [:]
    public var evaluations: Int
    /// How each quantized layer computed (int8 codes or f32 fake-quant) and why; absent in
    /// files written before it was recorded.
    public var layerPaths: [LayerPath]?
    /// A distributed run's numerics classes (CPU fingerprint → shards it computed); a shard in
    /// two classes moved under `--allow-mixed-numerics`. Absent for local runs.
    public var numericsClasses: NumericsClasses?
    /// Wall-clock seconds per phase; the only non-deterministic field.
    public var timings: [String: Double]

    /// The step vector in the plan's layout (`QuantizationPlan.stepRanges`).
    public var stepSizes: [Double] { points.flatMap(\.steps) }
}

extension StepsFile {
    /// The steps file of a finished calibration record.
    public init(record: CalibrationRecord, plan: QuantizationPlan, model: String, calibrationData: String, layerPaths: [LayerPath], timings: [String: Double]) {
        // Steps of another length (none recorded yet) are reported as NaN.
        func vector(_ steps: [Double]?) -> StepVector? {
            steps.flatMap { $0.count == plan.stepCount ? StepVector($0, plan: plan) : nil }
        }
        let final = vector(record.finalSteps), initial = vector(record.initialSteps)
        let maxima = record.maxMagnitudes ?? []
        points = zip(plan.points.indices, plan.stepRanges).map { index, range in
            let point = plan.points[index]
            let missing = [Double](repeating: .nan, count: range.count)
            let steps = final?.steps(ofPoint: index, in: plan).map(Array.init) ?? missing
            let initialSteps = initial?.steps(ofPoint: index, in: plan).map(Array.init) ?? missing
            let step = steps.max() ?? .nan
            let levels = Double(UniformQuantizer.quantMax(bits: point.bits, isSigned: point.isSigned))
            let perChannel = point.channelAxis != nil
            return Point(name: point.name, tensor: point.tensor, kind: point.kind, consumers: point.consumers,
                         bits: point.bits, signed: point.isSigned, stepSize: step, clipValue: step * levels,
                         maxMagnitude: maxima.indices.contains(index) ? maxima[index] : nil,
                         initialStepSize: initialSteps.max() ?? .nan, channelAxis: point.channelAxis,
                         channelStepSizes: perChannel ? steps : nil, channelInitialStepSizes: perChannel ? initialSteps : nil)
        }
        lapqVersion = LAPQVersion.current
        self.model = model
        self.calibrationData = calibrationData
        method = record.settings.method
        self.plan = plan.settings
        inputs = record.inputs
        pStar = record.pStar
        pStarSource = record.pStarSource
        pSweep = record.pSweep.map { PSweepEntry(p: $0.p, loss: $0.score.meanLoss, top1: $0.score.accuracy) }
        powellTrace = record.powellTrace
        powellIterations = record.powellIterations
        phaseEvaluations = record.phaseEvaluations
        stepBounds = record.settings.method == .lapq ? record.settings.stepBounds : nil
        pStarRule = [.lapq, .lpInit].contains(record.settings.method) ? record.settings.pStarRule : nil
        alternativeStart = record.alternativeStart.flatMap { start in
            guard let pStar = start.pStar, let initial = start.initialScore, let final = start.finalScore else { return nil }
            return AlternativeStart(pStar: pStar, pStarSource: start.pStarSource ?? "", initial: Score(initial),
                                    final: Score(final), powellEvaluations: start.powell?.evaluations ?? 0,
                                    powellTrace: start.powellTrace)
        }
        var scores: [String: Score] = [:]
        if let float = record.floatScore { scores["float"] = Score(float) }
        if let initial = record.initialScore { scores["initial"] = Score(initial) }
        if let final = record.finalScore { scores["quantized"] = Score(final) }
        calibrationScores = scores
        evaluations = record.evaluations
        self.layerPaths = layerPaths
        self.timings = timings
    }

    public func write(to url: URL) throws {
        try LAPQJSON.encoder(pretty: true).encode(self).write(to: url, options: .atomic)
    }

    public static func read(from url: URL) throws -> StepsFile {
        try LAPQJSON.read(StepsFile.self, from: url, what: "a lapq steps file", migrate: migratedToCurrentVersion)
    }

    /// A version-1 file (plan settings as top-level keys, `biasCorrection` optional) or a
    /// version-2 file (no `keepFloat`, `weightGranularity`: nothing was kept float beyond the
    /// first/last-layer rule, every weight was per-tensor) in the current layout; any other
    /// input unchanged, for the decoder to judge.
    static func migratedToCurrentVersion(_ data: Data) -> Data {
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let version = object["version"] as? Int, version == 1 || version == 2 else { return data }
        if version == 1, object["plan"] == nil {
            object["plan"] = ["weightBits": object.removeValue(forKey: "weightBits") as Any,
                              "activationBits": object.removeValue(forKey: "activationBits") as Any,
                              "quantizeFirstLayer": object.removeValue(forKey: "quantizeFirstLayer") as Any,
                              "quantizeLastLayer": object.removeValue(forKey: "quantizeLastLayer") as Any,
                              "correctsWeightBias": object.removeValue(forKey: "biasCorrection") ?? false]
        }
        guard var plan = object["plan"] as? [String: Any], plan["keepFloat"] == nil,
              plan["weightGranularity"] == nil else { return data }
        plan["keepFloat"] = [String]()
        plan["weightGranularity"] = WeightGranularity.perTensor.rawValue
        object["plan"] = plan
        object["version"] = 3
        return (try? JSONSerialization.data(withJSONObject: object)) ?? data
    }
}

/// lapq's version, written into its outputs.
public enum LAPQVersion {
    public static let current = "0.1.0"
}

public enum OutputError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case mismatch(file: String, reason: String)
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): \(reason)"
        case let .mismatch(file, reason): return "\(file): \(reason)"
        case let .unwritable(file, reason): return "\(file): cannot write (\(reason))"
        }
    }
}
