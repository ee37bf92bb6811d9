import XCTest
import LAPQKernels

/// The broadcasting, transpose, trailing-mean, square-root and erf fast kernels against their
/// naive twins: bit for bit where both compute the same roundings, within a stated bound for
/// erf (a rational approximation against the C library's); with one and two threads.
final class FastLayoutAndArithmeticTests: XCTestCase {
    private let shapePairs: [([Int], [Int])] = [
        ([2, 3, 4, 5], [2, 3, 4, 5]), ([2, 3, 4, 5], [5]), ([2, 3, 4, 5], [3, 1, 1]), ([2, 1, 4, 1], [1, 3, 1, 37]),
        ([2, 5, 5, 33], [33]), ([2, 3, 4, 5], []), ([], [2, 3]), ([2, 8, 1, 1], [2, 8, 6, 6]), ([1, 4, 6, 6], [1]),
    ]

    func testBroadcastFastEqualsNaiveExactly() throws {
        var generator = SeededGenerator(seed: 51)
        let naive: [(BinaryOperation, (inout Tensor, Tensor, Tensor) throws(KernelError) -> Void)] = [
            (.add, addNaive), (.sub, subNaive), (.mul, mulNaive), (.div, divNaive), (.pow, powNaive),
        ]
        for (left, right) in shapePairs {
            let a = randomTensor(left, &generator)
            var b = randomTensor(right, &generator)
            for (operation, reference) in naive {
                if operation == .pow { b.data = b.data.map { $0 < 0 ? 2 : $0 * 3 } }   // a^2 and fractional powers
                let base = operation == .pow ? Tensor(shape: a.shape, data: a.data.map(abs)) : a
                var expected = Tensor(shape: []), actual = Tensor(shape: [])
                try reference(&expected, base, b)
                for threads in [1, 2] {
                    try broadcastFast(&actual, base, b, operation, threads: threads)
                    XCTAssertEqual(actual.shape, expected.shape, "\(operation) \(left) \(right)")
                    XCTAssertTrue(zip(actual.data, expected.data).allSatisfy { $0.bitPattern == $1.bitPattern },
                                  "\(operation) \(left) \(right), \(threads) threads")
                }
            }
        }
        var out = Tensor(shape: [])
        XCTAssertThrowsError(try broadcastFast(&out, Tensor(shape: [2, 3]), Tensor(shape: [4]), .add, threads: 1))
    }

    func testTransposeFastEqualsNaive() throws {
        var generator = SeededGenerator(seed: 52)
        for (shape, perm) in [([2, 3, 4, 5], [0, 2, 3, 1]), ([2, 3, 4, 5], [0, 3, 1, 2]), ([2, 2, 58, 7, 7], [0, 2, 1, 3, 4]),
                              ([3, 1], [1, 0]), ([4], [0])] {
            let x = randomTensor(shape, &generator)
            var expected = Tensor(shape: []), actual = Tensor(shape: [])
            try transposeNaive(&expected, x, perm: perm)
            try transposeFast(&actual, x, perm: perm, threads: 2)
            XCTAssertEqual(actual, expected, "\(shape) \(perm)")
            XCTAssertEqual(expected.shape, perm.map { shape[$0] })
        }
        var out = Tensor(shape: [])
        XCTAssertThrowsError(try transposeFast(&out, Tensor(shape: [2, 3]), perm: [0, 0], threads: 1))
        XCTAssertThrowsError(try transposeNaive(&out, Tensor(shape: [2, 3]), perm: [1]))
    }

    func testSliceFastEqualsNaive() throws {
        var generator = SeededGenerator(seed: 55)
        // (shape, starts, ends, axes, steps): ResNet's strided shortcut, negative bounds and
        // steps, an axis sliced to nothing, a clamped end, the last axis untouched.
        let cases: [([Int], [Int], [Int], [Int], [Int])] = [
            ([2, 16, 32, 32], [0, 0], [Int.max, Int.max], [2, 3], [2, 2]),
            ([2, 3, 7, 9], [-1, 5], [-8, 1], [2, 3], [-2, -3]),
            ([2, 3, 7, 9], [1], [2], [1], [1]),
            ([2, 3, 7, 9], [4], [4], [2], [1]),
            ([3, 5], [1, 0], [100, 5], [0, 1], [1, 2]),
            ([4], [-3], [Int.min], [0], [-1]),
        ]
        for (shape, starts, ends, axes, steps) in cases {
            let x = randomTensor(shape, &generator)
            var expected = Tensor(shape: []), actual = Tensor(shape: [])
            try sliceNaive(&expected, x, starts: starts, ends: ends, axes: axes, steps: steps)
            for threads in [1, 2] {
                try sliceFast(&actual, x, starts: starts, ends: ends, axes: axes, steps: steps, threads: threads)
                XCTAssertEqual(actual, expected, "\(shape) \(starts) \(ends) \(axes) \(steps), \(threads) threads")
            }
        }
        var out = Tensor(shape: [])
        XCTAssertThrowsError(try sliceFast(&out, Tensor(shape: [2, 3]), starts: [0], ends: [1], axes: [2], steps: [1],
                                           threads: 1))
    }

