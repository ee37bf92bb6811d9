import Foundation
import XCTest

/// The "your own data" path a newcomer takes: Scripts/make-calibration-set.py turns an image
/// folder into lapq's calibration arrays, the `lapq-coord manifest` command it prints (run as
/// printed) describes them, and `lapq-coord evaluate` scores a model on that manifest.
final class CalibrationSetScriptTests: XCTestCase {
    private let script = CommandRunner.repository.appendingPathComponent("Scripts/make-calibration-set.py")

    /// The test classifier's Gemm weights (classes × RGB channels). The classes, in sorted order,
    /// are blue, green, red, so each row mostly reads its own colour channel: an image labelled
    /// right is classified right, and a label shifted to another image is not.
    private let weights = ["0.1", "-0.2", "2.0", "0.05", "1.8", "-0.1", "2.2", "0.1", "0.0"]

    override func setUpWithError() throws {
        try ImagePython.require()
    }

    /// Eight images of three classes become (8, 32, 32, 3) uint8 + int64 labels in sorted class
    /// order, with solid colours exact and grayscale as three equal channels; the printed
    /// manifest command works verbatim (the output path has a space), and `evaluate` reads all
    /// eight samples with the loss numpy computes from the same arrays.
    func testImageFolderBecomesAManifestThatLapqEvaluates() throws {
        let directory = try CommandRunner.temporaryDirectory(self)
        let folder = directory.appendingPathComponent("photos"), out = directory.appendingPathComponent("calib set")
        let expected = try makeImageFolder(folder)
        let made = try ImagePython.run([script.path, folder.path, "--out", out.path, "--resize", "40", "--crop", "32",
                                        "--shard-size", "3"])
        XCTAssertEqual(made.status, 0, made.standardError)
        let reference = try checkArrays(out, prefix: "calib", perClass: 0, expected: expected)
        XCTAssertEqual(reference["samples"] as? Int, 8)
        XCTAssertEqual(reference["top1"] as? Double, 1, "the test data is built so the classifier gets every image right")

        // The printed command, run as printed: only the program name becomes the built binary.
        let command = try printedManifestCommand(made.standardOutput)
        let manifestRun = try CommandRunner.lapqCoord(Array(command.dropFirst()))
        XCTAssertEqual(manifestRun.status, 0, manifestRun.standardError)
        let manifestURL = out.appendingPathComponent("calib.json")
        XCTAssertEqual(value(after: "--out", in: command), manifestURL.path)
        try checkManifest(manifestURL, samples: 8, shardCounts: [3, 3, 2])

        let model = directory.appendingPathComponent("colours.onnx")
        let written = try ImagePython.run(["-c", Self.modelWriter, model.path] + weights)
        XCTAssertEqual(written.status, 0, written.standardError)
        let evaluation = try CommandRunner.lapqCoord(["evaluate", "--model", model.path, "--data", manifestURL.path, "--json"])
        XCTAssertEqual(evaluation.status, 0, evaluation.standardError)
        let score = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(evaluation.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(score["samples"] as? Int, 8)
        XCTAssertEqual(score["top1"] as? Double, 1)
        let loss = try XCTUnwrap(score["loss"] as? Double), numpyLoss = try XCTUnwrap(reference["loss"] as? Double)
        XCTAssertEqual(loss, numpyLoss, accuracy: 1e-5, "lapq's loss vs numpy's on the same arrays and preprocessing")
    }

    /// `--per-class 2` keeps the first two images by file name of each class (six of eight), and
    /// `--prefix` names the arrays and the manifest in the printed command.
    func testPerClassKeepsTheFirstImagesOfEachClassByName() throws {
        let directory = try CommandRunner.temporaryDirectory(self)
        let folder = directory.appendingPathComponent("photos"), out = directory.appendingPathComponent("calib")
        let expected = try makeImageFolder(folder)
        let made = try ImagePython.run([script.path, folder.path, "--out", out.path, "--resize", "40", "--crop", "32",
                                        "--per-class", "2", "--prefix", "two"])
        XCTAssertEqual(made.status, 0, made.standardError)
        let reference = try checkArrays(out, prefix: "two", perClass: 2, expected: expected)
        XCTAssertEqual(reference["samples"] as? Int, 6)

        let command = try printedManifestCommand(made.standardOutput)
        XCTAssertEqual(value(after: "--images", in: command), out.appendingPathComponent("two_images.npy").path)
        XCTAssertEqual(value(after: "--out", in: command), out.appendingPathComponent("two.json").path)
        let manifestRun = try CommandRunner.lapqCoord(Array(command.dropFirst()))
        XCTAssertEqual(manifestRun.status, 0, manifestRun.standardError)
        try checkManifest(out.appendingPathComponent("two.json"), samples: 6, shardCounts: [6])
    }

    // MARK: - Steps

    /// Writes the image folder; returns its description (JSON, one entry per image) for `checkArrays`.
    private func makeImageFolder(_ folder: URL) throws -> String {
        let made = try ImagePython.run(["-c", Self.folderWriter, folder.path])
        XCTAssertEqual(made.status, 0, made.standardError)
        return made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the numpy check of the written arrays (it exits non-zero naming what is wrong) and
    /// returns its report: `samples`, and the classifier's `loss` and `top1` computed in numpy.
    private func checkArrays(_ out: URL, prefix: String, perClass: Int, expected: String) throws -> [String: Any] {
        let check = try ImagePython.run(["-c", Self.arrayChecker, out.path, prefix, String(perClass), expected] + weights)
        let report = check.status == 0 ? (try? JSONSerialization.jsonObject(with: Data(check.standardOutput.utf8))) : nil
        return try XCTUnwrap(report as? [String: Any], "array check (exit \(check.status)): \(check.standardError)\(check.standardOutput)")
    }

    /// The printed `lapq-coord manifest …` line, split as a POSIX shell would (Python's shlex).
    private func printedManifestCommand(_ output: String) throws -> [String] {
        let line = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("lapq-coord manifest ") },
                                 "no `lapq-coord manifest` command in: \(output)")
        let split = try ImagePython.run(["-c", "import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))", String(line)])
        XCTAssertEqual(split.status, 0, split.standardError)
        let words = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(split.standardOutput.utf8)) as? [String])
        XCTAssertEqual(Array(words.prefix(2)), ["lapq-coord", "manifest"])
        return words
    }

    private func value(after flag: String, in command: [String]) -> String? {
        command.firstIndex(of: flag).flatMap { command.indices.contains($0 + 1) ? command[$0 + 1] : nil }
    }

    /// The manifest describes N uint8 NHWC samples of 32×32×3 with the ImageNet normalization.
    private func checkManifest(_ url: URL, samples: Int, shardCounts: [Int]) throws {
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let images = try XCTUnwrap(manifest["images"] as? [String: Any])
        XCTAssertEqual(images["layout"] as? String, "NHWC-uint8")
        XCTAssertEqual(images["shape"] as? [Int], [samples, 32, 32, 3])
        XCTAssertEqual((manifest["labels"] as? [String: Any])?["count"] as? Int, samples)
        let preprocessing = try XCTUnwrap(manifest["preprocessing"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(preprocessing["scale"] as? Double), 1.0 / 255, accuracy: 1e-15)
        XCTAssertEqual(preprocessing["mean"] as? [Double], [0.485, 0.456, 0.406])
        XCTAssertEqual(preprocessing["std"] as? [Double], [0.229, 0.224, 0.225])
        XCTAssertEqual((manifest["shards"] as? [[String: Any]])?.compactMap { $0["count"] as? Int }, shardCounts)
    }
}

