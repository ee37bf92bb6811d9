import XCTest
import LAPQKernels

/// ONNX Pad: the naive kernel against values written out by hand from ONNX's definition
/// (NumPy's pad modes), and the fast kernel bit for bit against the naive one, every mode,
/// cropping included, one and two threads.
final class PadKernelTests: XCTestCase {
    func testNaivePadFollowsOnnxDefinitionInEveryMode() throws {
        let x = Tensor(shape: [1, 4], data: [1, 2, 3, 4])
        let pads = [0, 2, 0, 3]   // axis 1: two before, three after
        let expected: [PadMode: [Float]] = [
            .constant: [9, 9, 1, 2, 3, 4, 9, 9, 9],
            .edge: [1, 1, 1, 2, 3, 4, 4, 4, 4],
            .reflect: [3, 2, 1, 2, 3, 4, 3, 2, 1],
        ]
        for mode in PadMode.allCases {
            var out = Tensor(shape: [])
            try padNaive(&out, x, pads: pads, mode: mode, value: 9)
            XCTAssertEqual(out.shape, [1, 9])
            XCTAssertEqual(out.data, expected[mode], "\(mode)")
        }
        var cropped = Tensor(shape: [])
        try padNaive(&cropped, x, pads: [0, -1, 0, 1], mode: .constant, value: 0)
        XCTAssertEqual(cropped.data, [2, 3, 4, 0], "a negative pad crops")
    }

    func testPadFastEqualsNaiveExactly() throws {
        var generator = SeededGenerator(seed: 61)
        let cases: [([Int], [Int])] = [
            ([2, 3, 4, 5], [0, 1, 2, 0, 0, 2, 1, 3]), ([2, 16, 8, 8], [0, 8, 0, 0, 0, 8, 0, 0]),
            ([2, 3, 5, 5], [0, 0, -1, 2, 0, 0, 1, -2]), ([3, 7], [0, 3, 0, 0]), ([2, 3, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0]),
            ([1, 2, 64, 300], [0, 1, 1, 1, 0, 1, 1, 1]),
        ]
        for (shape, pads) in cases {
            let x = randomTensor(shape, &generator)
            for mode in PadMode.allCases where mode == .constant || !pads.contains(where: { $0 >= 3 }) {
                var expected = Tensor(shape: []), actual = Tensor(shape: [])
                try padNaive(&expected, x, pads: pads, mode: mode, value: 0.5)
                for threads in [1, 2] {
                    try padFast(&actual, x, pads: pads, mode: mode, value: 0.5, threads: threads)
                    XCTAssertEqual(actual.shape, expected.shape, "\(shape) \(pads) \(mode)")
                    XCTAssertTrue(zip(actual.data, expected.data).allSatisfy { $0.bitPattern == $1.bitPattern },
                                  "\(shape) \(pads) \(mode), \(threads) threads")
                }
            }
        }
    }

    func testPadRefusesASizeBelowZero() {
        var out = Tensor(shape: [])
        XCTAssertThrowsError(try padNaive(&out, Tensor(shape: [1, 2]), pads: [0, -2, 0, -1], mode: .constant, value: 0))
        XCTAssertThrowsError(try padFast(&out, Tensor(shape: [1, 2]), pads: [0, 0], mode: .constant, value: 0, threads: 1))
    }
}