    /// The fast layout kernels write every element of an output whose storage they reuse
    /// (`Tensor.prepareForOverwrite`): an `out` of the right size full of NaN ends equal to
    /// the naive result, and one of another size is replaced.
    func testFastKernelsOverwriteAReusedOutput() throws {
        var generator = SeededGenerator(seed: 56)
        let x = randomTensor([2, 4, 6, 6], &generator), y = randomTensor([4, 1, 1], &generator)
        let kernels: [(String, (inout Tensor) throws -> Void, (inout Tensor) throws -> Void)] = [
            ("slice", { try sliceFast(&$0, x, starts: [0, 1], ends: [6, 6], axes: [2, 3], steps: [2, 2], threads: 2) },
             { try sliceNaive(&$0, x, starts: [0, 1], ends: [6, 6], axes: [2, 3], steps: [2, 2]) }),
            ("pad", { try padFast(&$0, x, pads: [0, 1, 0, 0, 0, 2, 0, 0], mode: .constant, value: 0, threads: 2) },
             { try padNaive(&$0, x, pads: [0, 1, 0, 0, 0, 2, 0, 0], mode: .constant, value: 0) }),
            ("transpose", { try transposeFast(&$0, x, perm: [0, 2, 3, 1], threads: 2) },
             { try transposeNaive(&$0, x, perm: [0, 2, 3, 1]) }),
            ("add", { try broadcastFast(&$0, x, y, .add, threads: 2) }, { try addNaive(&$0, x, y) }),
            ("mean", { _ = reduceMeanTrailingFast(&$0, x, axes: [2, 3], keepDims: true, threads: 2) },
             { try reduceMeanNaive(&$0, x, axes: [2, 3], keepDims: true) }),
        ]
        for (name, fast, naive) in kernels {
            var expected = Tensor(shape: [])
            try naive(&expected)
            var reused = Tensor(shape: [expected.count], repeating: .nan)
            try fast(&reused)
            XCTAssertEqual(reused, expected, name)
            var resized = Tensor(shape: [expected.count + 1], repeating: .nan)
            try fast(&resized)
            XCTAssertEqual(resized, expected, "\(name), another size")
        }
    }

    func testTransposeNaiveOnKnownValues() throws {
        var out = Tensor(shape: [])
        try transposeNaive(&out, Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]), perm: [1, 0])
        XCTAssertEqual(out, Tensor(shape: [3, 2], data: [1, 4, 2, 5, 3, 6]))
    }

    func testReduceMeanTrailingFastEqualsNaive() throws {
        var generator = SeededGenerator(seed: 53)
        let x = randomTensor([2, 3, 7, 9], &generator)
        for axes in [[3], [2, 3], [1, 2, 3]] {
            for keepDims in [true, false] {
                var expected = Tensor(shape: []), actual = Tensor(shape: [])
                try reduceMeanNaive(&expected, x, axes: axes, keepDims: keepDims)
                XCTAssertTrue(reduceMeanTrailingFast(&actual, x, axes: axes, keepDims: keepDims, threads: 2))
                XCTAssertEqual(actual, expected, "\(axes) keepDims \(keepDims)")
            }
        }
        var ignored = Tensor(shape: [])
        XCTAssertFalse(reduceMeanTrailingFast(&ignored, x, axes: [1], keepDims: true, threads: 1), "not a trailing block")
        var channelMean = Tensor(shape: [])
        try reduceMeanNaive(&channelMean, Tensor(shape: [1, 2, 1, 2], data: [1, 2, 5, 8]), axes: [1], keepDims: false)
        XCTAssertEqual(channelMean, Tensor(shape: [1, 1, 2], data: [3, 5]))
    }

    func testSqrtFastEqualsNaiveAndErfFastIsWithinBound() {
        var generator = SeededGenerator(seed: 54)
        for count in [0, 1, 15, 16, 17, 4099] {
            let x = Tensor(shape: [count], data: randomTensor([count], &generator).data.map { $0 * 5 })
            var expected = Tensor(shape: [])
            sqrtNaive(&expected, Tensor(shape: [count], data: x.data.map(abs)))
            var actual = [Float](repeating: 0, count: count)
            let magnitudes = x.data.map(abs)
            magnitudes.withUnsafeBufferPointer { input in actual.withUnsafeMutableBufferPointer { sqrtFast($0, input) } }
            XCTAssertEqual(actual, expected.data, "sqrt \(count)")
            erfNaive(&expected, x)
            x.data.withUnsafeBufferPointer { input in actual.withUnsafeMutableBufferPointer { erfFast($0, input) } }
            let worst = zip(actual, expected.data).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 4e-7, "erf \(count)")
        }
        var out = Tensor(shape: [])
        erfNaive(&out, Tensor(shape: [3], data: [0, 10, -10]))
        XCTAssertEqual(out.data, [0, 1, -1])
    }

    func testSliceFollowsOnnxClamping() throws {
        XCTAssertEqual(SliceRange(start: 0, end: Int.max, step: 1, size: 5), SliceRange(start: 0, end: 5, step: 1, size: 5))
        XCTAssertEqual(SliceRange(start: -2, end: Int.max, step: 1, size: 5).count, 2)
        XCTAssertEqual(SliceRange(start: 4, end: Int.min, step: -2, size: 5).count, 3)   // 4, 2, 0
        XCTAssertEqual(SliceRange(start: 3, end: 1, step: 1, size: 5).count, 0)
        var out = Tensor(shape: [])
        try sliceNaive(&out, Tensor(shape: [2, 4], data: [0, 1, 2, 3, 4, 5, 6, 7]), starts: [3, 1], ends: [Int.min, 2],
                       axes: [1, 0], steps: [-2, 1])
        XCTAssertEqual(out, Tensor(shape: [1, 2], data: [7, 5]))
        XCTAssertThrowsError(try sliceNaive(&out, Tensor(shape: [2]), starts: [0], ends: [1], axes: [1], steps: [1]))
    }
}
