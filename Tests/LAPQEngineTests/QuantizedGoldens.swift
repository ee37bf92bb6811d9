import Foundation
import XCTest
import LAPQEngine

/// The fake-quantized onnxruntime goldens of Fixtures/quantized.json, written by
/// Scripts/fixtures/make-fixtures.py with Scripts/fixtures/fixture_fakequant.py: one per runnable fixture and bit
/// width (W8A8, W4A4, W2A4, and W4A4 and W2A4 with per-channel weights).
struct QuantizedGoldens: Decodable {
    struct Point: Decodable {
        /// "weight:<tensor>" or "activation:<tensor>".
        let name: String
        let isSigned: Bool
        let consumers: [String]
        let bits: Int
        /// Checksum of the integer codes (`CodeFingerprint.checksum`): one for a weight, one
        /// per sample for an activation, as onnxruntime computed them.
        let codeChecksums: [Int]
        /// Σ code per sample (activations only): one flipped rounding moves it by exactly 1.
        let codeSums: [Int]?
        /// Activation values within 1e-3 Δ of a rounding boundary, per sample (activations only).
        let nearTies: [Int]?
    }

    struct Golden: Decodable {
        let fixture: String
        let weightBits: Int
        let activationBits: Int
        let weightGranularity: WeightGranularity
        let input: FixtureIndex.TensorFile
        let output: FixtureIndex.TensorFile
        let points: [Point]
        /// The step vector in the plan's layout (one Δ per point, one per channel of a
        /// per-channel weight).
        let stepSizes: [Double]
        /// Near-ties per sample, summed over every activation point.
        let nearTies: [Int]

        var label: String {
            "\(fixture) W\(weightBits)A\(activationBits)" + (weightGranularity == .perChannel ? " per-channel" : "")
        }

        func graph() throws -> Graph { try FixtureIndex.graph(fixture) }

        /// The golden's plan; `correctsWeightBias` adds bias correction (`--bias-correction`).
        func plan(for graph: Graph, correctsWeightBias: Bool = false) -> QuantizationPlan {
            QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: weightBits, activationBits: activationBits,
                                                                  correctsWeightBias: correctsWeightBias,
                                                                  weightGranularity: weightGranularity))
        }
    }

    let goldens: [Golden]

    static func load() throws -> [Golden] {
        let url = try FixtureIndex.directory().appendingPathComponent("quantized.json")
        return try JSONDecoder().decode(QuantizedGoldens.self, from: Data(contentsOf: url)).goldens
    }

    /// The goldens whose plan has at least one point (the others run in float).
    static func quantized() throws -> [Golden] {
        try load().filter { !$0.points.isEmpty }
    }

    static func golden(_ fixture: String, weightBits: Int, activationBits: Int,
                       weightGranularity: WeightGranularity = .perTensor) throws -> Golden {
        try XCTUnwrap(load().first {
            $0.fixture == fixture && $0.weightBits == weightBits && $0.activationBits == activationBits
                && $0.weightGranularity == weightGranularity
        }, "no golden \(fixture) W\(weightBits)A\(activationBits) \(weightGranularity)")
    }
}
