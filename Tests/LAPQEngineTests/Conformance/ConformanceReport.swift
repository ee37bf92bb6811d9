import Foundation

/// The conformance table of docs/engine.md ("ONNX conformance"): per op under test, how many
/// of ONNX's node-test cases ran, passed, were refused by the importer or skipped by the
/// generator, then every refusal, skip and failure with its reason.
struct ConformanceReport {
    /// From the generator's index.json: the onnx version and how many cases it holds.
    let onnxVersion: String
    let caseCount: Int
    /// Cases whose nodes use an op outside `ONNXImporter.supportedOps` (not written).
    let notSelectedCount: Int
    /// Each written case with its outcome, in name order.
    let results: [(testCase: ConformanceCase, outcome: ConformanceOutcome)]

    private struct Counts {
        var cases = 0, run = 0, passed = 0, refused = 0, skipped = 0

        mutating func add(_ outcome: ConformanceOutcome) {
            cases += 1
            switch outcome {
            case .passed: run += 1; passed += 1
            case .failed: run += 1
            case .refused: refused += 1
            case .skipped: skipped += 1
            }
        }

        var row: String { "| \(cases) | \(run) | \(passed) | \(refused) | \(skipped) |" }
    }

    var markdown: String {
        var lines = [
            "# ONNX conformance",
            "",
            "Written by `ONNXConformanceTests`; docs/engine.md (\"ONNX conformance\") gives the command and reads the table.",
            "",
            "onnx \(onnxVersion): \(caseCount) node-test cases; \(notSelectedCount) use an op outside "
                + "`ONNXImporter.supportedOps` and are not written; the other \(results.count) are below.",
            "",
            "| op | cases | run | passed | refused | skipped |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        var total = Counts()
        let groups = Dictionary(grouping: results, by: \.testCase.group)
        for group in groups.keys.sorted() {
            var counts = Counts()
            for result in groups[group] ?? [] { counts.add(result.outcome); total.add(result.outcome) }
            lines.append("| \(group) \(counts.row)")
        }
        lines.append("| **total** \(total.row)")
        return (lines + [""] + details(groups)).joined(separator: "\n") + "\n"
    }

    /// Every case that did not pass, by op, with its reason.
    private func details(_ groups: [String: [(testCase: ConformanceCase, outcome: ConformanceOutcome)]]) -> [String] {
        var lines: [String] = []
        for group in groups.keys.sorted() {
            let entries: [String] = (groups[group] ?? []).compactMap { result in
                switch result.outcome {
                case .passed: return nil
                case .refused(let reason): return "- `\(result.testCase.name)` refused: \(reason)"
                case .skipped(let reason): return "- `\(result.testCase.name)` skipped: \(reason)"
                case .failed(let reason): return "- `\(result.testCase.name)` FAILED: \(reason)"
                }
            }
            if !entries.isEmpty { lines += ["**\(group)**", ""] + entries + [""] }
        }
        return lines
    }
}
