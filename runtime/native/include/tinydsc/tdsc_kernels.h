/*
 * TinyDsc native int8 kernels: portable C99, bit-exact with the managed kernels in
 * runtime/TinyDsc.Runtime/Kernels (the same bytes for every input, not only for valid models).
 *
 * Conventions shared by every kernel
 * - Tensors are int8 NHWC, batch 1. Pointers point at the first element of a tensor (the caller adds arena offsets).
 * - Weights are int8 [Cout, kh, kw, Cin/groups]; bias, multiplier and shift are int32 [Cout].
 * - Requantization is TFLite's "double rounding" (docs/DESIGN.md "Quantization"):
 *     MBQM(acc, m, s) = RDBP(SRDHM(acc · 2^max(s,0), m), max(−s,0))
 *     SRDHM(a, b)     = round(a·b / 2^31), ties resolved as TFLite does; a = b = INT32_MIN saturates to INT32_MAX
 *     RDBP(x, r)      = x / 2^r rounded to nearest, halves away from zero
 *     out             = clamp(zp_out + MBQM(acc, m[c], s[c]), act_min, act_max)
 *   Ranges: shift −31..30 (checked by every kernel: a shift outside it returns TDSC_ARG_ERROR); multiplier any int32
 *   (valid models use [2^30, 2^31) or 0).
 * - int32 arithmetic wraps modulo 2^32 exactly as on .NET and nanoCLR: accumulators, acc · 2^shift and the
 *   zero-point additions are done in uint32_t, so no input is undefined behaviour and the bytes equal the managed
 *   kernels' even for accumulators outside the validator's bound. Within the bound (|acc − bias| ≤ n·127·255 < 2^31
 *   for n ≤ 66311 taps per output, ModelValidator) nothing wraps and the result is the real convolution.
 * - No dynamic allocation; the windowed convolutions take caller-owned scratch of *_scratch_size bytes
 *   (the same sizes as the managed GetScratchSize, so one scratch buffer serves both paths).
 * - Every kernel re-checks its own preconditions (shape supported, shifts in range) once per call and returns
 *   TDSC_OK or TDSC_ARG_ERROR without writing anything when they fail. Buffer extents are the caller's job
 *   (tdsc_run checks them against array lengths).
 * Implementation-defined behaviour relied on (checked at compile time in tdsc_requantize.h): two's complement
 * int32_t/int64_t, arithmetic right shift of negative values, modular conversion of uint32_t to int32_t.
 */
#ifndef TINYDSC_TDSC_KERNELS_H
#define TINYDSC_TDSC_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TDSC_OK 0
/* A kernel's preconditions failed (unsupported shape, shift outside −31..30, bad zero point or clamp range). */
#define TDSC_ARG_ERROR (-1)
/* tdsc_run: a tensor, blob or scratch extent lies outside the array handed over, or a length is negative. */
#define TDSC_BOUNDS_ERROR (-2)
/* tdsc_run: unknown kernel id or wrong parameter count. */
#define TDSC_UNKNOWN_KERNEL (-3)

/* Kernel ids of tdsc_run (stable: the managed side and the nanoFramework glue use the same numbers). */
#define TDSC_KERNEL_DEPTHWISE_CONV_3X3 1
#define TDSC_KERNEL_DEPTHWISE_CONV_3X3_MULTIPLIER 2
#define TDSC_KERNEL_DEPTHWISE_CONV 3
#define TDSC_KERNEL_POINTWISE_CONV 4
#define TDSC_KERNEL_CONV2D_DENSE 5
#define TDSC_KERNEL_CONV2D_REFERENCE 6
#define TDSC_KERNEL_FULLY_CONNECTED 7
#define TDSC_KERNEL_ADD 8
#define TDSC_KERNEL_AVERAGE_POOL 9
#define TDSC_KERNEL_MAX_POOL 10
#define TDSC_KERNEL_GLOBAL_AVERAGE_POOL 11
#define TDSC_KERNEL_GLOBAL_AVERAGE_POOL_REQUANTIZED 12
#define TDSC_KERNEL_LOOKUP 13
#define TDSC_KERNEL_MUL 14
#define TDSC_KERNEL_DEPTHWISE_CONV_BAND_ROW 15
#define TDSC_KERNEL_COUNT 15

