/// How the spatial padding of a convolution or pooling is chosen (ONNX `auto_pad`).
public enum AutoPad: String, Sendable, Hashable {
    /// `pads` gives the padding explicitly.
    case notSet = "NOTSET"
    /// Output size `ceil(in / stride)`; odd total padding puts the extra cell at the end.
    case sameUpper = "SAME_UPPER"
    /// Output size `ceil(in / stride)`; odd total padding puts the extra cell at the start.
    case sameLower = "SAME_LOWER"
    /// No padding.
    case valid = "VALID"
}
