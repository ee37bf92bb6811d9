// OutputCorrection's channel sums (integer, so exact on any ISA) and its NHWC subtraction for
// AVX-512 and AVX2 (quantize_simd.h). In the subtraction every operation is the Swift loop's,
// in its order, so the results are bit-identical to it:
//   corrected = out − (factor · (float)sum)    two roundings: products and differences are never
//                                              fused (no FMA; contraction is off for this file)
//   ReLU      = 0 ≥ v ? 0 : v                  Swift's max(v, 0) is "0 >= v ? 0 : v"
//   clip      = m = lower ≥ v ? lower : v;  upper < m ? upper : m      (max, then min)
//   leaky     = v ≥ 0 ? v : alpha · v
// Comparisons are ordered and quiet (_CMP_GE_OQ, _CMP_LT_OQ), false on NaN as Swift's are.
#include "quantize_simd.h"

#include <immintrin.h>

#pragma clang fp contract(off)

/// The scalar form of one post-op, for the AVX2 loop's tail.
static inline float post_op_scalar(float v, const lapq_post_op *op) {
    switch (op->kind) {
    case LAPQ_POST_OP_RELU: return 0.0f >= v ? 0.0f : v;
    case LAPQ_POST_OP_CLIP: {
        float raised = op->first >= v ? op->first : v;
        return op->second < raised ? op->second : raised;
    }
    case LAPQ_POST_OP_LEAKY_RELU: return v >= 0.0f ? v : op->first * v;
    }
    return v;
}

__attribute__((target("avx512f")))
static inline __m512 post_op512(__m512 v, const lapq_post_op *op) {
    switch (op->kind) {
    case LAPQ_POST_OP_RELU: {
        __m512 zero = _mm512_setzero_ps();
        return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zero, v, _CMP_GE_OQ), v, zero);
    }
    case LAPQ_POST_OP_CLIP: {
        __m512 lower = _mm512_set1_ps(op->first), upper = _mm512_set1_ps(op->second);
        __m512 raised = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(lower, v, _CMP_GE_OQ), v, lower);
        return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(upper, raised, _CMP_LT_OQ), raised, upper);
    }
    case LAPQ_POST_OP_LEAKY_RELU: {
        __m512 scaled = _mm512_mul_ps(_mm512_set1_ps(op->first), v);
        return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GE_OQ), scaled, v);
    }
    }
    return v;
}

__attribute__((target("avx2")))
static inline __m256 post_op256(__m256 v, const lapq_post_op *op) {
    switch (op->kind) {
    case LAPQ_POST_OP_RELU: {
        __m256 zero = _mm256_setzero_ps();
        return _mm256_blendv_ps(v, zero, _mm256_cmp_ps(zero, v, _CMP_GE_OQ));
    }
    case LAPQ_POST_OP_CLIP: {
        __m256 lower = _mm256_set1_ps(op->first), upper = _mm256_set1_ps(op->second);
        __m256 raised = _mm256_blendv_ps(v, lower, _mm256_cmp_ps(lower, v, _CMP_GE_OQ));
        return _mm256_blendv_ps(raised, upper, _mm256_cmp_ps(upper, raised, _CMP_LT_OQ));
    }
    case LAPQ_POST_OP_LEAKY_RELU: {
        __m256 scaled = _mm256_mul_ps(_mm256_set1_ps(op->first), v);
        return _mm256_blendv_ps(scaled, v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ));
    }
    }
    return v;
}

__attribute__((target("avx512f")))
static void correct512(float *out, size_t pixels, size_t pixel_stride, size_t channels, size_t per_group,
                       const float *factors, const int32_t *sums, size_t group_stride,
                       const lapq_post_op *post_ops, size_t post_op_count) {
    for (size_t p = 0; p < pixels; p++) {
        float *row = out + p * pixel_stride;
        for (size_t first = 0; first < channels; first += per_group) {
            const __m512 sum = _mm512_set1_ps((float)sums[first / per_group * group_stride + p]);
            for (size_t c = first; c < first + per_group; c += 16) {
                size_t lanes = first + per_group - c < 16 ? first + per_group - c : 16;
                __mmask16 mask = (__mmask16)((1u << lanes) - 1u);
                __m512 v = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, row + c),
                                         _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, factors + c), sum));
                for (size_t k = 0; k < post_op_count; k++) v = post_op512(v, post_ops + k);
                _mm512_mask_storeu_ps(row + c, mask, v);
            }
        }
    }
}