/*
 * Version of this kernel set (tdsc_version): bumped when a kernel's bytes or tdsc_run's parameter packing change, or
 * kernels are added (3: LOOKUP, MUL, DEPTHWISE_CONV_BAND_ROW), so a managed side never sends an id the firmware lacks.
 */
#define TDSC_VERSION 3

/*
 * Shape and quantization of a 2-D window op, field for field the managed ConvParams (and in this order in the
 * packed int32 parameters of tdsc_run). Input [input_h, input_w, input_c], output [output_h, output_w, output_c];
 * output_h = (input_h + pad_top + pad_bottom − dilation_h·(kernel_h − 1) − 1) / stride_h + 1 (same for W).
 * Zero points −128..127; −128 ≤ act_min ≤ act_max ≤ 127.
 */
typedef struct tdsc_conv_params {
    int32_t input_h, input_w, input_c;
    int32_t output_h, output_w, output_c;
    int32_t kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left, pad_bottom, pad_right;
    int32_t groups;
    int32_t input_zero_point, output_zero_point;
    int32_t act_min, act_max;
} tdsc_conv_params;

#define TDSC_CONV_PARAM_COUNT 21

/* Parameters of the int8 Add, field for field the managed AddParams (FORMAT.md op 3, p0..p6 then zero points). */
typedef struct tdsc_add_params {
    int32_t left_shift; /* 0..30 */
    int32_t input0_multiplier, input0_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t output_multiplier, output_shift;
    int32_t input0_zero_point, input1_zero_point, output_zero_point;
    int32_t act_min, act_max;
} tdsc_add_params;

#define TDSC_ADD_PARAM_COUNT 12

/* ---- requantization (the shared math; exported so tests can compare it with QuantMath) ---- */

/* MBQM(acc, multiplier, shift) as above; shift must be in −31..30 (not checked here). */
int32_t tdsc_multiply_by_quantized_multiplier(int32_t acc, int32_t multiplier, int32_t shift);

/* n / d rounded to nearest, halves away from zero, d > 0; wraps like the managed QuantMath.DivideRoundHalfAway. */
int32_t tdsc_divide_round_half_away(int32_t n, int32_t d);

/* TDSC_VERSION of the compiled library. */
int32_t tdsc_version(void);

/* ---- convolutions (Conv2D); folded_bias[c] = bias[c] − zp_in · Σ_taps w[c, ·] (BiasFolding.Fold) ---- */

/*
 * Depthwise 3×3, depth multiplier 1 (managed DepthwiseConv3x3).
 *   acc = folded_bias[c] + Σ_{ky,kx<3} q[oy·sh − pt + ky, ox·sw − pl + kx, c] · w[c, ky, kx], padded taps read zp_in
 *   out[oy, ox, c] = clamp(zp_out + MBQM(acc, multiplier[c], shift[c]), act_min, act_max)
 * Supported: kernel 3×3, groups = Cin = Cout, dilation 1, pads 0..2, any stride.
 * Layout: input [H, W, C], output [Ho, Wo, C], weights [C, 3, 3]. Scratch: 3·(W + pl + pr)·C bytes (a band of three
 * input rows padded with zp_in). Accumulator bound: |acc − bias| ≤ 9·127·255 = 291465.
 */
int32_t tdsc_depthwise_conv_3x3_is_supported(const tdsc_conv_params *p);
int32_t tdsc_depthwise_conv_3x3_scratch_size(const tdsc_conv_params *p);
int32_t tdsc_depthwise_conv_3x3(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output, int8_t *scratch);

/*
 * Depthwise 3×3 with depth multiplier K = Cout / Cin ≥ 1 (managed DepthwiseConv3x3Multiplier); output channel oc reads
 * input channel oc / K. Also the one-channel 3×3 stem (Cin = 1, groups 1 = Cin, K = Cout).
 *   acc = folded_bias[oc] + Σ_{ky,kx<3} q[oy·sh − pt + ky, ox·sw − pl + kx, oc / K] · w[oc, ky, kx]
 * Supported: 3×3, groups = Cin, Cout a multiple of Cin, dilation 1, pads 0..2, any stride.
 * Layout: input [H, W, Cin], output [Ho, Wo, K·Cin], weights [Cout, 3, 3]. Scratch: 3·(W + pl + pr)·Cin bytes.
 * Accumulator bound: |acc − bias| ≤ 9·127·255.
 */
