import LAPQMath
import XCTest
@testable import LAPQCluster
import LAPQClusterFuzzing

/// The protocol fuzz target that Scripts/fuzz-protocol hands to libFuzzer (`ProtocolFuzzTarget`),
/// run here on a seeded, repeatable stream: random frames, the seed corpus, and mutations of it.
/// A trap fails the test run; a violated invariant fails the test with the input that broke it.
final class ProtocolFuzzTests: XCTestCase {
    func testRandomBytesNeverCrashTheDecoder() throws {
        var random = SplitMix64(seed: 0x1A90)
        let version = ProtocolConstants.version
        var refused = 0
        for _ in 0..<4000 {
            let length = Int(random.next() % 96)
            var frame = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if random.next() % 2 == 0, frame.count >= 8 {
                // Give half of them a valid magic and version, so the decoder gets past the header.
                frame.replaceSubrange(0..<6, with: [0x4C, 0x41, 0x50, 0x51, UInt8(version & 0xFF), UInt8(version >> 8)])
            }
            refused += try ProtocolFuzzCodecCheck.decode(frame) == nil ? 1 : 0
        }
        XCTAssertGreaterThan(refused, 3900)
    }

    /// The seeds decode whole and reach completed evaluations, run jobs and stored items, so
    /// mutations of them start deep in both state machines.
    func testSeedCorpusRunsCleanAndDeep() throws {
        let seeds = ProtocolFuzzSeeds.all
        XCTAssertEqual(Set(seeds.map(\.name)).count, seeds.count)
        var total = ProtocolFuzzReport()
        for seed in seeds {
            XCTAssertEqual(ProtocolFuzzInput(parsing: seed.input.bytes), seed.input, seed.name)
            total += try ProtocolFuzzTarget.run(seed.input.bytes)
        }
        XCTAssertEqual(total.framesRefused, 0)
        XCTAssertGreaterThan(total.evaluationsCompleted, 0)
        XCTAssertGreaterThan(total.evaluationsFailed, 0)
        XCTAssertGreaterThan(total.jobsAnswered, 0)
        XCTAssertGreaterThan(total.itemsStored, 0)
    }

    /// 20,000 seeded mutations of the seed corpus: what libFuzzer does for a million inputs in
    /// Scripts/fuzz-protocol, cut to a few seconds and made repeatable.
    func testSeededMutationsOfTheSeedCorpus() {
        var random = SplitMix64(seed: 2026)
        let seeds = ProtocolFuzzSeeds.all.map(\.input)
        var total = ProtocolFuzzReport()
        for round in 0..<20_000 {
            var input = seeds[round % seeds.count]
            for _ in 0..<(1 + random.next() % 4) { ProtocolFuzzMutator.mutate(&input, splicingFrom: seeds, &random) }
            let bytes = input.bytes
            do {
                total += try ProtocolFuzzTarget.run(bytes)
            } catch {
                return XCTFail("\(error) on input \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
            }
        }
        XCTAssertGreaterThan(total.framesDecoded, 10_000)
        XCTAssertGreaterThan(total.framesRefused, 10_000)
        XCTAssertGreaterThan(total.evaluationsCompleted, 100)
        XCTAssertGreaterThan(total.jobsAnswered, 100)
    }
}

/// A small structure-aware mutator: bytes of a frame, control and setup bytes, whole records.
enum ProtocolFuzzMutator {
    /// Values that sit on the decoder's bounds (counts, sizes, shard ids, dimensions).
    static let boundaryValues: [UInt64] = [0, 1, 0x7F, 0xFF, 1 << 16, 1 << 24, 1 << 31, UInt64(UInt32.max), UInt64(Int64.max), .max]

    static func mutate(_ input: inout ProtocolFuzzInput, splicingFrom seeds: [ProtocolFuzzInput], _ random: inout SplitMix64) {
        func pick(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
        let choice = pick(9)
        if choice == 0 {
            input.setup = UInt8(truncatingIfNeeded: random.next())
            return
        }
        if choice == 1 || input.records.isEmpty {
            let donor = seeds[pick(seeds.count)].records
            if !donor.isEmpty { input.records.insert(donor[pick(donor.count)], at: pick(input.records.count + 1)) }
            return
        }
        let index = pick(input.records.count)
        if choice == 2 {
            input.records[index].control = UInt8(truncatingIfNeeded: random.next())
            return
        }
        if choice == 3 {
            input.records.remove(at: index)
            return
        }
        var frame = input.records[index].frame
        switch choice {
        case 4 where !frame.isEmpty: frame[pick(frame.count)] = UInt8(truncatingIfNeeded: random.next())
        case 5 where !frame.isEmpty: frame[pick(frame.count)] ^= UInt8(1 << pick(8))
        case 6: frame.removeSubrange(pick(frame.count + 1)...)
        case 7: frame.insert(UInt8(truncatingIfNeeded: random.next()), at: pick(frame.count + 1))
        default:
            // A boundary value over 1, 2, 4 or 8 little-endian bytes.
            let width = 1 << pick(4), value = boundaryValues[pick(boundaryValues.count)]
            guard frame.count >= width else { return }
            let start = pick(frame.count - width + 1)
            for byte in 0..<width { frame[start + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
        }
        input.records[index].frame = frame
    }
}
