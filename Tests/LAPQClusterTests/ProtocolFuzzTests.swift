import LAPQMath
import XCTest
@testable import LAPQCluster

/// Decoding never traps: random frames and random mutations of valid frames either decode to a
/// message that re-encodes to an equal message, or throw a `ProtocolError`.
final class ProtocolFuzzTests: XCTestCase {
    func testRandomBytesNeverCrashTheDecoder() {
        var random = SplitMix64(seed: 0x1A90)
        var rejected = 0
        for _ in 0..<4000 {
            let length = Int(random.next() % 96)
            var frame = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if random.next() % 2 == 0, frame.count >= 8 {
                // Give half of them a valid magic and version, so the decoder gets past the header.
                frame.replaceSubrange(0..<6, with: [0x4C, 0x41, 0x50, 0x51, 1, 0])
            }
            rejected += checkDecodes(frame) ? 0 : 1
        }
        XCTAssertGreaterThan(rejected, 3900)
    }

    func testMutatedValidFramesNeverCrashTheDecoder() {
        var random = SplitMix64(seed: 2026)
        let frames = ProtocolSamples.all.map { $0.encoded() }
        var decoded = 0, rejected = 0
        for round in 0..<12_000 {
            var frame = frames[round % frames.count]
            for _ in 0..<(1 + random.next() % 3) { mutate(&frame, &random) }
            if checkDecodes(frame) { decoded += 1 } else { rejected += 1 }
        }
        XCTAssertGreaterThan(decoded, 0)
        XCTAssertGreaterThan(rejected, 0)
    }

    /// Both state machines take mutated frames of every type in any state without trapping;
    /// what they cannot use they count.
    func testStateMachinesSurviveMutatedFrames() {
        var random = SplitMix64(seed: 77)
        let frames = ProtocolSamples.all.map { $0.encoded() }
        let shards = [JobShard(id: 3, sha256: ProtocolSamples.digestA), JobShard(id: 7, sha256: ProtocolSamples.digestB)]
        var coordinator = CoordinatorStateMachine(configuration: .init(runID: 42, model: ProtocolSamples.digestA, modelSize: 10, shards: shards))
        var worker = WorkerStateMachine(configuration: .init(name: "fuzz", threads: 1))
        _ = worker.on(.connected(at: 0))
        _ = coordinator.on(.evaluate(EvaluationRequest(id: 9, work: .evaluate(ProtocolSamples.vectors)), at: 0))
        for round in 0..<3000 {
            var frame = frames[round % frames.count]
            if round % 3 != 0 { mutate(&frame, &random) }
            let now = Milliseconds(round)
            _ = coordinator.on(.received(frame, from: [UInt8(round % 3)], at: now))
            _ = worker.on(.received(frame, at: now))
        }
        XCTAssertGreaterThan(coordinator.counters.malformed, 0)
        XCTAssertGreaterThan(worker.counters.malformed, 0)
    }

    /// Decodes `frame`; a decoded message must re-encode to a frame that decodes to the same
    /// bytes again (bytes, not `==`: a mutated float may be a NaN).
    private func checkDecodes(_ frame: [UInt8]) -> Bool {
        do {
            let encoded = try Message(decoding: frame).encoded()
            XCTAssertEqual(try Message(decoding: encoded).encoded(), encoded)
            return true
        } catch {
            // `Message(decoding:)` throws only `ProtocolError` (typed throws); its description must be readable.
            XCTAssertFalse(error.description.isEmpty)
            return false
        }
    }

    private func mutate(_ frame: inout [UInt8], _ random: inout SplitMix64) {
        guard !frame.isEmpty else { return }
        let position = Int(random.next() % UInt64(frame.count))
        switch random.next() % 4 {
        case 0: frame[position] = UInt8(truncatingIfNeeded: random.next())
        case 1: frame[position] ^= UInt8(1 << (random.next() % 8))
        case 2: frame = Array(frame.prefix(position))
        default: frame.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
        }
    }
}
