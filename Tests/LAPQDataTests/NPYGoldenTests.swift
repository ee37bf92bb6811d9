import Foundation
import LAPQMath
import XCTest
@testable import LAPQData

/// Reads the arrays numpy wrote and writes the same arrays back, byte for byte.
final class NPYGoldenTests: XCTestCase {
    func testReadsEveryVersionAndDType() throws {
        let fixtures = try DataFixtures.load()
        XCTAssertEqual(fixtures.arrays.count, 12)
        for stored in fixtures.arrays {
            let array = try NPYFile(path: DataFixtures.path(stored.file))
            XCTAssertEqual(array.header.version.rawValue, stored.version, stored.file)
            XCTAssertEqual(array.dtype.descr, stored.descr, stored.file)
            XCTAssertEqual(array.shape, stored.shape, stored.file)
            XCTAssertEqual(try values(of: array), stored.values, stored.file)
        }
    }

    func testReadsARangeOfRowsOnly() throws {
        let stored = try XCTUnwrap(DataFixtures.load().arrays.first { $0.file == "v2_f4.npy" })
        let array = try NPYFile(path: DataFixtures.path(stored.file))
        let rowLength = stored.shape.dropFirst().reduce(1, *)
        XCTAssertEqual(try array.read(rows: 1..<2, as: Float.self).map(Double.init), Array(stored.values[rowLength...]))
        XCTAssertEqual(try array.readBytes(rows: 1..<1), [])
    }

    func testInt32LabelsConvertToInt() throws {
        let stored = try XCTUnwrap(DataFixtures.load().arrays.first { $0.file == "v1_i4.npy" })
        let array = try NPYFile(path: DataFixtures.path(stored.file))
        XCTAssertEqual(try array.readIntegers(rows: 2..<5), stored.values[2..<5].map { Int($0) })
    }

    func testWriterMatchesNumpyByteForByte() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for stored in try DataFixtures.load().arrays {
            let version = try XCTUnwrap(NPYFormatVersion(rawValue: stored.version))
            let output = scratch.file(stored.file)
            switch try XCTUnwrap(NPYDType(descr: stored.descr)) {
            case .uint8: try NPYWriter.write(stored.values.map { UInt8($0) }, shape: stored.shape, to: output, version: version)
            case .float32: try NPYWriter.write(stored.values.map { Float($0) }, shape: stored.shape, to: output, version: version)
            case .int64: try NPYWriter.write(stored.values.map { Int64($0) }, shape: stored.shape, to: output, version: version)
            case .int32: try NPYWriter.write(stored.values.map { Int32($0) }, shape: stored.shape, to: output, version: version)
            }
            XCTAssertEqual(try Data(contentsOf: output), try Data(contentsOf: DataFixtures.directory.appendingPathComponent(stored.file)),
                           stored.file)
        }
    }

    func testRoundTripPicksVersionOneAndKeepsValues() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var generator = SplitMix64(seed: 5)
        let values = (0..<(3 * 5 * 7)).map { _ in Float(generator.gaussian()) }
        let url = scratch.file("round.npy")
        try NPYWriter.write(values, shape: [3, 5, 7], to: url)
        let array = try NPYFile(path: url.path)
        XCTAssertEqual(array.header.version, .v1)
        XCTAssertEqual(array.header.dataOffset % 64, 0)
        XCTAssertEqual(array.shape, [3, 5, 7])
        XCTAssertEqual(try array.readAll(as: Float.self), values)
    }

    func testZeroDimensionalAndEmptyArrays() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try NPYWriter.write([Int64(-7)], shape: [], to: scratch.file("scalar.npy"))
        try NPYWriter.write([UInt8](), shape: [0, 4], to: scratch.file("empty.npy"))
        XCTAssertEqual(try NPYFile(path: scratch.file("scalar.npy").path).readAll(as: Int64.self), [-7])
        let empty = try NPYFile(path: scratch.file("empty.npy").path)
        XCTAssertEqual(empty.shape, [0, 4])
        XCTAssertEqual(try empty.readAll(as: UInt8.self), [])
    }

    private func values(of array: NPYFile) throws -> [Double] {
        switch array.dtype {
        case .uint8: return try array.readAll(as: UInt8.self).map(Double.init)
        case .float32: return try array.readAll(as: Float.self).map(Double.init)
        case .int64, .int32: return try array.readIntegers(rows: 0..<array.rowCount).map(Double.init)
        }
    }
}
