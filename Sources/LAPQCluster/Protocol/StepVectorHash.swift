import LAPQData

/// The step-vector hash every JOB and RESULT header carries, so a result computed for other
/// vectors (a stale job, a bug) is recognised and dropped instead of entering a loss.
///
/// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the little-endian
/// bytes of the Float64 bit patterns of the vectors, in order. A float-network entry (nil)
/// contributes the bit pattern 0xFFFF_FFFF_FFFF_FFFF, a NaN no step size can be. 0 means
/// "no vectors" (statistics jobs); a sum that happens to be 0 is reported as 1.
public enum StepVectorHash {
    public static func of(_ vectors: [StepVector]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bits: UInt64) {
            for byteIndex in 0..<8 {
                hash ^= (bits >> (8 * UInt64(byteIndex))) & 0xFF
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        for vector in vectors {
            guard let steps = vector.steps else {
                mix(UInt64.max)
                continue
            }
            for value in steps { mix(value.bitPattern) }
        }
        return hash == 0 ? 1 : hash
    }
}
