import ArgumentParser

@main
struct LAPQCoord: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lapq-coord",
        abstract: "Loss-aware post-training quantization of CNNs (LAPQ), coordinator.",
        subcommands: [CalibrateCommand.self, EvaluateCommand.self, SensitivityCommand.self, InspectCommand.self, ManifestCommand.self, CompareCommand.self, KeygenCommand.self, SelfCheck.self]
    )
}
