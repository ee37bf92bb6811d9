import XCTest
import LAPQKernels
@testable import LAPQEngine

/// Which nodes a compiled program runs inside their producer: a ReLU after a Conv (oneDNN
/// post-op) or after a residual Add (in the Add's pass). The fused programs' outputs are held
/// to onnxruntime and to the reference executor by ExecutorFloatTests and ExecutorTwinTests.
final class StepFusionTests: XCTestCase {
    func testResidualAddRunsItsReluAndConvsTheirs() throws {
        let graph = try FixtureIndex.graph("resnet")
        let program = try CompiledProgram(graph: graph, batchSize: 2, pointCount: 0, context: try DNNLContext(threadCount: 1))
        var fusedAdds = 0
        for (index, step) in program.steps.enumerated() {
            guard case .add(let fused) = step.kernel else { continue }
            let readers = program.readers[step.output]
            let readByRelu = readers.count == 1 && graph.nodes[readers[0]].op == .relu
            XCTAssertEqual(fused, readByRelu ? .relu : nil, "Add \(step.node.name)")
            if readByRelu {
                fusedAdds += 1
                guard case .alias = program.steps[readers[0]].kernel else {
                    return XCTFail("the ReLU after Add \(step.node.name) (step \(index)) runs again")
                }
            }
        }
        XCTAssertGreaterThan(fusedAdds, 0, "the resnet fixture has Add → Relu blocks")
    }
}
