/// Three abscissae and their function values. A *valid* bracket of a minimum has its points
/// strictly ordered (xa < xb < xc or xc < xb < xa), all finite, and
/// f(xb) ≤ f(xa), f(xb) ≤ f(xc) with at least one inequality strict — so a continuous f has a
/// local minimum strictly between xa and xc.
public struct Bracket: Sendable, Equatable, Codable {
    public var xa: Double
    public var xb: Double
    public var xc: Double
    public var fa: Double
    public var fb: Double
    public var fc: Double

    public init(xa: Double, xb: Double, xc: Double, fa: Double, fb: Double, fc: Double) {
        self.xa = xa
        self.xb = xb
        self.xc = xc
        self.fa = fa
        self.fb = fb
        self.fc = fc
    }

    /// The validity test of scipy.optimize.bracket (scipy ≥ 1.11).
    public var isValid: Bool {
        let descends = (fb < fc && fb <= fa) || (fb < fa && fb <= fc)
        let ordered = (xa < xb && xb < xc) || (xc < xb && xb < xa)
        return descends && ordered && xa.isFinite && xb.isFinite && xc.isFinite
    }
}

/// A bracket found by `bracketMinimum` and the evaluations the search spent.
public struct BracketSearchResult: Sendable, Equatable {
    public var bracket: Bracket
    public var evaluations: Int
}
