/*
 * Shared arithmetic of the TinyDsc native kernels (private). Every kernel's bytes are defined by these helpers;
 * they reproduce the managed QuantMath / Requantize results for every int32 input (wrapping included).
 */
#ifndef TINYDSC_TDSC_INTERNAL_H
#define TINYDSC_TDSC_INTERNAL_H

#include <stdint.h>
#include "tinydsc/tdsc_kernels.h"

/* Implementation-defined behaviour the kernels rely on, checked at compile time (C99 has no _Static_assert). */
typedef char tdsc_check_arithmetic_shift[((-1 >> 1) == -1 && ((int64_t)-1 >> 1) == -1) ? 1 : -1];
typedef char tdsc_check_twos_complement[((int32_t)(uint32_t)0xFFFFFFFFu == -1) ? 1 : -1];

/* int32 arithmetic that wraps modulo 2^32 like .NET and nanoCLR (signed overflow is undefined in C). */
static inline int32_t tdsc_wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t tdsc_wrap_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static inline int32_t tdsc_wrap_mul(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a * (uint32_t)b);
}

static inline int32_t tdsc_wrap_shl(int32_t a, int32_t n)
{
    return (int32_t)((uint32_t)a << n);
}

/*
 * MBQM(acc, m, s) = RDBP(SRDHM(acc · 2^left, m), right), left = max(s, 0), right = max(−s, 0), s in −31..30.
 * SRDHM as floor((a·m + 2^30) / 2^31): TFLite's nudge 1 − 2^30 for a·m < 0 followed by truncation toward zero lands on
 * the same integer as flooring after + 2^30; the one product that leaves int32, a = m = INT32_MIN (2^62), saturates
 * to INT32_MAX as TFLite's does. RDBP for r ≥ 1 is floor((x + 2^(r−1) − [x < 0]) / 2^r) (halves away from zero).
 * |a·m| ≤ 2^62, so the int64 sums cannot overflow.
 */
static inline int32_t tdsc_mbqm(int32_t acc, int32_t multiplier, int32_t shift)
{
    int32_t left = shift > 0 ? shift : 0;
    int32_t right = shift > 0 ? 0 : -shift;
    int64_t x = ((int64_t)tdsc_wrap_shl(acc, left) * multiplier + ((int64_t)1 << 30)) >> 31;
    if (x > INT32_MAX) {
        x = INT32_MAX;
    }

    if (right > 0) {
        x = (x + ((int64_t)1 << (right - 1)) - (x < 0 ? 1 : 0)) >> right;
    }

    return (int32_t)x;
}

static inline int32_t tdsc_clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* clamp(zp_out + MBQM(acc, m, s), act_min, act_max) as int8; the zero-point addition wraps like int32 on .NET. */
static inline int8_t tdsc_requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t zero_point,
    int32_t act_min, int32_t act_max)
{
    return (int8_t)tdsc_clamp(tdsc_wrap_add(zero_point, tdsc_mbqm(acc, multiplier, shift)), act_min, act_max);
}

/* 1 when every shift[0..n−1] is in −31..30 (the range MBQM is defined on). */
static inline int tdsc_shifts_valid(const int32_t *shift, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        if (shift[i] < -31 || shift[i] > 30) {
            return 0;
        }
    }

    return 1;
}

/* 1 when the zero points and clamp range are int8 values and the geometry is positive and self-consistent. */
int tdsc_conv_params_valid(const tdsc_conv_params *p);

/*
 * The padded input band of the windowed convolutions: `rows` rows of row_bytes = (W + pl + pr)·C bytes,
 * [pl pad columns | W input columns | pr pad columns][C]; pad columns and rows outside the input hold zp_in.
 */
void tdsc_band_pad_columns(int8_t *band, int32_t rows, int32_t row_bytes, int32_t left_pad_bytes,
    int32_t in_row_bytes, int8_t zp_in);

/* Band row r receives input row iy0 + r·dy, or zp_in where that row lies outside 0..in_h−1. */
void tdsc_band_load_rows(const int8_t *input, int32_t in_h, int32_t in_row_bytes, int32_t iy0, int32_t dy,
    int32_t rows, int8_t *band, int32_t row_bytes, int32_t left_pad_bytes, int8_t zp_in);

#endif
