/// The shapes of the optimizer-*.json goldens written by Scripts/goldens/optimizer_goldens.py.
enum OptimizerGoldens {
    struct Powell: Decodable {
        var cases: [PowellCase]
    }

    struct PowellCase: Decodable {
        var name: String
        var function: String
        var parameters: OptimizerTestFunctions.Parameters
        var x0: [Double]
        var xtol: Double
        var ftol: Double
        var maxiter: Int?
        var maxfev: Int?
        var direc: [[Double]]?
        var stopAfter: Int?
        var x: [Double]
        var fun: Double
        var nfev: Int
        var nit: Int
        /// scipy's status: 0 success, 1 maxfev, 2 maxiter, 3 NaN, 99 stopped by the callback.
        var status: Int
        var finalDirec: [[Double]]
        /// Bounds of the bounded cases (optimizer-powell-bounded.json), ±∞ written "inf"/"-inf".
        var lower: [BoundValue]?
        var upper: [BoundValue]?

        enum CodingKeys: String, CodingKey {
            case name, function, parameters, x0, xtol, ftol, maxiter, maxfev, direc, x, fun, nfev, nit, status
            case lower, upper
            case stopAfter = "stop_after"
            case finalDirec = "final_direc"
        }
    }

    /// A bound: a number, or "inf" / "-inf" (JSON has no infinity).
    struct BoundValue: Decodable {
        var value: Double

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                value = number
            } else {
                let text = try container.decode(String.self)
                guard let parsed = Double(text) else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "bad bound \(text)")
                }
                value = parsed
            }
        }
    }

    struct Brent: Decodable {
        var cases: [BrentCase]
    }

    struct BrentCase: Decodable {
        var function: String
        var brack: [Double]?
        var tol: Double
        var maxiter: Int
        var x: Double?
        var fun: Double?
        var nit: Int?
        var nfev: Int?
        var error: String?
    }

    struct Bracket: Decodable {
        var cases: [BracketCase]
    }

    struct BracketCase: Decodable {
        var function: String
        var xa0: Double
        var xb0: Double
        /// (xa, xb, xc, fa, fb, fc).
        var bracket: [Double]?
        var nfev: Int?
        var error: String?
    }

    struct Bounded: Decodable {
        var cases: [BoundedCase]
    }

    struct BoundedCase: Decodable {
        var function: String
        var bounds: [Double]
        var xatol: Double
        var maxiter: Int
        var x: Double
        var fun: Double
        var nfev: Int
        var nit: Int
        var success: Bool
    }
}
