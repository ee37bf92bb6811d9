import Foundation
import LAPQCalibration
import LAPQEngine
import XCTest
@testable import LAPQCluster
@testable import LAPQData

/// Received shards live in an unlinked scratch file, not in memory: they decode exactly as the
/// local store decodes them, the scratch directory shows no file, and a replaced shard's new
/// bytes win.
final class ReceivedShardsSpillTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    func testSpilledShardsDecodeLikeTheLocalStoreAndLeaveNoFileBehind() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lapq-spill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let received = try ReceivedShards(scratchDirectory: scratch)
        var total = 0
        for id in store.shardIDs {
            let bytes = try store.verifiedBytes(shard: id)
            try received.insert(id: id, sha256: SHA256Digest(of: bytes.images + bytes.labels), bytes: bytes.images + bytes.labels, facts: ShardFacts(store: store, shard: id))
            total += bytes.images.count + bytes.labels.count
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [], "the scratch file is unlinked")
        XCTAssertEqual(received.spilledBytes, total)
        for id in store.shardIDs {
            let (mine, theirs) = (try received.loadShard(id), try store.loadShard(id))
            XCTAssertEqual(mine.input, theirs.input, "shard \(id)")
            XCTAssertEqual(mine.labels, theirs.labels, "shard \(id)")
        }
        // A shard sent again (another run's shard under the same id) replaces the old bytes.
        let first = try store.verifiedBytes(shard: 0), second = try store.verifiedBytes(shard: 1)
        let facts = ShardFacts(store: store, shard: 1)
        try received.insert(id: 0, sha256: SHA256Digest(of: second.images + second.labels), bytes: second.images + second.labels, facts: facts)
        XCTAssertEqual(try received.loadShard(0).labels, try store.loadShard(1).labels)
        XCTAssertNotEqual(first.labels, second.labels)
    }

    func testAnUnusableScratchDirectoryIsAClearError() {
        XCTAssertThrowsError(try ReceivedShards(scratchDirectory: URL(fileURLWithPath: "/nonexistent-lapq-scratch"))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent-lapq-scratch"), "\(error)")
            XCTAssertTrue("\(error)".contains("--scratch-dir"), "\(error)")
        }
    }
}

/// A job may name bytes the worker holds under another id (the calibration manifest given as the
/// validation set too): the id reads those bytes, even after the first id is replaced.
final class ReceivedShardsAliasTests: XCTestCase {
    private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    func testAnIdReadsTheBytesOfItsDigest() throws {
        let store = try ShardStore(manifestAt: example.appendingPathComponent("calib.json"))
        let received = try ReceivedShards()
        let first = try store.verifiedBytes(shard: 0), second = try store.verifiedBytes(shard: 1)
        let firstDigest = SHA256Digest(of: first.images + first.labels)
        try received.insert(id: 0, sha256: firstDigest, bytes: first.images + first.labels, facts: ShardFacts(store: store, shard: 0))
        XCTAssertFalse(received.alias(id: 9, sha256: SHA256Digest(of: second.images + second.labels)), "bytes never received")
        try received.insert(id: 0, sha256: SHA256Digest(of: second.images + second.labels), bytes: second.images + second.labels,
                            facts: ShardFacts(store: store, shard: 1))
        XCTAssertTrue(received.alias(id: 9, sha256: firstDigest))
        XCTAssertEqual(try received.loadShard(9).labels, try store.loadShard(0).labels)
        XCTAssertEqual(try received.loadShard(0).labels, try store.loadShard(1).labels)
    }
}
