/// A steps file's plan settings in words, for the report, `compare` and the HTML pages: the one
/// place that renders `plan` for display.
extension StepsFile {
    /// e.g. "W3/A3 lapq", "W3/A3 lapq +pc +bc" for per-channel, bias-corrected weights, "+kf"
    /// when `--keep-float` kept something float, "W3/A3 lapq unbounded" for a Powell without
    /// step bounds, "W3/A3 lapq lowest-loss p*" for `--p-star lowest-loss`, "W3/A3 lapq two starts"
    /// for `--p-star both`: a run's name in tables.
    public var runLabel: String {
        "\(plan.bitsLabel) \(method.rawValue)" + (method == .lapq && stepBounds == nil ? " unbounded" : "")
            + (pStarRule == .lowestLoss ? " lowest-loss p*" : pStarRule == .both ? " two starts" : "")
            + (plan.weightGranularity == .perChannel ? " +pc" : "")
            + (plan.correctsWeightBias ? " +bc" : "") + (plan.keepFloat.isEmpty ? "" : " +kf")
    }

    /// e.g. "W3/A3 (first layer float, last layer float), per-channel weights, weights
    /// bias-corrected, kept float: layer2.*, fc.weight".
    public var settingsDescription: String {
        plan.bitsLabel
            + " (first layer \(plan.quantizeFirstLayer ? "quantized" : "float"),"
            + " last layer \(plan.quantizeLastLayer ? "quantized" : "float"))"
            + (plan.weightGranularity == .perChannel ? ", per-channel weights" : "")
            + (plan.correctsWeightBias ? ", weights bias-corrected" : "")
            + (plan.keepFloat.isEmpty ? "" : ", kept float: " + plan.keepFloat.joined(separator: ", "))
    }
}
