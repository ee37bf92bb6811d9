import Foundation
import XCTest
@testable import LAPQEngine

/// `--keep-float`: the glob semantics (held to Python's fnmatch), and what a pattern over a
/// layer node, a weight or an activation removes from the plan.
final class KeepFloatPlanTests: XCTestCase {
    private struct GlobGoldens: Decodable {
        struct Case: Decodable {
            let pattern: String
            let name: String
            let matches: Bool
        }
        let cases: [Case]
    }

    /// Every case of Scripts/goldens/gen-glob-goldens.py: `fnmatch.fnmatchcase`'s answer.
    func testGlobMatchesPythonFnmatch() throws {
        let url = try FixtureIndex.directory().appendingPathComponent("glob-goldens.json")
        let goldens = try JSONDecoder().decode(GlobGoldens.self, from: Data(contentsOf: url))
        XCTAssertGreaterThan(goldens.cases.count, 500)
        XCTAssertTrue(goldens.cases.contains { $0.matches } && goldens.cases.contains { !$0.matches })
        for golden in goldens.cases {
            XCTAssertEqual(GlobPattern(golden.pattern).matches(golden.name), golden.matches,
                           "'\(golden.pattern)' against '\(golden.name)'")
        }
    }

    /// A node pattern removes the layer's weight point and its use of its input's point; a weight
    /// pattern only the weight point; an activation pattern only the activation point. Everything
    /// else is as in the plan without patterns.
    func testPatternsRemoveTheMatchedPointsOnly() throws {
        let graph = try FixtureIndex.graph("resnet")
        let all = QuantizationPlan(graph: graph, settings: PlanSettings(weightBits: 4, activationBits: 4))
        let layer = try XCTUnwrap(all.points.first { $0.kind == .weight }?.consumers.first)
        let node = try XCTUnwrap(graph.nodes.first { $0.name == layer })
        let (weight, activation) = (node.inputs[1], node.inputs[0])

        let byNode = try plan(graph, keepFloat: [layer])
        XCTAssertFalse(byNode.points.contains { $0.consumers.contains(layer) }, "\(byNode.points)")
        XCTAssertEqual(byNode.points.filter { $0.kind == .weight }.count, all.points.filter { $0.kind == .weight }.count - 1)

        let byWeight = try plan(graph, keepFloat: [weight])
        XCTAssertEqual(byWeight.points.map(\.name), all.points.map(\.name).filter { $0 != "weight:\(weight)" })

        let byActivation = try plan(graph, keepFloat: [activation])
        XCTAssertEqual(byActivation.points.map(\.name), all.points.map(\.name).filter { $0 != "activation:\(activation)" })

        let everything = try plan(graph, keepFloat: ["*"])
        XCTAssertTrue(everything.points.isEmpty)
        let convsOnly = try plan(graph, keepFloat: ["Gemm_*"])
        XCTAssertTrue(convsOnly.points.allSatisfy { $0.consumers.allSatisfy { $0.hasPrefix("Conv") } })
    }

    /// A pattern that matches nothing is refused, naming the pattern and the names it could match;
    /// a pattern on the already-float first layer is accepted.
    func testUnmatchedPatternIsAnErrorListingTheNames() throws {
        let graph = try FixtureIndex.graph("vgg")
        XCTAssertNoThrow(try plan(graph, keepFloat: ["Conv_0"]))
        XCTAssertThrowsError(try plan(graph, keepFloat: ["Conv_0", "conv_*"])) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.hasPrefix("--keep-float 'conv_*' matches no layer, weight or activation"), message)
            for name in ["Conv_0", "Conv_2", "MatMul_0", "Gemm_0"] { XCTAssertTrue(message.contains(name), message) }
            XCTAssertTrue(message.contains("weights: ") && message.contains("activations: "), message)
        }
    }

    private func plan(_ graph: Graph, keepFloat: [String]) throws -> QuantizationPlan {
        try QuantizationPlan(validating: graph, settings: PlanSettings(weightBits: 4, activationBits: 4, keepFloat: keepFloat))
    }
}
