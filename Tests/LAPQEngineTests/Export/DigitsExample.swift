import Foundation
import XCTest
import LAPQEngine

/// The bundled example of examples/digits (written by Scripts/fixtures/train-digits.py): its model, its
/// validation set as network inputs, and the numbers its README records.
///
/// The .npy reading here covers only the two layouts that script writes (format 1.0, `|u1`
/// and `<i8`, C order); LAPQCalibration's `NPYFile` is the general reader, which this test
/// target does not depend on.
struct DigitsExample {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/digits")

    let graph: Graph
    /// The validation images preprocessed as the README says, NCHW (400, 1, 8, 8).
    let validationInput: Tensor
    let validationLabels: [Int]
    /// The README's text, which records the preprocessing and the float accuracy.
    let readme: String

    init() throws {
        let readme = try String(contentsOf: Self.directory.appendingPathComponent("README.md"), encoding: .utf8)
        let scale = try 1 / Self.recorded("scale = 1/", in: readme)
        let mean = try Self.recorded("mean = ", in: readme), std = try Self.recorded("std = ", in: readme)
        let (pixels, shape) = try Self.npy(Self.directory.appendingPathComponent("val_images.npy"), descr: "|u1")
        let (labels, _) = try Self.npy(Self.directory.appendingPathComponent("val_labels.npy"), descr: "<i8")
        XCTAssertEqual(shape.dropFirst(), [8, 8, 1], "images are NHWC (N, 8, 8, 1)")
        // One channel, so NHWC and NCHW hold the values in the same order.
        let values = pixels.map { Float((Double($0) * scale - mean) / std) }
        self.graph = try ONNXImporter.load(contentsOf: Self.directory.appendingPathComponent("digits.onnx"))
        self.validationInput = Tensor(shape: [shape[0], 1, 8, 8], data: values)
        self.validationLabels = labels
        self.readme = readme
    }

    /// The number after `prefix` on the README line that starts with "- " + prefix.
    private static func recorded(_ prefix: String, in readme: String) throws -> Double {
        let line = try XCTUnwrap(readme.split(separator: "\n").first { $0.hasPrefix("- " + prefix) }, "README lacks '\(prefix)'")
        let number = line.dropFirst(2 + prefix.count).prefix { !$0.isWhitespace }
        return try XCTUnwrap(Double(number), "README: '\(line)'")
    }

    /// The elements and shape of a format-1.0 .npy file of one-byte unsigned or 8-byte
    /// little-endian signed integers.
    private static func npy(_ url: URL, descr: String) throws -> ([Int], [Int]) {
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(bytes.prefix(8)), [0x93] + Array("NUMPY".utf8) + [1, 0], url.lastPathComponent)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'descr': '\(descr)'") && header.contains("'fortran_order': False"), header)
        let shapeText = try XCTUnwrap(header.split(separator: "(").last?.split(separator: ")").first, header)
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let body = bytes[(10 + headerLength)...]
        let width = descr == "|u1" ? 1 : 8
        XCTAssertEqual(body.count, shape.reduce(1, *) * width, url.lastPathComponent)
        let values = stride(from: body.startIndex, to: body.endIndex, by: width).map { start in
            (0..<width).reduce(0) { $0 | Int(body[start + $1]) << (8 * $1) }
        }
        return (values, shape)
    }
}
