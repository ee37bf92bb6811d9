import Foundation
import LAPQCalibration

/// Renders calibration progress on standard error: one live, rewritten line on a terminal;
/// plain timestamped lines otherwise (logs, CI), at most one per phase change or every 10 s —
/// or one per progress report with `LAPQ_TRACE=1` (Scripts/bench/chaos counts evaluations from them).
final class ProgressPrinter: @unchecked Sendable {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let everyReport = ProcessInfo.processInfo.environment["LAPQ_TRACE"] == "1"
    private var start = Date()
    private var lastPhase: CalibrationProgress.Phase?
    /// When the current phase began, and the evaluations done before it: its own rate is the
    /// one its ETA needs (Powell's evaluations cost more than the statistics passes' share).
    private var phaseStart = (time: Date(), evaluations: 0)
    private var lastLogLine = Date.distantPast
    private var bestLoss: Double?

    func report(_ progress: CalibrationProgress) {
        if progress.phase != lastPhase {
            bestLoss = nil
            phaseStart = (Date(), progress.evaluations)
        }
        if let loss = progress.currentLoss { bestLoss = min(bestLoss ?? loss, loss) }
        let line = render(progress)
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + (progress.phase == .done ? "\n" : "")).utf8))
        } else if everyReport || progress.phase != lastPhase || Date().timeIntervalSince(lastLogLine) >= 10 {
            let stamp = ISO8601DateFormatter().string(from: Date())
            FileHandle.standardError.write(Data("\(stamp) \(line)\n".utf8))
            lastLogLine = Date()
        }
        lastPhase = progress.phase
    }

    /// Logs `message` and starts counting anew: the next run's evaluations count from 0.
    func restart(announcing message: String) {
        log(message)
        start = Date()
        lastPhase = nil
    }

    /// A plain message on its own line (ends the live line first).
    func log(_ message: String) {
        let prefix = isTerminal ? "\r\u{1B}[2K" : ISO8601DateFormatter().string(from: Date()) + " "
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    }

    private func render(_ progress: CalibrationProgress) -> String {
        let elapsed = Date().timeIntervalSince(start)
        var parts = ["[\(progress.phase.rawValue)]", "evals \(progress.evaluations)"]
        if let message = progress.message { parts.append(message) }
        if let loss = progress.currentLoss { parts.append("loss \(String(format: "%.4f", loss))") }
        if let best = bestLoss { parts.append("best \(String(format: "%.4f", best))") }
        let rate = evaluationRate(progress, elapsed: elapsed)
        parts.append(String(format: "%.2f evals/s", rate))
        if let remaining = progress.remainingEvaluations, rate > 0, remaining.count > 0 {
            parts.append("ETA \(remaining.isBound ? "≤" : "≈") \(CalibrationProgress.durationText(Double(remaining.count) / rate))")
        }
        parts.append("\(Int(elapsed))s")
        return parts.joined(separator: "  ")
    }

    /// Evaluations per second in the current phase once it has evaluated something, else over the run.
    private func evaluationRate(_ progress: CalibrationProgress, elapsed: TimeInterval) -> Double {
        let phaseElapsed = Date().timeIntervalSince(phaseStart.time)
        let phaseEvaluations = progress.evaluations - phaseStart.evaluations
        if phaseEvaluations > 0, phaseElapsed > 0 { return Double(phaseEvaluations) / phaseElapsed }
        return elapsed > 0 ? Double(progress.evaluations) / elapsed : 0
    }
}
