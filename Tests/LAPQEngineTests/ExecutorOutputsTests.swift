import XCTest
@testable import LAPQEngine

/// `runOutputs` returns every graph output in order, on both executors: a computed
/// intermediate, the last node's output, the graph input itself and a constant.
final class ExecutorOutputsTests: XCTestCase {
    func testBothExecutorsReturnEveryOutputInOrder() throws {
        let input = GraphInput(name: "x", sampleShape: [2, 3, 3])
        let constant = Tensor(shape: [2], data: [0.5, -1])
        let nodes = [Node(name: "relu", op: .relu, inputs: ["x"], outputs: ["r"]),
                     Node(name: "pool", op: .globalAveragePool, inputs: ["r"], outputs: ["p"])]
        let graph = try Graph(input: input, initializers: ["C": constant], nodes: nodes, outputs: ["p", "r", "x", "C"])
        let plan = QuantizationPlan(graph: graph, weightBits: 32, activationBits: 32)
        let x = Tensor(shape: [2, 2, 3, 3], data: (0..<36).map { Float($0 % 7) - 3 })
        var relu = Tensor(shape: [0])
        reluNaive(&relu, x)
        var pooled = Tensor(shape: [0])
        globalAveragePoolNaive(&pooled, relu)
        let expected = [pooled, relu, x, constant]
        XCTAssertEqual(try ReferenceExecutor(graph: graph, plan: plan).runOutputs(x), expected)
        let executor = try Executor(graph: graph, plan: plan, options: .init(threads: 2))
        XCTAssertEqual(try executor.runOutputs(x), expected)
        XCTAssertEqual(try executor.run(x), pooled)
    }
}
