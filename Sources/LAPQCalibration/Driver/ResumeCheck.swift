import Foundation
import LAPQData
import LAPQEngine

/// The SHA-256 (hex) of the files a calibration read, with their paths for messages.
public struct InputDigests: Sendable, Codable, Equatable {
    public var model: FileDigest
    public var calibrationManifest: FileDigest

    public init(model: FileDigest, calibrationManifest: FileDigest) {
        self.model = model
        self.calibrationManifest = calibrationManifest
    }

    /// One file's path as given and the SHA-256 of its bytes. Equality is the digest's alone: a
    /// file moved but unchanged is the same input.
    public struct FileDigest: Sendable, Codable, Equatable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }

        /// The digest of the file at `url`.
        public init(contentsOf url: URL) throws {
            self.init(path: url.path, sha256: try SHA256Digest(contentsOfFile: url.path).hex)
        }

        /// The digest of a model as a whole: its bytes, then those of each external-data file
        /// it names, in order (`ONNXModelFiles.contents`) — for a model without external data,
        /// its file's digest. Takes the files the run already read, so the model is read once.
        public init(model: ONNXModelFiles, path: String) {
            var hasher = SHA256Hasher()
            for part in model.contents { hasher.update(part) }
            self.init(path: path, sha256: SHA256Hasher.hex(hasher.finalize()))
        }

        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.sha256 == rhs.sha256 }
    }
}

/// Why a saved `CalibrationRecord` cannot be continued by a run with other inputs — the rule
/// `--resume` applies before anything is computed. A resumed run must reach the result an
/// uninterrupted run of *these* inputs would, so every difference is refused, and the message
/// names the setting (and its flag) or the file that differs.
enum ResumeCheck {
    static func refusal(saved: CalibrationRecord, settings: CalibrationSettings, plan: PlanSettings,
                        pointNames: [String], inputs: InputDigests?) -> String? {
        var reasons = differences(saved: saved.plan, current: plan, flags: PlanSettings.flags)
        reasons += differences(saved: saved.settings, current: settings, flags: CalibrationSettings.flags)
        if let savedInputs = saved.inputs, let inputs {
            reasons += fileDifference("model", savedInputs.model, inputs.model)
            reasons += fileDifference("calibration manifest", savedInputs.calibrationManifest, inputs.calibrationManifest)
        }
        if reasons.isEmpty, saved.pointNames != pointNames {
            reasons.append("the model's quantization points differ from the saved run's")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// "name: saved S, now C" for every stored property that differs (compared by its printed
    /// value, which is exact for the integers, flags, enums and Doubles these settings hold).
    static func differences<T>(saved: T, current: T, flags: [String: String]) -> [String] {
        let savedFields = Mirror(reflecting: saved).children
        let currentFields = Mirror(reflecting: current).children
        return zip(savedFields, currentFields).compactMap { old, new in
            let (was, now) = (String(describing: old.value), String(describing: new.value))
            guard was != now, let name = old.label else { return nil }
            let flag = flags[name].map { " (\($0))" } ?? ""
            return "\(name)\(flag) was \(was) in the saved run, is \(now) now"
        }
    }

    private static func fileDifference(_ role: String, _ saved: InputDigests.FileDigest,
                                       _ current: InputDigests.FileDigest) -> [String] {
        guard saved != current else { return [] }
        return ["the \(role) \(current.path) (sha256 \(current.sha256.prefix(12))…) is not the saved run's "
            + "\(saved.path) (sha256 \(saved.sha256.prefix(12))…)"]
    }
}