int32_t tdsc_depthwise_conv_3x3_multiplier_is_supported(const tdsc_conv_params *p);
int32_t tdsc_depthwise_conv_3x3_multiplier_scratch_size(const tdsc_conv_params *p);
int32_t tdsc_depthwise_conv_3x3_multiplier(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output, int8_t *scratch);

/*
 * Any depthwise convolution (managed DepthwiseConv): groups = Cin, K = Cout / Cin, any kernel, stride, dilation, pads.
 *   acc = folded_bias[oc] + Σ_{ky<kh,kx<kw} q[oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, oc / K] · w[oc, ky, kx]
 * Layout: input [H, W, Cin], output [Ho, Wo, Cout], weights [Cout, kh, kw]. Scratch: kh·(W + pl + pr)·Cin bytes
 * (kh input rows, dilation_h apart, padded with zp_in). Accumulator bound: |acc − bias| ≤ kh·kw·127·255.
 */
int32_t tdsc_depthwise_conv_is_supported(const tdsc_conv_params *p);
int32_t tdsc_depthwise_conv_scratch_size(const tdsc_conv_params *p);
int32_t tdsc_depthwise_conv(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output, int8_t *scratch);

/*
 * Pointwise (managed PointwiseConv): 1×1, stride 1, no padding, groups 1, Cin ≤ 66311.
 *   acc = folded_bias[oc] + Σ_{i<Cin} q[p, i] · w[oc, i]  for every pixel p
 * Layout: input [H·W, Cin], output [H·W, Cout], weights [Cout, Cin]. No scratch.
 * Accumulator bound: |acc − bias| ≤ Cin·127·255 < 2^31 (Cin ≤ 66311; the managed kernel's packed sums need it).
 */
int32_t tdsc_pointwise_conv_is_supported(const tdsc_conv_params *p);
int32_t tdsc_pointwise_conv(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output);

/*
 * Dense convolution, groups 1, dilation_w 1 (managed Conv2DDense): any kernel, stride, dilation_h, pads.
 *   acc = folded_bias[oc] + Σ_{ky,kx,i} q[oy·sh − pt + ky·dh, ox·sw − pl + kx, i] · w[oc, ky, kx, i]
 * Layout: input [H, W, Cin], output [Ho, Wo, Cout], weights [Cout, kh, kw, Cin]. Scratch: kh·(W + pl + pr)·Cin bytes.
 * Accumulator bound: |acc − bias| ≤ kh·kw·Cin·127·255.
 */
int32_t tdsc_conv2d_dense_is_supported(const tdsc_conv_params *p);
int32_t tdsc_conv2d_dense_scratch_size(const tdsc_conv_params *p);
int32_t tdsc_conv2d_dense(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output, int8_t *scratch);

/*
 * General convolution, the definition (managed Conv2DReference): any groups, kernel, stride, dilation, pads.
 * With g = oc / (Cout/groups), cpg = Cin/groups:
 *   acc = bias[oc] + Σ_{ky,kx,i<cpg} (q[iy, ix, g·cpg + i] − zp_in) · w[oc, ky, kx, i], taps outside the input add 0
 *   iy = oy·sh − pt + ky·dh, ix = ox·sw − pl + kx·dw
 * bias may be NULL (all zero): unlike the specialised kernels this one takes the unfolded bias.
 * Layout: input [H, W, Cin], output [Ho, Wo, Cout], weights [Cout, kh, kw, cpg]. No scratch.
 * Accumulator bound: |acc − bias| ≤ kh·kw·cpg·127·255.
 */
int32_t tdsc_conv2d_reference(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output);

/* ---- other ops ---- */