__attribute__((target("avx2")))
static void correct256(float *out, size_t pixels, size_t pixel_stride, size_t channels, size_t per_group,
                       const float *factors, const int32_t *sums, size_t group_stride,
                       const lapq_post_op *post_ops, size_t post_op_count) {
    for (size_t p = 0; p < pixels; p++) {
        float *row = out + p * pixel_stride;
        for (size_t first = 0; first < channels; first += per_group) {
            const float scalar_sum = (float)sums[first / per_group * group_stride + p];
            const __m256 sum = _mm256_set1_ps(scalar_sum);
            size_t end = first + per_group, c = first;
            for (; c + 8 <= end; c += 8) {
                __m256 v = _mm256_sub_ps(_mm256_loadu_ps(row + c), _mm256_mul_ps(_mm256_loadu_ps(factors + c), sum));
                for (size_t k = 0; k < post_op_count; k++) v = post_op256(v, post_ops + k);
                _mm256_storeu_ps(row + c, v);
            }
            for (; c < end; c++) {
                float v = row[c] - factors[c] * scalar_sum;
                for (size_t k = 0; k < post_op_count; k++) v = post_op_scalar(v, post_ops + k);
                row[c] = v;
            }
        }
    }
}

size_t lapq_correct_pixels(lapq_simd_level level, float *out, size_t pixels, size_t pixel_stride, size_t channels,
                           size_t per_group, const float *factors, const int32_t *sums, size_t group_stride,
                           const lapq_post_op *post_ops, size_t post_op_count) {
    if (per_group < 4 || channels % per_group != 0) return 0;
    switch (level) {
    case LAPQ_SIMD_AVX512:
        correct512(out, pixels, pixel_stride, channels, per_group, factors, sums, group_stride, post_ops, post_op_count);
        return pixels;
    case LAPQ_SIMD_AVX2:
        correct256(out, pixels, pixel_stride, channels, per_group, factors, sums, group_stride, post_ops, post_op_count);
        return pixels;
    default: return 0;
    }
}

// Code sums: psadbw adds each 8 unsigned bytes into a 64-bit lane. Signed codes are offset to
// unsigned by flipping their top bit (c + 128), and 128·count is taken off the total.

__attribute__((target("avx512f,avx512bw")))
static void sum_runs512(const uint8_t *codes, size_t count, size_t stride, size_t runs, int is_signed, int32_t *out) {
    const __m512i zero = _mm512_setzero_si512(), flip = _mm512_set1_epi8((char)0x80);
    for (size_t r = 0; r < runs; r++) {
        const uint8_t *run = codes + r * stride;
        __m512i total = zero;
        for (size_t i = 0; i < count; i += 64) {
            size_t lanes = count - i < 64 ? count - i : 64;
            __mmask64 mask = lanes == 64 ? ~(__mmask64)0 : (((__mmask64)1 << lanes) - 1);
            __m512i bytes = _mm512_maskz_loadu_epi8(mask, run + i);
            if (is_signed) bytes = _mm512_maskz_mov_epi8(mask, _mm512_xor_si512(bytes, flip));
            total = _mm512_add_epi64(total, _mm512_sad_epu8(bytes, zero));
        }
        int64_t sum = _mm512_reduce_add_epi64(total);
        out[r] = (int32_t)(is_signed ? sum - 128 * (int64_t)count : sum);
    }
}

__attribute__((target("avx2")))
static void sum_runs256(const uint8_t *codes, size_t count, size_t stride, size_t runs, int is_signed, int32_t *out) {
    const __m256i zero = _mm256_setzero_si256(), flip = _mm256_set1_epi8((char)0x80);
    for (size_t r = 0; r < runs; r++) {
        const uint8_t *run = codes + r * stride;
        __m256i total = zero;
        size_t i = 0;
        for (; i + 32 <= count; i += 32) {
            __m256i bytes = _mm256_loadu_si256((const __m256i *)(run + i));
            if (is_signed) bytes = _mm256_xor_si256(bytes, flip);
            total = _mm256_add_epi64(total, _mm256_sad_epu8(bytes, zero));
        }
        __m128i half = _mm_add_epi64(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
        int64_t sum = _mm_cvtsi128_si64(half) + _mm_extract_epi64(half, 1);
        if (is_signed) {
            for (; i < count; i++) sum += (int8_t)run[i];
            sum -= 128 * (int64_t)(count - count % 32);
        } else {
            for (; i < count; i++) sum += run[i];
        }
        out[r] = (int32_t)sum;
    }
}

size_t lapq_sum_code_runs(lapq_simd_level level, const uint8_t *codes, size_t count, size_t stride, size_t runs,
                          int is_signed, int32_t *out) {
    if (count < 16) return 0;
    switch (level) {
    case LAPQ_SIMD_AVX512: sum_runs512(codes, count, stride, runs, is_signed, out); return runs;
    case LAPQ_SIMD_AVX2: sum_runs256(codes, count, stride, runs, is_signed, out); return runs;
    default: return 0;
    }
}
