import ArgumentParser
import LAPQEngine

/// The flags that choose what is quantized (`PlanSettings`), shared by `calibrate` and
/// `inspect` so that both read a model under the same settings from the same words.
struct PlanOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Weight/activation bits, each 2…8 or 32 (float).", valueName: "W/A"))
    var bits = "4/4"

    @Flag(help: "Quantize the first weighted layer too (default: float).")
    var quantizeFirstLayer = false

    @Flag(help: "Quantize the last weighted layer too (default: float).")
    var quantizeLastLayer = false

    @Flag(help: "Bias-correct the quantized weights: restore each output channel's float mean (off the integer grid).")
    var biasCorrection = false

    @Option(name: .customLong("keep-float"), parsing: .singleValue,
            help: ArgumentHelp("Keep float the layers, weights and activations whose name matches this shell-style "
                               + "glob (repeatable; e.g. 'conv1', 'layer4.*', 'fc.weight').", valueName: "pattern"))
    var keepFloat: [String] = []

    @Option(help: ArgumentHelp("per-tensor (one step size per weight) or per-channel (one per output channel).",
                               valueName: "granularity"))
    var weightGranularity = WeightGranularity.perTensor

    func validate() throws {
        _ = try settings()
    }

    /// The settings the flags spell.
    func settings() throws -> PlanSettings {
        guard let widths = BitWidths(bits) else {
            throw ValidationError("--bits \(bits): give W/A with each of W and A in 2…8, or 32 for float (e.g. 4/4, 8/32)")
        }
        return PlanSettings(weightBits: widths.weights, activationBits: widths.activations,
                            quantizeFirstLayer: quantizeFirstLayer, quantizeLastLayer: quantizeLastLayer,
                            correctsWeightBias: biasCorrection, keepFloat: keepFloat, weightGranularity: weightGranularity)
    }
}

extension WeightGranularity: ExpressibleByArgument {}
