import Foundation
import LAPQData

/// Reads and writes a `CalibrationRecord` as JSON, atomically (a crash mid-write leaves the
/// previous checkpoint intact).
public enum CheckpointFile {
    public static func write(_ record: CalibrationRecord, to url: URL) throws {
        try LAPQJSON.encoder(pretty: false).encode(record).write(to: url, options: .atomic)
    }

    public static func read(from url: URL) throws -> CalibrationRecord {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw OutputError.unreadable(file: url.path, reason: "no checkpoint to resume from")
        }
        do {
            return try LAPQJSON.decoder().decode(CalibrationRecord.self, from: Data(contentsOf: url))
        } catch {
            throw OutputError.unreadable(file: url.path, reason: "not a checkpoint of this lapq version (\(userFacingDescription(of: error))); "
                + "start a new run in another --out directory")
        }
    }
}

