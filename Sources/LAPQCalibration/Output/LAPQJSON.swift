import Foundation
import LAPQData

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

    /// A file lapq wrote, decoded as `T` after `migrate` (an older layout into the current);
    /// a missing file or another content is one `OutputError.unreadable` naming the file and
    /// `what` it should have been ("a lapq steps file").
    static func read<T: Decodable>(_ type: T.Type, from url: URL, what: String,
                                   migrate: (Data) -> Data = { $0 }) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw OutputError.unreadable(file: url.path, reason: userFacingDescription(of: error))
        }
        do { return try decoder().decode(type, from: migrate(data)) } catch {
            throw OutputError.unreadable(file: url.path, reason: "not \(what) (\(userFacingDescription(of: error)))")
        }
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