/*
 * One output row of a depthwise convolution from a band the caller has filled (managed DepthwiseConv.Row and
 * DepthwiseConv3x3.Row, which FusedBlock calls on its work area): the band holds kh rows of
 * row_bytes = (W + pl + pr)·Cin bytes in tdsc_depthwise_conv's scratch layout (band row r = input row oy·sh − pt + r·dh,
 * pad columns and rows outside the input holding zp_in), and
 *   acc = folded_bias[oc] + Σ_{ky<kh, kx<kw} band[ky·row_bytes + ox·sw·Cin + kx·dw·Cin + oc/K] · w[oc, ky, kx]
 *   out[ox, oc] = clamp(zp_out + MBQM(acc, multiplier[oc], shift[oc]), act_min, act_max), ox < Wo, oc < Cout.
 * Uses p's W, Cin, Cout, kernel, stride_w, dilation_w, pad_left/right (band width), zero point out, clamp; p's H
 * extents only for validation. The sums wrap modulo 2^32, so the bytes equal both managed rows (3×3 and general).
 * Preconditions: tdsc_depthwise_conv_is_supported(p). Bounds as tdsc_depthwise_conv.
 */
int32_t tdsc_depthwise_conv_band_row(const tdsc_conv_params *p, const int8_t *band, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output);

/*
 * Fully connected (managed FullyConnected), per-output-channel requantization.
 *   acc[o] = bias[o] + Σ_{i<input_length} (in[i] − zp_in) · w[o, i]; out[o] = clamp(zp_out + MBQM(acc[o], m[o], s[o]))
 * Layout: input [input_length], output [output_length], weights [output_length, input_length]; bias may be NULL.
 * Accumulator bound: |acc − bias| ≤ input_length·127·255.
 */
int32_t tdsc_fully_connected(int32_t input_length, int32_t output_length, int32_t input_zero_point,
    int32_t output_zero_point, int32_t act_min, int32_t act_max, const int8_t *input, const int8_t *weights,
    const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output);

/*
 * Element-wise add with rescaling (managed Add, TFLite's add), per element k:
 *   a = (in0[k] − zp0)·2^left_shift, b = (in1[k] − zp1)·2^left_shift
 *   out[k] = clamp(zp_out + MBQM(MBQM(a, m0, s0) + MBQM(b, m1, s1), m_out, s_out), act_min, act_max)
 * Layout: any shape, count elements; output may alias either input (each element is read before it is written).
 * Bound: |a|, |b| ≤ 255·2^left_shift (below 2^28 for left_shift ≤ 20).
 */
int32_t tdsc_add(const tdsc_add_params *p, const int8_t *input0, const int8_t *input1, int8_t *output, int32_t count);

/*
 * Average pool (managed AveragePool), output keeps the input's scale and zero point. For output (oy, ox, c):
 *   sum, count over taps (oy·sh − pt + ky, ox·sw − pl + kx) inside the input; with count_include_pad each padded tap
 *   adds zp_in to sum and 1 to count; out = clamp(round_half_away(sum / count), act_min, act_max); count 0 gives zp_in.
 * Layout: input [H, W, C], output [Ho, Wo, C]. Uses kernel, stride, pads, input_zero_point, act_min/max.
 * Bound: |sum| ≤ kh·kw·128.
 */
int32_t tdsc_average_pool(const tdsc_conv_params *p, int32_t count_include_pad, const int8_t *input, int8_t *output);

/*
 * Max pool (managed MaxPool): out = clamp(max over the window's taps inside the input, act_min, act_max); padded taps
 * are ignored (a window with none inside gives act_min). Layout as tdsc_average_pool. No accumulator.
 */
int32_t tdsc_max_pool(const tdsc_conv_params *p, const int8_t *input, int8_t *output);

/*
 * Global average pool keeping the input scale (managed GlobalAveragePool):
 *   out[c] = clamp(round_half_away(Σ_{y,x} q[y, x, c] / (H·W)), act_min, act_max)
 * Layout: input [H, W, C], output [C]. Bound: |sum| ≤ H·W·128.
 */
int32_t tdsc_global_average_pool(int32_t height, int32_t width, int32_t channels, int32_t act_min, int32_t act_max,
    const int8_t *input, int8_t *output);

/*
 * Global average pool requantized to its own output scale (managed GlobalAveragePoolRequantized):
 *   acc[c] = Σ_{y,x} (q[y, x, c] − zp_in); r = MBQM(acc[c], multiplier, shift);
 *   divisor 1: multiplier/shift encode s_in / (s_out·H·W) (the divisor folded in), r as is;
 *   divisor H·W (TFLite's int8 MEAN): multiplier/shift encode s_in / s_out, then r = (r ± divisor/2) / divisor
 *   (sign of r, C division truncating toward zero: round half away from zero);
 *   out[c] = clamp(zp_out + r, act_min, act_max).
 * Layout: input [H, W, C], output [C]. divisor ≥ 1.
 * Bound: |acc| ≤ H·W·255, acc·2^max(shift,0) < 2^31 and |r| + divisor/2 < 2^31 (the validator's checks).
 */
