// Each loop repeats UniformQuantizer+Buffer.swift's VectorGrid step by step, so that the results
// are bit-identical to it (signed zeros included):
//   scaled  = x / step                                   (IEEE division, not a reciprocal)
//   limited = scaled < lower − 1 ? lower − 1 : scaled > upper + 1 ? upper + 1 : scaled
//   rounded = (limited + 1.5·2²³) − 1.5·2²³              (half to even, |limited| ≤ 2²²)
//   code    = rounded < lower ? lower : rounded > upper ? upper : rounded
// max(bound, v) returns v unless bound > v (and v when v is NaN): exactly "v < bound ? bound : v";
// min(bound, v) likewise. The byte is the low byte of code + 1.5·2²³'s bit pattern.
#include "quantize_simd.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

static const float rounding_shift = 12582912.0f;  // 1.5 · 2^23

lapq_simd_level lapq_simd_host_level(void) {
    __builtin_cpu_init();
    lapq_simd_level level = LAPQ_SIMD_NONE;
    if (__builtin_cpu_supports("avx2")) level = LAPQ_SIMD_AVX2;
    if (level == LAPQ_SIMD_AVX2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) {
        level = LAPQ_SIMD_AVX512;
    }
    const char *cap = getenv("ONEDNN_MAX_CPU_ISA");
    if (cap != NULL && cap[0] != '\0' && strncmp(cap, "ALL", 3) != 0 && strncmp(cap, "all", 3) != 0) {
        if (strncmp(cap, "AVX512", 6) == 0 || strncmp(cap, "avx512", 6) == 0) {
            // AVX512_CORE and wider: AVX-512 allowed.
        } else if (strcmp(cap, "AVX2") == 0 || strcmp(cap, "avx2") == 0) {
            if (level > LAPQ_SIMD_AVX2) level = LAPQ_SIMD_AVX2;
        } else {
            level = LAPQ_SIMD_NONE;
        }
    }
    return level;
}

__attribute__((target("avx512f,avx512bw")))
static inline __m512 codes512(__m512 x, __m512 step, __m512 lower, __m512 upper) {
    const __m512 one = _mm512_set1_ps(1.0f), shift = _mm512_set1_ps(rounding_shift);
    __m512 scaled = _mm512_div_ps(x, step);
    __m512 limited = _mm512_min_ps(_mm512_add_ps(upper, one), _mm512_max_ps(_mm512_sub_ps(lower, one), scaled));
    __m512 rounded = _mm512_sub_ps(_mm512_add_ps(limited, shift), shift);
    return _mm512_min_ps(upper, _mm512_max_ps(lower, rounded));
}

__attribute__((target("avx2")))
static inline __m256 codes256(__m256 x, __m256 step, __m256 lower, __m256 upper) {
    const __m256 one = _mm256_set1_ps(1.0f), shift = _mm256_set1_ps(rounding_shift);
    __m256 scaled = _mm256_div_ps(x, step);
    __m256 limited = _mm256_min_ps(_mm256_add_ps(upper, one), _mm256_max_ps(_mm256_sub_ps(lower, one), scaled));
    __m256 rounded = _mm256_sub_ps(_mm256_add_ps(limited, shift), shift);
    return _mm256_min_ps(upper, _mm256_max_ps(lower, rounded));
}

__attribute__((target("avx512f,avx512bw")))
static size_t encode512(const float *x, uint8_t *out, size_t count, float s, float lo, float hi) {
    const __m512 step = _mm512_set1_ps(s), lower = _mm512_set1_ps(lo), upper = _mm512_set1_ps(hi);
    const __m512 shift = _mm512_set1_ps(rounding_shift);
    size_t whole = count - count % 16;
    for (size_t i = 0; i < whole; i += 16) {
        __m512 code = codes512(_mm512_loadu_ps(x + i), step, lower, upper);
        __m512i bits = _mm512_castps_si512(_mm512_add_ps(code, shift));
        _mm_storeu_si128((__m128i *)(out + i), _mm512_cvtepi32_epi8(bits));  // truncating: the low bytes
    }
    return whole;
}

__attribute__((target("avx2")))
static size_t encode256(const float *x, uint8_t *out, size_t count, float s, float lo, float hi) {
    const __m256 step = _mm256_set1_ps(s), lower = _mm256_set1_ps(lo), upper = _mm256_set1_ps(hi);
    const __m256 shift = _mm256_set1_ps(rounding_shift);
    // The low byte of each 32-bit lane to the front of its 128-bit half, then both halves together.
    const __m256i low_bytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                               0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i gather = _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1);
    size_t whole = count - count % 8;
    for (size_t i = 0; i < whole; i += 8) {
        __m256 code = codes256(_mm256_loadu_ps(x + i), step, lower, upper);
        __m256i bytes = _mm256_shuffle_epi8(_mm256_castps_si256(_mm256_add_ps(code, shift)), low_bytes);
        __m256i packed = _mm256_permutevar8x32_epi32(bytes, gather);
        _mm_storel_epi64((__m128i *)(out + i), _mm256_castsi256_si128(packed));
    }
    return whole;
}

__attribute__((target("avx512f,avx512bw")))
static size_t fake_quantize512(const float *x, float *out, size_t count, float s, float lo, float hi) {
    const __m512 step = _mm512_set1_ps(s), lower = _mm512_set1_ps(lo), upper = _mm512_set1_ps(hi);
    size_t whole = count - count % 16;
    for (size_t i = 0; i < whole; i += 16) {
        _mm512_storeu_ps(out + i, _mm512_mul_ps(codes512(_mm512_loadu_ps(x + i), step, lower, upper), step));
    }
    return whole;
}

__attribute__((target("avx2")))
static size_t fake_quantize256(const float *x, float *out, size_t count, float s, float lo, float hi) {
    const __m256 step = _mm256_set1_ps(s), lower = _mm256_set1_ps(lo), upper = _mm256_set1_ps(hi);
    size_t whole = count - count % 8;
    for (size_t i = 0; i < whole; i += 8) {
        _mm256_storeu_ps(out + i, _mm256_mul_ps(codes256(_mm256_loadu_ps(x + i), step, lower, upper), step));
    }
    return whole;
}

size_t lapq_encode_codes(lapq_simd_level level, const float *x, uint8_t *out, size_t count,
                         float step, float lower, float upper) {
    switch (level) {
    case LAPQ_SIMD_AVX512: return encode512(x, out, count, step, lower, upper);
    case LAPQ_SIMD_AVX2: return encode256(x, out, count, step, lower, upper);
    default: return 0;
    }
}

size_t lapq_fake_quantize(lapq_simd_level level, const float *x, float *out, size_t count,
                          float step, float lower, float upper) {
    switch (level) {
    case LAPQ_SIMD_AVX512: return fake_quantize512(x, out, count, step, lower, upper);
    case LAPQ_SIMD_AVX2: return fake_quantize256(x, out, count, step, lower, upper);
    default: return 0;
    }
}
