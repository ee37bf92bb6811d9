// The byte-code and fake-quantize loops of LAPQMath's UniformQuantizer for AVX2 and AVX-512,
// picked at run time (the package builds for baseline x86-64, where Swift's SIMD types compile
// to SSE). Each function handles the whole 8- or 16-value blocks of `count` and returns how
// many values it wrote; the caller does the rest. See UniformQuantizer+Buffer.swift.
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
