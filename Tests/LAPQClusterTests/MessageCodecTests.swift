import LAPQCalibration
import LAPQEngine
import XCTest
@testable import LAPQCluster
import LAPQClusterFuzzing
@testable import LAPQData

final class MessageCodecTests: XCTestCase {
    func testEveryMessageTypeRoundTrips() throws {
        let samples = ProtocolSamples.all
        XCTAssertEqual(Set(samples.map(\.type)), Set(MessageType.allCases))
        for message in samples {
            XCTAssertEqual(try Message(decoding: message.encoded()), message, "\(message.type)")
        }
    }

    /// The header layout of docs/protocol.md, byte by byte.
    func testHeaderBytesFollowTheDocumentedLayout() {
        let message = Message(runID: 0x0102_0304_0506_0708, evaluationID: 9, attempt: 2, stepHash: 0xAABB,
                              body: .loaded(Loaded(item: .shard(5), sha256: ProtocolSamples.digestA)))
        let frame = message.encoded()
        XCTAssertEqual(Array(frame[0..<4]), Array("LAPQ".utf8))
        XCTAssertEqual(Array(frame[4..<6]), [5, 0])                       // version
        XCTAssertEqual(frame[6], MessageType.loaded.rawValue)
        XCTAssertEqual(frame[7], 0)                                        // flags
        XCTAssertEqual(Array(frame[8..<16]), [8, 7, 6, 5, 4, 3, 2, 1])     // run id
        XCTAssertEqual(Array(frame[16..<24]), [9, 0, 0, 0, 0, 0, 0, 0])    // evaluation id
        XCTAssertEqual(Array(frame[24..<28]), [5, 0, 0, 0])                // shard id
        XCTAssertEqual(Array(frame[28..<30]), [2, 0])                      // attempt
        XCTAssertEqual(Array(frame[30..<32]), [0, 0])                      // reserved
        XCTAssertEqual(Array(frame[32..<40]), [0xBB, 0xAA, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(frame[40..<44]), [33, 0, 0, 0])               // payload: digest + ok byte
        XCTAssertEqual(frame.count, ProtocolConstants.headerSize + 33)
        let model = Message(runID: 1, body: .loaded(Loaded(item: .model, sha256: ProtocolSamples.digestA))).encoded()
        XCTAssertEqual(Array(model[24..<28]), [0xFF, 0xFF, 0xFF, 0xFF])
    }

    func testStepHashIsFNV1aOverTheBitPatterns() {
        // FNV-1a 64 of the 8 bytes of 1.0 (0x3FF0000000000000, little-endian), computed independently.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in [0, 0, 0, 0, 0, 0, 0xF0, 0x3F] as [UInt64] { hash = (hash ^ byte) &* 0x100_0000_01B3 }
        XCTAssertEqual(StepVectorHash.of([[1.0]]), hash)
        XCTAssertNotEqual(StepVectorHash.of([[1.0], .float]), StepVectorHash.of([[1.0]]))
        XCTAssertNotEqual(StepVectorHash.of([[1.0, 2.0]]), StepVectorHash.of([[2.0, 1.0]]))
    }

    func testMalformedFramesThrowTypedErrors() {
        let valid = Message(runID: 1, body: .heartbeat(Heartbeat(progress: 5, busy: false))).encoded()
        func error(_ frame: [UInt8]) -> ProtocolError? {
            do { _ = try Message(decoding: frame); return nil } catch { return error }
        }
        func patched(_ offset: Int, _ bytes: [UInt8]) -> [UInt8] {
            var frame = valid
            frame.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return frame
        }
        guard case .truncated = error(Array(valid.prefix(10))) else { return XCTFail("short header") }
        guard case .truncated = error(Array(valid.dropLast())) else { return XCTFail("short payload") }
        guard case .oversized = error(valid + [0]) else { return XCTFail("trailing byte") }
        guard case .oversized = error(patched(40, [0xFF, 0xFF, 0xFF, 0x7F])) else { return XCTFail("huge length") }
        XCTAssertEqual(error(patched(0, [0x47, 0x45, 0x54, 0x20])), .wrongMagic(0x2054_4547))
        XCTAssertEqual(error(patched(4, [1, 0])), .wrongVersion(1))
        XCTAssertEqual(error(patched(6, [200])), .unknownType(200))
        guard case .inconsistent = error(patched(7, [1])) else { return XCTFail("flags") }
        guard case .inconsistent = error(patched(24, [3, 0, 0, 0])) else { return XCTFail("shard id on a heartbeat") }
        guard case .inconsistent = error(patched(52, [2])) else { return XCTFail("busy byte 2") }
        XCTAssertFalse((error(patched(52, [2])) ?? .unknownType(0)).description.isEmpty)
    }

    func testJobWhoseHashDoesNotMatchItsVectorsIsRejected() {
        var job = ProtocolSamples.all.first { $0.type == .job } ?? Message(runID: 0, body: .cancel)
        job.stepHash &+= 1
        XCTAssertThrowsError(try Message(decoding: job.encoded())) { error in
            guard case ProtocolError.inconsistent(message: "JOB header", _) = error else { return XCTFail("\(error)") }
        }
    }

    func testLoadChunkBeyondItsTotalIsRejected() {
        let chunk = LoadChunk(item: .model, totalSize: 4, offset: 3, bytes: [1, 2], sha256: ProtocolSamples.digestA, shardFacts: nil)
        XCTAssertThrowsError(try Message(decoding: Message(runID: 1, body: .load(chunk)).encoded()))
    }

    /// Shard facts whose byte count would overflow an Int (dimensions of 2^16, 2^24 samples) are
    /// refused, not multiplied out. (The decoder trapped on them before.)
    func testShardFactsTooLargeToCountAreRejected() {
        let facts = ShardFacts(layout: .nchwFloat32, storedSampleShape: [1 << 16, 1 << 16, 1 << 16], samples: 0..<ProtocolConstants.maxShardSamples,
                               labelDType: .int64, preprocessing: Preprocessing())
        let chunk = LoadChunk(item: .shard(1), totalSize: 1, offset: 0, bytes: [], sha256: ProtocolSamples.digestA, shardFacts: facts)
        XCTAssertThrowsError(try Message(decoding: Message(runID: 1, body: .load(chunk)).encoded())) { error in
            guard case ProtocolError.inconsistent(message: "LOAD shard facts", _) = error else { return XCTFail("\(error)") }
        }
    }

    /// A shard's sample count in a RESULT is at most `maxShardSamples`: the coordinator adds the
    /// counts of every shard, and forged ones near Int64.max overflowed that sum (a trap).
    func testResultCountsBeyondAShardsSamplesAreRejected() throws {
        func result(count: Int) -> [UInt8] {
            let score = BatchScore(lossSum: 1, top1: 0, count: count)
            return Message(runID: 1, evaluationID: 1, stepHash: 5, body: .result(JobResult(isStatistics: false, outcome: .completed(scoreAnswers([0: [score]]))))).encoded()
        }
        XCTAssertNoThrow(try Message(decoding: result(count: ProtocolConstants.maxShardSamples)))
        XCTAssertThrowsError(try Message(decoding: result(count: ProtocolConstants.maxShardSamples + 1)))
        XCTAssertThrowsError(try Message(decoding: result(count: Int(Int64.max))))
    }

    func testLoadChunkerCutsAnItemIntoOrderedChunks() throws {
        let bytes = (0..<10).map { UInt8($0) }
        let digest = SHA256Digest(of: bytes)
        let messages = LoadChunker.messages(item: .model, bytes: bytes, sha256: digest, shardFacts: nil, runID: 7, chunkSize: 4)
        let chunks = try messages.map { message -> LoadChunk in
            guard case let .load(chunk) = try Message(decoding: message.encoded()).body else { throw ProtocolError.unknownType(0) }
            return chunk
        }
        XCTAssertEqual(chunks.map(\.offset), [0, 4, 8])
        XCTAssertEqual(chunks.flatMap(\.bytes), bytes)
        XCTAssertTrue(chunks.allSatisfy { $0.totalSize == 10 && $0.sha256 == digest })
    }

    func testDigestHexMatchesTheManifestsFormat() {
        let digest = SHA256Digest(of: Array("abc".utf8))
        XCTAssertEqual(digest.hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest(hex: digest.hex.uppercased()), digest)
        XCTAssertNil(SHA256Digest(hex: "xyz"))
    }

    /// A STATS may not make a worker allocate more than `maxHistogramBins` counts per shard:
    /// 2^24 bins per point (once accepted) and many points of fewer bins are both refused.
    func testStatsAskingForTooManyBinsIsRefused() {
        let shards = [JobShard(id: 0, sha256: SHA256Digest(of: [0]))]
        func decodes(binCount: Int, points: Int) -> Bool {
            let work = EvaluationWork.histograms(binCount: binCount, maxima: [Double](repeating: 1, count: points))
            return (try? Message(decoding: Message(runID: 1, evaluationID: 1, body: .job(Job(shards: shards, work: work))).encoded())) != nil
        }
        XCTAssertTrue(decodes(binCount: 4096, points: 1024))
        XCTAssertTrue(decodes(binCount: ProtocolConstants.maxHistogramBins, points: 1))
        XCTAssertFalse(decodes(binCount: 1 << 24, points: 1))
        XCTAssertFalse(decodes(binCount: 4096, points: 1025))
    }
}
