import Foundation

/// The JSON coding of every file lapq writes (steps.json, checkpoints, `--json` output): sorted
/// keys, and the non-finite numbers JSON lacks spelled "inf", "-inf", "nan".
public enum LAPQJSON {
    public static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// Four decimals (or float precision for very small or large magnitudes): losses and steps by eye.
public func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let magnitude = abs(value)
    if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5) {
        return String(describing: Float(value))
    }
    return String(describing: (value * 10_000).rounded() / 10_000)
}

/// A fraction as a percentage with two decimals; "–" when undefined.
public func formatPercent(_ fraction: Double) -> String {
    fraction.isFinite ? "\((fraction * 10_000).rounded() / 100)%" : "–"
}