// MARK: - The Python side

extension CalibrationSetScriptTests {
    /// Writes the image folder (argv[1]) and prints one JSON entry per image. Classes are made in
    /// the order red, green, blue so that their sorted order, the class index, differs. Sizes and
    /// aspect ratios vary; "solid" images (PNG: lossless) have one colour inside a white frame
    /// that the centre crop must cut away; "gray" is a gradient in mode L; "tinted" are noisy
    /// JPEGs. `.PNG` checks that the extension match ignores case, notes.txt that non-images
    /// are skipped.
    static let folderWriter = #"""
        import json, os, sys
        import numpy as np
        from PIL import Image
        root, rng, entries = sys.argv[1], np.random.default_rng(20240611), []
        def save(cls, name, array, mode, kind, colour=None):
            os.makedirs(os.path.join(root, cls), exist_ok=True)
            Image.fromarray(array, mode).save(os.path.join(root, cls, name))
            entries.append({"class": cls, "file": name, "kind": kind, "colour": colour})
        def framed(width, height, colour, border):
            array = np.full((height, width, 3), 255, np.uint8)
            array[border:height - border, border:width - border] = colour
            return array
        def tinted(width, height, colour):
            noise = rng.integers(-40, 41, size=(height, width, 3))
            return np.clip(np.array(colour) + noise, 0, 255).astype(np.uint8)
        save("red", "c_framed.png", framed(300, 260, (200, 30, 40), 15), "RGB", "solid", [200, 30, 40])
        save("red", "a_tinted.jpg", tinted(260, 400, (200, 40, 40)), "RGB", "tinted")
        save("red", "b_small.png", framed(48, 64, (220, 10, 10), 0), "RGB", "solid", [220, 10, 10])
        save("green", "z_solid.png", framed(260, 400, (20, 180, 30), 20), "RGB", "solid", [20, 180, 30])
        save("green", "m_tinted.jpg", tinted(320, 240, (40, 190, 40)), "RGB", "tinted")
        save("blue", "x_solid.PNG", framed(400, 260, (30, 40, 210), 20), "RGB", "solid", [30, 40, 210])
        save("blue", "gray.png", np.tile(np.linspace(0, 255, 300).astype(np.uint8), (260, 1)), "L", "gray")
        save("blue", "tinted.jpeg", tinted(280, 280, (40, 40, 200)), "RGB", "tinted")
        with open(os.path.join(root, "blue", "notes.txt"), "w") as handle:
            handle.write("not an image\n")
        print(json.dumps(entries))
        """#

    /// Checks the arrays in argv[1] with prefix argv[2], built with --per-class argv[3], against
    /// the folder description argv[4]; exits naming the first thing wrong. Then prints the
    /// number of samples and the loss and top-1 of the test classifier (weights argv[5...]) on
    /// them, with the manifest's preprocessing, in numpy.
    static let arrayChecker = #"""
        import json, os, sys
        import numpy as np
        out, prefix, per_class, entries = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
        def require(condition, message):
            if not condition:
                sys.exit(message)
        classes, order = sorted({entry["class"] for entry in entries}), []
        for index, name in enumerate(classes):
            files = sorted((e for e in entries if e["class"] == name), key=lambda e: e["file"])
            order += [(index, e) for e in (files[:per_class] if per_class else files)]
        images = np.load(os.path.join(out, prefix + "_images.npy"))
        labels = np.load(os.path.join(out, prefix + "_labels.npy"))
        with open(os.path.join(out, prefix + "_classes.json")) as handle:
            written = json.load(handle)
        require(written == classes, f"classes.json holds {written}, expected {classes}")
        require(images.dtype == np.uint8 and images.shape == (len(order), 32, 32, 3), f"images: {images.dtype} {images.shape}")
        require(labels.dtype == np.dtype("<i8") and labels.tolist() == [i for i, _ in order],
                f"labels: {labels.dtype} {labels.tolist()}, expected {[i for i, _ in order]}")
        for row, (_, entry) in enumerate(order):
            image, what = images[row], f"row {row} ({entry['class']}/{entry['file']})"
            if entry["kind"] == "solid":
                colours = np.unique(image.reshape(-1, 3), axis=0).tolist()
                require(colours == [entry["colour"]], f"{what}: colours {colours[:4]}, expected only {entry['colour']}")
            if entry["kind"] == "gray":
                require((image == image[..., :1]).all(), f"{what}: the three channels differ")
                require(image.std() > 10, f"{what}: the gradient is gone (std {image.std()})")
        x = ((images.astype(np.float64) / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).astype(np.float32)
        logits = x.astype(np.float64).mean(axis=(1, 2)) @ np.array(sys.argv[5:], float).reshape(-1, 3).T
        top = logits.max(axis=1)
        losses = top + np.log(np.exp(logits - top[:, None]).sum(axis=1)) - logits[np.arange(len(labels)), labels]
        print(json.dumps({"samples": len(order), "loss": float(losses.mean()),
                          "top1": float(np.mean(logits.argmax(axis=1) == labels))}))
        """#

    /// Writes (argv[1]) the test classifier: input "input" (batch, 3, 32, 32) → GlobalAveragePool
    /// → Flatten → Gemm with the weights argv[2...] (classes × 3, transB) and a zero bias.
    static let modelWriter = #"""
        import sys
        import numpy as np
        import onnx
        from onnx import TensorProto, helper, numpy_helper
        weights = np.array(sys.argv[2:], dtype=np.float32).reshape(-1, 3)
        graph = helper.make_graph(
            [helper.make_node("GlobalAveragePool", ["input"], ["pooled"], name="pool"),
             helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten", axis=1),
             helper.make_node("Gemm", ["flat", "weight", "bias"], ["logits"], name="classifier", transB=1)],
            "colours",
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 32, 32])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", len(weights)])],
            [numpy_helper.from_array(weights, "weight"), numpy_helper.from_array(np.zeros(len(weights), np.float32), "bias")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
        onnx.checker.check_model(model)
        onnx.save(model, sys.argv[1])
        """#
}

/// python3 with Pillow, numpy and onnx: Scripts/python-env's venv, which Scripts/test puts first
/// on PATH. Without it the tests skip; under LAPQ_REQUIRE_PYTHON_TOOLS=1 (Scripts/test) they
/// fail, the rule `PythonTools` follows for onnxruntime.
private enum ImagePython {
    private static let env = URL(fileURLWithPath: "/usr/bin/env")

    static func require() throws {
        let probe = try CommandRunner.run(env, ["python3", "-c", "import PIL, numpy, onnx"])
        guard probe.status == 0 else {
            if ProcessInfo.processInfo.environment["LAPQ_REQUIRE_PYTHON_TOOLS"] == "1" {
                XCTFail("python3 with Pillow, numpy and onnx (Scripts/python-env) is required here: \(probe.standardError)")
            }
            throw XCTSkip("python3 with Pillow, numpy and onnx is not available (Scripts/python-env installs them)")
        }
    }

    static func run(_ arguments: [String]) throws -> CommandRunner.Outcome {
        try CommandRunner.run(env, ["python3"] + arguments)
    }
}
