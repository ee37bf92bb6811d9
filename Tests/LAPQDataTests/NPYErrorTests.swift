import Foundation
import XCTest
@testable import LAPQData

/// Every way a .npy file can be unusable gets its own error, and the message names the file.
final class NPYErrorTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
    }

    override func tearDown() {
        scratch.remove()
    }

    func testMissingFile() {
        let path = scratch.file("absent.npy").path
        assertThrows(try NPYFile(path: path), mentioning: [path, "no such file"])
    }

    func testBadMagic() throws {
        let url = scratch.file("text.npy")
        try Data("this is not numpy data at all".utf8).write(to: url)
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "not a NumPy .npy file"])
    }

    func testFileShorterThanMagic() throws {
        let url = scratch.file("tiny.npy")
        try Data([0x93, 0x4E]).write(to: url)
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "not a NumPy .npy file"])
    }

    func testUnsupportedVersion() throws {
        let url = try scratch.copy(fixture: "v1_f4.npy", as: "v4.npy")
        try patch(url, at: 6, with: 4)
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "version 4.0", "1.0, 2.0 and 3.0"])
    }

    func testUnsupportedDTypesAreNamedWithTheSupportedList() throws {
        for (file, named) in try DataFixtures.load().refused where named != "fortran" {
            let path = DataFixtures.path(file)
            assertThrows(try NPYFile(path: path), mentioning: [path, named, "|u1, <f4, <i8, <i4"])
        }
    }

    func testFortranOrder() {
        let path = DataFixtures.path("fortran_f4.npy")
        assertThrows(try NPYFile(path: path), mentioning: [path, "Fortran order"])
    }

    func testTruncatedData() throws {
        let url = try scratch.copy(fixture: "v2_i8.npy", as: "cut.npy")
        let bytes = try Data(contentsOf: url)
        try bytes.dropLast(3).write(to: url)
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "truncated", "\(bytes.count) bytes", "has \(bytes.count - 3)"])
    }

    func testHeaderLengthPastEndOfFile() throws {
        let url = try scratch.copy(fixture: "v1_u1.npy", as: "long-header.npy")
        try patch(url, at: 9, with: 0x7F)
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "malformed .npy header", "past the end"])
    }

    func testMalformedHeaderDict() throws {
        let url = try writeRaw(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 'x'), }", name: "garbled.npy")
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "malformed .npy header", "'shape'"])
    }

    func testUnparsableHeader() throws {
        let url = try writeRaw(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ", name: "unclosed.npy")
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "malformed .npy header", "unexpected end of header, expected '}'"])
    }

    func testMissingHeaderKey() throws {
        let url = try writeRaw(header: "{'descr': '<f4', 'fortran_order': False, 'form': (2,), }", name: "no-shape.npy")
        assertThrows(try NPYFile(path: url.path), mentioning: [url.path, "keys 'descr', 'fortran_order' and 'shape'"])
    }

    func testPython2HeaderWithLongIntegersIsRead() throws {
        let url = try writeRaw(header: "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L,)}", name: "py2.npy")
        XCTAssertEqual(try NPYFile(path: url.path).shape, [2])
    }

    func testReadingAsTheWrongTypeNamesBoth() throws {
        let path = DataFixtures.path("v3_u1.npy")
        assertThrows(try NPYFile(path: path).readAll(as: Float.self), mentioning: [path, "'|u1'", "<f4"])
    }

    /// A version 1.0 file with `header` as its header text and 8 zero bytes of data.
    private func writeRaw(header: String, name: String) throws -> URL {
        let text = Array(header.utf8) + [0x0A]
        let bytes = NPYHeader.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
        let url = scratch.file(name)
        try Data(bytes + [UInt8](repeating: 0, count: 8)).write(to: url)
        return url
    }

    private func patch(_ url: URL, at offset: Int, with byte: UInt8) throws {
        var bytes = try Data(contentsOf: url)
        bytes[offset] = byte
        try bytes.write(to: url)
    }
}
