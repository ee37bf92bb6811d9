import LAPQCalibration
import LAPQData
import LAPQEngine
import XCTest
@testable import LAPQCluster

/// A run's second data set (the validation set): an evaluation of one set touches only that
/// set's shards, answers all of them, and spreads them over the workers on its own, whoever
/// owns the other set's shards.
final class ShardSetTests: XCTestCase {
    let vectors: [StepVector] = [.float, [0.5, 0.125]]

    func expected(_ ids: Range<Int>) -> [Int: ShardAnswer] {
        scoreAnswers(Dictionary(uniqueKeysWithValues: ids.map { id in (id, vectors.map { ClusterSimulation.score(shard: id, vector: $0) }) }))
    }

    func testEachSetIsEvaluatedAloneAndBalancedOnItsOwn() {
        // 4 calibration shards, then 8 validation shards. The first worker computes the whole
        // calibration set before the second joins: balanced over all 12 shards, the second
        // would get every validation shard.
        let simulation = ClusterSimulation(shardCount: 12, seed: 4) { $0.shardSets = [Array(0..<4), Array(4..<12)] }
        let first = simulation.addWorker("a")
        simulation.evaluate(EvaluationRequest(id: 1, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.completed.count == 1 })
        XCTAssertEqual(simulation.completed[0].answers, expected(0..<4))
        XCTAssertEqual(Set(simulation.loads.compactMap(\.1.shardID)), [0, 1, 2, 3], "only the calibration shards were loaded")
        let second = simulation.addWorker("b")
        XCTAssertTrue(simulation.run { simulation.coordinator.workers.count == 2 })

        simulation.evaluate(EvaluationRequest(id: 2, work: .scores(vectors), shardSet: 1))
        XCTAssertTrue(simulation.run { simulation.completed.count == 2 })
        XCTAssertEqual(simulation.completed[1].answers, expected(4..<12))
        let owners = (4..<12).compactMap { simulation.coordinator.assignment[$0] }
        XCTAssertEqual(owners.filter { $0 == first }.count, 4, "equal workers share the validation set equally")
        XCTAssertEqual(owners.filter { $0 == second }.count, 4)

        simulation.evaluate(EvaluationRequest(id: 3, work: .scores(vectors)))
        XCTAssertTrue(simulation.run { simulation.completed.count == 3 })
        XCTAssertEqual(simulation.completed[2].answers, expected(0..<4), "back to the calibration set")
    }
}
