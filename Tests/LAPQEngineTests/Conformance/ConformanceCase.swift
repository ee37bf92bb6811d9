import Foundation
@testable import LAPQEngine

/// One of ONNX's backend node tests as Scripts/fixtures/gen-onnx-node-tests.py wrote it: its
/// case.json, and the data sets beside it (`test_data_set_N/{model.onnx, input_0.pb, output_K.pb}`).
struct ConformanceCase: Decodable {
    let name: String
    let rtol: Double
    let atol: Double
    let opTypes: [String]
    let dataSets: Int
    /// "selected" (runs) or "skipped" (cannot take the harness form; `reason` says why).
    let status: String
    let reason: String?
    /// The graph's output names, for a selected case.
    let outputs: [String]?

    enum CodingKeys: String, CodingKey {
        case name, rtol, atol, status, reason, outputs
        case opTypes = "op_types"
        case dataSets = "data_sets"
    }

    /// The row of the conformance table: the op under test. A Constant beside one other op
    /// only feeds it; a case of several other ops is an ONNX function written out in nodes.
    var group: String {
        let tested = Set(opTypes).subtracting(["Constant"])
        if tested.isEmpty { return "Constant" }
        return tested.count == 1 ? tested.first ?? "" : "(expanded functions)"
    }
}

/// What happened to a case.
enum ConformanceOutcome: Equatable {
    /// Both executors matched every output of every data set.
    case passed
    /// The importer refused the model with an `ONNXImportError` (its message).
    case refused(String)
    /// The generator could not write the case in the harness form (its reason).
    case skipped(String)
    /// Imported, then an executor failed or computed a value outside the tolerance: a bug.
    case failed(String)
}

/// Runs conformance cases through lapq's importer and both executors.
struct ConformanceRunner {
    /// The folder the generator wrote.
    let root: URL

    func outcome(of testCase: ConformanceCase) throws -> ConformanceOutcome {
        guard testCase.status == "selected" else { return .skipped(testCase.reason ?? "no reason given") }
        for number in 0..<testCase.dataSets {
            let directory = root.appendingPathComponent("\(testCase.name)/test_data_set_\(number)")
            let graph: Graph
            do {
                // A short file name keeps the message readable; it names the case in the report.
                graph = try ONNXImporter.load(serialized: Data(contentsOf: directory.appendingPathComponent("model.onnx")),
                                              file: "model.onnx", baseDirectory: nil)
            } catch let error as ONNXImportError {
                return .refused(Self.shortened(error.description))
            }
            let input = try Self.tensor(directory.appendingPathComponent("input_0.pb"))
            let expected = try (0..<(testCase.outputs?.count ?? 0)).map {
                try Self.tensor(directory.appendingPathComponent("output_\($0).pb"))
            }
            if let failure = check(graph, input, expected, testCase) {
                return .failed("data set \(number): \(failure)")
            }
        }
        return .passed
    }

    /// The first disagreement of either executor with ONNX's outputs, or nil.
    private func check(_ graph: Graph, _ input: Tensor, _ expected: [Tensor], _ testCase: ConformanceCase) -> String? {
        let plan = QuantizationPlan(graph: graph, weightBits: 32, activationBits: 32)
        let executors: [(String, () throws -> [Tensor])] = [
            ("ReferenceExecutor", { try ReferenceExecutor(graph: graph, plan: plan).runOutputs(input) }),
            ("Executor", { try Executor(graph: graph, plan: plan, options: .init(threads: 2)).runOutputs(input) }),
        ]
        for (label, run) in executors {
            let outputs: [Tensor]
            do {
                outputs = try run()
            } catch {
                return "\(label) throws: \(error)"
            }
            guard outputs.count == expected.count else {
                return "\(label) returns \(outputs.count) outputs, ONNX \(expected.count)"
            }
            for (index, (actual, reference)) in zip(outputs, expected).enumerated() {
                if let mismatch = Self.mismatch(actual, reference, rtol: testCase.rtol, atol: testCase.atol) {
                    return "\(label), output \(index) '\(testCase.outputs?[index] ?? "")': \(mismatch)"
                }
            }
        }
        return nil
    }

    /// ONNX's runner criterion (`np.testing.assert_allclose`): same shape, and for every element
    /// |actual − expected| ≤ atol + rtol·|expected|, NaN matching NaN and an infinity itself.
    static func mismatch(_ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double) -> String? {
        guard actual.shape == expected.shape else { return "shape \(actual.shape), expected \(expected.shape)" }
        var failures = 0
        var first: (index: Int, actual: Float, expected: Float)?
        for (index, (value, reference)) in zip(actual.data, expected.data).enumerated() {
            let close = value.isNaN || reference.isNaN ? value.isNaN && reference.isNaN
                : value == reference || abs(Double(value) - Double(reference)) <= atol + rtol * abs(Double(reference))
            if !close {
                failures += 1
                if first == nil { first = (index, value, reference) }
            }
        }
        guard let first else { return nil }
        return "\(failures) of \(expected.count) values differ; first at \(first.index): \(first.actual), expected \(first.expected)"
    }

    /// A TensorProto file as lapq decodes stored tensors.
    static func tensor(_ url: URL) throws -> Tensor {
        let proto = try Onnx_TensorProto(serializedBytes: Data(contentsOf: url))
        let decoder = TensorDecoder(file: url.lastPathComponent, externalData: .none)
        guard case .float(let tensor) = try decoder.decode(proto) else {
            throw ONNXImportError.invalidTensor(file: url.path, tensor: proto.name, reason: "not a float tensor")
        }
        return tensor
    }

    /// The message without the list of supported ops (the table is about which cases run).
    static func shortened(_ message: String) -> String {
        message.components(separatedBy: "; supported: ").first ?? message
    }
}
