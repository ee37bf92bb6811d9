import Foundation
import XCTest
import LAPQMath
@testable import LAPQEngine

/// A fixture network quantized for export tests: its graph, the plan at the given bit widths,
/// a seeded input batch and step sizes Δ = 0.8 · max|x| / qmax per point (max over the weight —
/// each channel of a per-channel weight — or over the activation's float values on that
/// batch), so every grid clips a little.
struct QDQExportCase {
    let name: String
    let graph: Graph
    let plan: QuantizationPlan
    let input: Tensor
    let stepSizes: [Double]

    /// The fraction of each tensor's range the grid covers.
    static let rangeFraction = 0.8
    /// Bit widths to cycle over a plan's points (`pointBits`; 7 of them, so weights and
    /// activations both get each): the int4 format's 4-bit types for 2, 3 and 4 bits, its 8-bit
    /// ones for 5, 6 and 8.
    static let mixedBits = [2, 3, 4, 5, 6, 8, 4]

    init(fixture: String, weightBits: Int, activationBits: Int, pointBits: [Int] = [], batchSize: Int = 32,
         seed: UInt64 = 7) throws {
        try self.init(fixture: fixture, plan: PlanSettings(weightBits: weightBits, activationBits: activationBits),
                      pointBits: pointBits, batchSize: batchSize, seed: seed)
    }

    /// `pointBits`, when not empty, overrides the bit widths point by point: point i gets
    /// `pointBits[i % pointBits.count]` (a mixed-precision plan; the settings' bit widths then
    /// only choose which points exist).
    init(fixture: String, plan settings: PlanSettings, pointBits: [Int] = [], batchSize: Int = 32, seed: UInt64 = 7) throws {
        let graph = try FixtureIndex.graph(fixture)
        var plan = QuantizationPlan(graph: graph, settings: settings)
        if !pointBits.isEmpty {
            for index in plan.points.indices { plan.points[index].bits = pointBits[index % pointBits.count] }
        }
        var random = LAPQMath.SplitMix64(seed: seed)
        let shape = graph.input.shape(batchSize: batchSize)
        let input = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(random.gaussian()) })
        let bits = pointBits.isEmpty ? "W\(settings.weightBits)A\(settings.activationBits)"
            : "bits " + pointBits.map(String.init).joined(separator: ",")
        self.name = "\(fixture.replacingOccurrences(of: "/", with: "-")) \(bits)" + (settings.correctsWeightBias ? " bias-corrected" : "")
            + (settings.weightGranularity == .perChannel ? " per-channel" : "")
            + settings.keepFloat.map { " float \($0)" }.joined()
        self.graph = graph
        self.plan = plan
        self.input = input
        self.stepSizes = try Self.maxAbsStepSizes(graph: graph, plan: plan, input: input)
    }

    /// The exported model's bytes in `format`.
    func exported(_ format: QDQExportFormat, stepSizes: [Double]? = nil) throws -> Data {
        try QDQExporter.export(graph: graph, plan: plan, stepSizes: stepSizes ?? self.stepSizes, format: format)
    }

    /// lapq's fake-quant output for `input` with `stepSizes` (the fast executor).
    func lapqOutput() throws -> Tensor {
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 1))
        try executor.setStepSizes(stepSizes)
        return try executor.run(input)
    }

    /// Δ = `rangeFraction` · max|x| / qmax per point of `plan`; activation ranges are taken on
    /// `input` in float.
    static func maxAbsStepSizes(graph: Graph, plan: QuantizationPlan, input: Tensor) throws -> [Double] {
        var activationMax: [Int: Float] = [:]
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 1))
        _ = try executor.run(input) { point, values in
            activationMax[point] = values.data.map(abs).max() ?? 0
        }
        return try plan.points.enumerated().flatMap { index, point in
            let observed = try point.kind == .weight
                ? point.stepValues(of: XCTUnwrap(graph.initializers[point.tensor])).map { $0.map(abs).max() }
                : [activationMax[index]]
            return try observed.map { observed in
                let maximum = try XCTUnwrap(observed.flatMap { $0 > 0 ? $0 : nil }, "no range for \(point.name)")
                let levels = UniformQuantizer.quantMax(bits: point.bits, isSigned: point.isSigned)
                return rangeFraction * Double(maximum) / Double(levels)
            }
        }
    }
}
