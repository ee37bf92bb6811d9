import Foundation
import XCTest

/// Reads a golden JSON file written by Scripts/goldens/gen-math-goldens.py.
func loadGolden<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let directory = try XCTUnwrap(Bundle.module.url(forResource: "Goldens", withExtension: nil),
                                  "the Goldens resource directory is missing")
    let data = try Data(contentsOf: directory.appendingPathComponent("\(name).json"))
    return try JSONDecoder().decode(T.self, from: data)
}