int32_t tdsc_global_average_pool_requantized(int32_t height, int32_t width, int32_t channels,
    int32_t input_zero_point, int32_t output_zero_point, int32_t multiplier, int32_t shift, int32_t divisor,
    int32_t act_min, int32_t act_max, const int8_t *input, int8_t *output);

/*
 * Table lookup (managed Lookup, FORMAT.md op 16): out[k] = table[in[k] + 128], k < count; table has 256 entries
 * (index q + 128 for input q). Output may alias input. No accumulator.
 */
int32_t tdsc_lookup(const int8_t *table, const int8_t *input, int8_t *output, int32_t count);

/*
 * Element-wise multiply (managed Mul, TFLite's int8 MUL, FORMAT.md op 17), per element k < count:
 *   p = (in0[k] − zp0)·(in1[j] − zp1), j = k (channels 0: same shape) or k mod channels (per-channel broadcast)
 *   out[k] = clamp(zp_out + MBQM(p, multiplier, shift), act_min, act_max)
 * Layout: in0 and out count elements, in1 count (channels 0) or channels elements; count a multiple of channels.
 * Bound: |p| ≤ 255·255 = 65025 (times 2^max(shift, 0) < 2^31: shift ≤ 15 for a valid model).
 */
int32_t tdsc_mul(int32_t count, int32_t channels, int32_t zero_point0, int32_t zero_point1, int32_t output_zero_point,
    int32_t multiplier, int32_t shift, int32_t act_min, int32_t act_max, const int8_t *input0, const int8_t *input1,
    int8_t *output);

/* ---- one entry point over arrays with lengths (P/Invoke and the nanoFramework interop glue) ---- */

/*
 * Runs kernel `kernel` (TDSC_KERNEL_*) on tensors inside `arena` at byte offsets in0, in1 (Add only) and out.
 * params / param_count, per kernel:
 *   convolutions 1..6, MAX_POOL:  the 21 tdsc_conv_params fields in declaration order
 *   AVERAGE_POOL:                 the 21 conv fields, then count_include_pad (0 or 1)
 *   FULLY_CONNECTED:              input_length, output_length, zp_in, zp_out, act_min, act_max
 *   ADD:                          the 12 tdsc_add_params fields, then count
 *   GLOBAL_AVERAGE_POOL:          height, width, channels, act_min, act_max
 *   GLOBAL_AVERAGE_POOL_REQUANTIZED: height, width, channels, zp_in, zp_out, divisor, act_min, act_max
 *                                    (multiplier[0], shift[0])
 *   LOOKUP:                       count (weights: the 256-entry table)
 *   MUL:                          count, channels, zp0, zp1, zp_out, multiplier, shift, act_min, act_max (in1 used)
 *   DEPTHWISE_CONV_BAND_ROW:      the 21 conv fields; in0 is the band (kh·(W + pl + pr)·Cin bytes), out one row
 *                                 (Wo·Cout bytes); weights, folded bias, multiplier, shift as DEPTHWISE_CONV
 * Blobs: weights, bias (folded for kernels 1..5; bias_length 0 means no bias for kernels 6 and 7), multiplier, shift;
 * unused blobs may be NULL with length 0. scratch: at least the kernel's *_scratch_size bytes.
 * Every extent (tensors from their offsets, blobs, scratch) is checked against the lengths before anything is read
 * or written: TDSC_BOUNDS_ERROR, TDSC_UNKNOWN_KERNEL, TDSC_ARG_ERROR or the kernel's status.
 */
int32_t tdsc_run(int32_t kernel, const int32_t *params, int32_t param_count,
    int8_t *arena, int32_t arena_length, int32_t in0, int32_t in1, int32_t out,
    const int8_t *weights, int32_t weights_length, const int32_t *bias, int32_t bias_length,
    const int32_t *multiplier, int32_t multiplier_length, const int32_t *shift, int32_t shift_length,
    int8_t *scratch, int32_t scratch_length);

#ifdef __cplusplus
}
#endif

#endif
