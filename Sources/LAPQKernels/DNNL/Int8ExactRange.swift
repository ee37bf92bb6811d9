/// The integer codes that oneDNN's int8 convolution and inner product sum exactly on every
/// x86-64 ISA it dispatches to (SSE4.1, AVX2, AVX-512, with or without VNNI), so that a layer's
/// int8 result is the same on every host and equal to its naive twin.
///
/// Without VNNI, product pairs are added in saturating int16 (`vpmaddubsw`): u8 × s8 pairs of
/// an unsigned source need 2·x·w ≤ 32767; an s8 source is shifted to u8 (x + 128), so it needs
/// 2·(128 + x)·w ≤ 32767, and its weights are handed over doubled (`Int8WeightAdjustment`), so
/// |w| ≤ 63. VNNI (`vpdpbusd`) sums in int32 and would allow more; the rule does not depend on
/// the host, so a layer takes the same path on every machine of a cluster.
public enum Int8ExactRange {
    /// Whether codes with |x| ≤ `largestInputCode` (x ≥ 0 unless `isSourceSigned`) and
    /// |w| ≤ `largestWeightCode` are summed exactly.
    public static func contains(largestInputCode: Int, isSourceSigned: Bool, largestWeightCode: Int) -> Bool {
        let pairLimit = Int(Int16.max)
        guard largestInputCode >= 0, largestWeightCode >= 0 else { return false }
        if isSourceSigned {
            return largestInputCode <= Int(Int8.max) && largestWeightCode <= Int(Int8.max) / 2
                && 2 * (128 + largestInputCode) * largestWeightCode <= pairLimit
        }
        return largestInputCode <= Int(UInt8.max) && largestWeightCode <= Int(Int8.max)
            && 2 * largestInputCode * largestWeightCode <= pairLimit
    }

    /// The largest |bias code| kept exact on every ISA: an s8 source's bias is handed over
    /// doubled on CPUs without VNNI (`Int8WeightAdjustment`).
    public static let largestBiasCode = Int(Int32.max) / 2
}
