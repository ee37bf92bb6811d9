import ArgumentParser
import LAPQCalibration
import LAPQMath

/// Runs the math core on synthetic data and prints what it found: a quick, visible check that
/// the build works, for a newcomer before any model is involved.
struct SelfCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfcheck",
        abstract: "Run LAPQ's math core on synthetic tensors and Rosenbrock's function.")

    @Option(help: "Bit width for the clipping table (2…8).")
    var bits = 4

    @Option(help: "Seed of the synthetic tensors.")
    var seed: UInt64 = 1

    func validate() throws {
        guard UniformQuantizer.quantizedBitWidths.contains(bits) else {
            throw ValidationError("--bits \(bits): lapq quantizes to 2…8 bits")
        }
    }

    func run() throws {
        var failures = printClippingTable()
        failures += printPowell()
        guard failures == 0 else { throw ExitCode.failure }
        print("\nself-check passed")
    }

    /// Lp-optimal clipping vs max-abs for three distributions, and the parabola through the
    /// per-p errors; fails when Lp clipping is worse than max-abs in MSE terms.
    private func printClippingTable() -> Int {
        var generator = SplitMix64(seed: seed)
        let distributions: [(String, Bool, [Float])] = [
            ("gaussian", true, (0..<50_000).map { _ in Float(generator.gaussian()) }),
            ("laplace", true, (0..<50_000).map { _ in Float(generator.laplace()) }),
            ("post-relu", false, (0..<50_000).map { _ in Float(max(0, generator.gaussian())) }),
        ]
        let pGrid = (0..<5).map { 2.0 + 0.5 * Double($0) }
        print("Lp-optimal clipping at \(bits) bits (α in units of max|x|; MSE relative to max-abs)")
        print("distribution     " + pGrid.map { pad("p=\($0)", 14) }.joined())
        var failures = 0
        for (name, isSigned, values) in distributions {
            let source = ExactLpErrorSource(values: values)
            let maxAbsMSE = LpClipping.maxAbsClip(for: source, bits: bits, isSigned: isSigned).meanError
            let cells = pGrid.map { p -> String in
                let clip = LpClipping.optimalClip(for: source, bits: bits, isSigned: isSigned, p: p)
                let mse = source.meanLpError(clipValue: clip.clipValue, bits: bits, isSigned: isSigned, p: 2)
                if p == 2 && mse > maxAbsMSE { failures += 1 }
                return pad(formatNumber(clip.clipValue / source.maxMagnitude) + "/" + formatNumber(mse / maxAbsMSE), 14)
            }
            print(pad(name, 17) + cells.joined())
        }
        return failures
    }

    private func printPowell() -> Int {
        let rosenbrock = { (x: [Double]) -> Double in
            (0..<(x.count - 1)).reduce(0.0) { sum, i in
                let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
                return sum + 100 * a * a + b * b
            }
        }
        do {
            let result = try minimizePowell(start: [-1.2, 1], options: PowellOptions(xTolerance: 1e-6, fTolerance: 1e-10),
                                            objective: rosenbrock)
            print("\nPowell on Rosenbrock from (−1.2, 1): x = (\(formatNumber(result.x[0])), \(formatNumber(result.x[1]))), "
                  + "f = \(result.value), \(result.evaluations) evaluations, \(result.status.rawValue)")
            return abs(result.x[0] - 1) < 1e-3 && abs(result.x[1] - 1) < 1e-3 ? 0 : 1
        } catch {
            print("Powell failed: \(error)")
            return 1
        }
    }


    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
