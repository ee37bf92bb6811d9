import ArgumentParser
import Foundation
import LAPQCalibration
import LAPQData

/// `lapq-coord manifest`: describes a calibration set (.npy images + labels) in a manifest with
/// fixed, hashed shards (docs/formats.md).
struct ManifestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Write the calibration manifest (shards + SHA-256) for .npy images and labels.",
        discussion: """
            Images are uint8 (N, H, W, C) or float32 (N, C, H, W); labels are int64 (N,). The network \
            input is (v · scale − mean[c]) / std[c]. For ImageNet pixels: --scale 0.00392156862745098 \
            --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225
            """)

    @Option(help: "The images .npy file.")
    var images: String

    @Option(help: "The labels .npy file.")
    var labels: String

    @Option(help: "Samples per shard (the last shard may be shorter).")
    var shardSize: Int

    @Option(help: "Multiplies every stored value before mean and std apply.")
    var scale: Double = 1

    @Option(parsing: .upToNextOption, help: "Per-channel (or one shared) mean, comma- or space-separated.")
    var mean: [String] = ["0"]

    @Option(parsing: .upToNextOption, help: "Per-channel (or one shared) standard deviation, comma- or space-separated.")
    var std: [String] = ["1"]

    @Option(help: "Where to write the manifest; paths inside it are relative to its directory.")
    var out: String

    func validate() throws {
        guard shardSize > 0 else { throw ValidationError("--shard-size \(shardSize): a shard holds at least one sample") }
        guard scale.isFinite, scale != 0 else { throw ValidationError("--scale \(scale): must be a finite, non-zero number") }
        _ = try numbers(mean, flag: "--mean")
        guard try numbers(std, flag: "--std").allSatisfy({ $0 != 0 }) else {
            throw ValidationError("--std \(std.joined(separator: ",")): a standard deviation of 0 would divide by zero")
        }
        try requireExistingFiles(["--images": images, "--labels": labels])
        let directory = URL(fileURLWithPath: out).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--out \(out): directory \(directory) does not exist")
        }
    }

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        let preprocessing = Preprocessing(scale: scale, mean: try numbers(mean, flag: "--mean"), std: try numbers(std, flag: "--std"))
        let manifest = try CalibrationManifest.create(imagesPath: images, labelsPath: labels, shardSize: shardSize,
                                                      preprocessing: preprocessing, manifestURL: outURL)
        try manifest.write(to: outURL)
        let sample = manifest.images.layout.sampleShape(stored: manifest.images.shape).map(String.init).joined(separator: "×")
        let last = manifest.shards.last.map { $0.count == shardSize ? "" : " (last \($0.count))" } ?? ""
        print("\(out): \(manifest.sampleCount) samples (\(manifest.images.layout.rawValue), input \(sample)), "
              + "\(manifest.shards.count) shards of \(shardSize)\(last)")
    }

    /// The values of a list flag, each argument split at commas: "0.1,0.2" and "0.1 0.2" both work.
    private func numbers(_ arguments: [String], flag: String) throws -> [Double] {
        let pieces = arguments.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !pieces.isEmpty else { throw ValidationError("\(flag): give one value, or one per channel") }
        return try pieces.map { piece in
            guard let value = Double(piece), value.isFinite else {
                throw ValidationError("\(flag) \(arguments.joined(separator: " ")): '\(piece)' is not a finite number")
            }
            return value
        }
    }
}
