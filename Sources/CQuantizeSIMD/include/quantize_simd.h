// lapq's loops for AVX2 and AVX-512, picked at run time (the package builds for baseline x86-64,
// where Swift's SIMD types compile to SSE), each the fast twin of a Swift loop:
// - the byte-code and fake-quantize loops of LAPQMath's UniformQuantizer (quantize_simd.c): each
//   handles the whole 8- or 16-value blocks of `count` and returns how many values it wrote; the
//   caller does the rest. See UniformQuantizer+Buffer.swift.
// - two loops of LAPQEngine's OutputCorrection, bias correction on an int8 layer's output
//   (correction_simd.c): the channel sums of the input codes, and the subtraction with the
//   activation, each giving the bits of its Swift loop. See docs/engine.md, "Bias correction on
//   int8 codes".
// One header for the module: Clang's module cache notices a changed header, not a new one in the
// umbrella directory, so a checkout updated across such a change would not build.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// The instruction sets these kernels can use here.
typedef enum {
    LAPQ_SIMD_NONE = 0,
    LAPQ_SIMD_AVX2 = 1,
    LAPQ_SIMD_AVX512 = 2,
} lapq_simd_level;

/// The widest level this CPU runs, capped by ONEDNN_MAX_CPU_ISA as oneDNN reads it (so that a
/// run that emulates an older CPU for oneDNN emulates it here too): a value starting with
/// "AVX512" allows AVX-512, "AVX2" AVX2, any other value (SSE41, AVX, …) neither.
lapq_simd_level lapq_simd_host_level(void);

/// out[i] = low byte of clamp(round(clamp(x[i] / step, lower − 1, upper + 1)), lower, upper),
/// rounding half to even; for i below the returned count (count rounded down to the level's
/// block). `level` must not exceed lapq_simd_host_level's CPU support.
size_t lapq_encode_codes(lapq_simd_level level, const float *x, uint8_t *out, size_t count,
                         float step, float lower, float upper);

/// out[i] = the same code, as a float, times step; `out` may equal `x`.
size_t lapq_fake_quantize(lapq_simd_level level, const float *x, float *out, size_t count,
                          float step, float lower, float upper);

/// One fused activation, as LAPQKernels' PostOp: ReLU (0 ≥ x ? 0 : x), clip to [first, second]
/// (max then min, as Swift's max(x, first) and min(·, second) pick), leaky ReLU with slope first
/// (x ≥ 0 ? x : first·x).
typedef enum {
    LAPQ_POST_OP_RELU = 0,
    LAPQ_POST_OP_CLIP = 1,
    LAPQ_POST_OP_LEAKY_RELU = 2,
} lapq_post_op_kind;

typedef struct {
    lapq_post_op_kind kind;
    float first;
    float second;
} lapq_post_op;

/// For each pixel p < pixels, channel c < channels (channels contiguous, pixels `pixel_stride`
/// floats apart in `out`), with g = c / per_group:
///   out[p·pixel_stride + c] = post_ops(out[…] − factors[c] · (float)sums[g·group_stride + p])
/// the product rounded, then the difference (no fused multiply-add), then each post-op in order.
/// Returns `pixels` when `level` did the work, 0 when it did nothing and the caller's loop must
/// (LAPQ_SIMD_NONE, or groups of fewer than 4 channels). `level` must not exceed what
/// lapq_simd_host_level reports.
size_t lapq_correct_pixels(lapq_simd_level level, float *out, size_t pixels, size_t pixel_stride, size_t channels,
                           size_t per_group, const float *factors, const int32_t *sums, size_t group_stride,
                           const lapq_post_op *post_ops, size_t post_op_count);

/// out[r] = the sum of the `count` code bytes at codes + r·stride … + count − 1, read as int8
/// when `is_signed` (two's complement) and as uint8 otherwise, for r < runs: exact in int32 for
/// count < 2^23. Returns `runs` when `level` did the work, 0 when the caller's loop must
/// (LAPQ_SIMD_NONE, or runs of fewer than 16 bytes).
size_t lapq_sum_code_runs(lapq_simd_level level, const uint8_t *codes, size_t count, size_t stride, size_t runs,
                          int is_signed, int32_t *out);
