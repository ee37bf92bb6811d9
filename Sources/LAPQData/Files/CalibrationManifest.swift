import Foundation

/// The calibration set's manifest (docs/formats.md): which arrays hold the images and labels,
/// how a stored sample becomes the network input, and the fixed shards with their SHA-256.
/// Shards are the unit of work and of the exact reduction: every loss is summed over them in
/// id order.
public struct CalibrationManifest: Sendable, Equatable, Codable {
    public static let formatName = "lapq-manifest"
    public static let currentVersion = 1

    public struct Images: Sendable, Equatable, Codable {
        /// Path of the .npy file, relative to the manifest's directory (or absolute).
        public var file: String
        public var layout: ImageLayout
        /// The stored array's shape: `(N, H, W, C)` or `(N, C, H, W)` by `layout`.
        public var shape: [Int]

        public init(file: String, layout: ImageLayout, shape: [Int]) {
            self.file = file
            self.layout = layout
            self.shape = shape
        }
    }

    public struct Labels: Sendable, Equatable, Codable {
        /// Path of the .npy file, relative to the manifest's directory (or absolute).
        public var file: String
        public var count: Int

        public init(file: String, count: Int) {
            self.file = file
            self.count = count
        }
    }

    /// Samples `start ..< start + count`, hashed as their image bytes then label bytes.
    public struct Shard: Sendable, Equatable, Codable {
        public var id: Int
        public var start: Int
        public var count: Int
        /// Lower-case hex SHA-256.
        public var sha256: String

        public init(id: Int, start: Int, count: Int, sha256: String) {
            self.id = id
            self.start = start
            self.count = count
            self.sha256 = sha256
        }

        public var samples: Range<Int> { start..<(start + count) }
    }

    public var format: String
    public var version: Int
    public var images: Images
    public var labels: Labels
    public var preprocessing: Preprocessing
    public var shards: [Shard]

    public init(images: Images, labels: Labels, preprocessing: Preprocessing, shards: [Shard]) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.images = images
        self.labels = labels
        self.preprocessing = preprocessing
        self.shards = shards
    }

    /// `preprocessing` may be absent (the identity).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        version = try container.decode(Int.self, forKey: .version)
        images = try container.decode(Images.self, forKey: .images)
        labels = try container.decode(Labels.self, forKey: .labels)
        preprocessing = try container.decodeIfPresent(Preprocessing.self, forKey: .preprocessing) ?? .identity
        shards = try container.decode([Shard].self, forKey: .shards)
    }

    /// Number of samples, N.
    public var sampleCount: Int { images.shape.first ?? 0 }

    /// Reads and validates the manifest at `url`; errors name `url.path`.
    public static func load(from url: URL) throws -> CalibrationManifest {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CalibrationDataError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        let manifest: CalibrationManifest
        do {
            manifest = try JSONDecoder().decode(CalibrationManifest.self, from: data)
        } catch let error as DecodingError {
            throw CalibrationDataError.malformed(file: url.path, reason: userFacingDescription(of: error))
        }
        try manifest.validate(file: url.path)
        return manifest
    }

    /// Writes the manifest as pretty-printed JSON (keys in a fixed order, so the same manifest
    /// always gives the same bytes).
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try (encoder.encode(self) + Data("\n".utf8)).write(to: url)
        } catch {
            throw CalibrationDataError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// The file a manifest path names: relative paths are resolved against `directory`.
    public static func resolve(_ path: String, against directory: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
    }
}
