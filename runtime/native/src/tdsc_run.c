/*
 * tdsc_run: one entry point over arrays with lengths, for callers that hold managed arrays (desktop P/Invoke, the
 * nanoFramework interop glue). Unpacks the parameters, checks every extent against the lengths, calls the kernel.
 */
#include <stddef.h>
#include "tdsc_internal.h"

/* 1 when [offset, offset + count) lies inside an array of `length` elements (count ≥ 0). */
static int tdsc_in_range(int64_t offset, int64_t count, int32_t length)
{
    return offset >= 0 && count >= 0 && length >= 0 && offset <= length && count <= length - offset;
}

static void tdsc_unpack_conv(const int32_t *v, tdsc_conv_params *p)
{
    p->input_h = v[0];
    p->input_w = v[1];
    p->input_c = v[2];
    p->output_h = v[3];
    p->output_w = v[4];
    p->output_c = v[5];
    p->kernel_h = v[6];
    p->kernel_w = v[7];
    p->stride_h = v[8];
    p->stride_w = v[9];
    p->dilation_h = v[10];
    p->dilation_w = v[11];
    p->pad_top = v[12];
    p->pad_left = v[13];
    p->pad_bottom = v[14];
    p->pad_right = v[15];
    p->groups = v[16];
    p->input_zero_point = v[17];
    p->output_zero_point = v[18];
    p->act_min = v[19];
    p->act_max = v[20];
}

static int32_t tdsc_run_conv(int32_t kernel, const tdsc_conv_params *p, int8_t *arena, int32_t arena_length,
    int32_t in0, int32_t out, const int8_t *weights, int32_t weights_length, const int32_t *bias, int32_t bias_length,
    const int32_t *multiplier, int32_t multiplier_length, const int32_t *shift, int32_t shift_length, int8_t *scratch,
    int32_t scratch_length)
{
    int64_t scratch_bytes = 0;
    int32_t supported;
    if (!tdsc_conv_params_valid(p) || p->input_c % p->groups != 0 || p->output_c % p->groups != 0) {
        return TDSC_ARG_ERROR;
    }

    switch (kernel) {
    case TDSC_KERNEL_DEPTHWISE_CONV_3X3:
        supported = tdsc_depthwise_conv_3x3_is_supported(p);
        scratch_bytes = supported ? tdsc_depthwise_conv_3x3_scratch_size(p) : 0;
        break;
    case TDSC_KERNEL_DEPTHWISE_CONV_3X3_MULTIPLIER:
        supported = tdsc_depthwise_conv_3x3_multiplier_is_supported(p);
        scratch_bytes = supported ? tdsc_depthwise_conv_3x3_multiplier_scratch_size(p) : 0;
        break;
    case TDSC_KERNEL_DEPTHWISE_CONV:
        supported = tdsc_depthwise_conv_is_supported(p);
        scratch_bytes = supported ? tdsc_depthwise_conv_scratch_size(p) : 0;
        break;
    case TDSC_KERNEL_POINTWISE_CONV:
        supported = tdsc_pointwise_conv_is_supported(p);
        break;
    case TDSC_KERNEL_CONV2D_DENSE:
        supported = tdsc_conv2d_dense_is_supported(p);
        scratch_bytes = supported ? tdsc_conv2d_dense_scratch_size(p) : 0;
        break;
    default:
        supported = 1;
        break;
    }

    if (!supported) {
        return TDSC_ARG_ERROR;
    }

    /* The specialised kernels (1..5) need the folded bias; the reference takes the unfolded one or none. */
    if (!tdsc_in_range(in0, (int64_t)p->input_h * p->input_w * p->input_c, arena_length)
        || !tdsc_in_range(out, (int64_t)p->output_h * p->output_w * p->output_c, arena_length)
        || !tdsc_in_range(0, (int64_t)p->output_c * p->kernel_h * p->kernel_w * (p->input_c / p->groups),
            weights_length)
        || !tdsc_in_range(0, p->output_c, multiplier_length) || !tdsc_in_range(0, p->output_c, shift_length)
        || !tdsc_in_range(0, scratch_bytes, scratch_length)
        || (kernel == TDSC_KERNEL_CONV2D_REFERENCE ? (bias_length != 0 && bias_length < p->output_c)
                                                   : !tdsc_in_range(0, p->output_c, bias_length))) {
        return TDSC_BOUNDS_ERROR;
    }

    switch (kernel) {
    case TDSC_KERNEL_DEPTHWISE_CONV_3X3:
        return tdsc_depthwise_conv_3x3(p, arena + in0, weights, bias, multiplier, shift, arena + out, scratch);
    case TDSC_KERNEL_DEPTHWISE_CONV_3X3_MULTIPLIER:
        return tdsc_depthwise_conv_3x3_multiplier(p, arena + in0, weights, bias, multiplier, shift, arena + out,
            scratch);
    case TDSC_KERNEL_DEPTHWISE_CONV:
        return tdsc_depthwise_conv(p, arena + in0, weights, bias, multiplier, shift, arena + out, scratch);
    case TDSC_KERNEL_POINTWISE_CONV:
        return tdsc_pointwise_conv(p, arena + in0, weights, bias, multiplier, shift, arena + out);
    case TDSC_KERNEL_CONV2D_DENSE:
        return tdsc_conv2d_dense(p, arena + in0, weights, bias, multiplier, shift, arena + out, scratch);
    default:
        return tdsc_conv2d_reference(p, arena + in0, weights, bias_length == 0 ? NULL : bias, multiplier, shift,
            arena + out);
    }
}

int32_t tdsc_run(int32_t kernel, const int32_t *params, int32_t param_count,
    int8_t *arena, int32_t arena_length, int32_t in0, int32_t in1, int32_t out,
    const int8_t *weights, int32_t weights_length, const int32_t *bias, int32_t bias_length,
    const int32_t *multiplier, int32_t multiplier_length, const int32_t *shift, int32_t shift_length,
    int8_t *scratch, int32_t scratch_length)
{
    tdsc_conv_params p;
    if (params == NULL || arena == NULL || param_count < 0 || arena_length < 0 || weights_length < 0
        || bias_length < 0 || multiplier_length < 0 || shift_length < 0 || scratch_length < 0
        || (weights == NULL && weights_length != 0) || (bias == NULL && bias_length != 0)
        || (multiplier == NULL && multiplier_length != 0) || (shift == NULL && shift_length != 0)
        || (scratch == NULL && scratch_length != 0)) {
        return TDSC_BOUNDS_ERROR;
    }

    switch (kernel) {
    case TDSC_KERNEL_DEPTHWISE_CONV_3X3:
    case TDSC_KERNEL_DEPTHWISE_CONV_3X3_MULTIPLIER:
    case TDSC_KERNEL_DEPTHWISE_CONV:
    case TDSC_KERNEL_POINTWISE_CONV:
    case TDSC_KERNEL_CONV2D_DENSE:
    case TDSC_KERNEL_CONV2D_REFERENCE:
        if (param_count != TDSC_CONV_PARAM_COUNT) {
            return TDSC_UNKNOWN_KERNEL;
        }

        tdsc_unpack_conv(params, &p);
        return tdsc_run_conv(kernel, &p, arena, arena_length, in0, out, weights, weights_length, bias, bias_length,
            multiplier, multiplier_length, shift, shift_length, scratch, scratch_length);

    case TDSC_KERNEL_AVERAGE_POOL:
    case TDSC_KERNEL_MAX_POOL:
        if (param_count != (kernel == TDSC_KERNEL_AVERAGE_POOL ? TDSC_CONV_PARAM_COUNT + 1 : TDSC_CONV_PARAM_COUNT)) {
            return TDSC_UNKNOWN_KERNEL;
        }

        tdsc_unpack_conv(params, &p);
        if (!tdsc_conv_params_valid(&p)) {
            return TDSC_ARG_ERROR;
        }

        if (!tdsc_in_range(in0, (int64_t)p.input_h * p.input_w * p.input_c, arena_length)
            || !tdsc_in_range(out, (int64_t)p.output_h * p.output_w * p.input_c, arena_length)) {
            return TDSC_BOUNDS_ERROR;
        }

        return kernel == TDSC_KERNEL_AVERAGE_POOL
            ? tdsc_average_pool(&p, params[TDSC_CONV_PARAM_COUNT] != 0, arena + in0, arena + out)
            : tdsc_max_pool(&p, arena + in0, arena + out);

    case TDSC_KERNEL_FULLY_CONNECTED: {
        int32_t input_length;
        int32_t output_length;
        if (param_count != 6) {
            return TDSC_UNKNOWN_KERNEL;
        }

        input_length = params[0];
        output_length = params[1];
        if (!tdsc_in_range(in0, input_length, arena_length) || !tdsc_in_range(out, output_length, arena_length)
            || !tdsc_in_range(0, (int64_t)input_length * output_length, weights_length)
            || (bias_length != 0 && bias_length < output_length) || !tdsc_in_range(0, output_length, multiplier_length)
            || !tdsc_in_range(0, output_length, shift_length)) {
            return TDSC_BOUNDS_ERROR;
        }

        return tdsc_fully_connected(input_length, output_length, params[2], params[3], params[4], params[5],
            arena + in0, weights, bias_length == 0 ? NULL : bias, multiplier, shift, arena + out);
    }

    case TDSC_KERNEL_ADD: {
        tdsc_add_params a;
        int32_t count;
        if (param_count != TDSC_ADD_PARAM_COUNT + 1) {
            return TDSC_UNKNOWN_KERNEL;
        }

        a.left_shift = params[0];
        a.input0_multiplier = params[1];
        a.input0_shift = params[2];
        a.input1_multiplier = params[3];
        a.input1_shift = params[4];
        a.output_multiplier = params[5];
        a.output_shift = params[6];
        a.input0_zero_point = params[7];
        a.input1_zero_point = params[8];
        a.output_zero_point = params[9];
        a.act_min = params[10];
        a.act_max = params[11];
        count = params[12];
        if (!tdsc_in_range(in0, count, arena_length) || !tdsc_in_range(in1, count, arena_length)
            || !tdsc_in_range(out, count, arena_length)) {
            return TDSC_BOUNDS_ERROR;
        }

        return tdsc_add(&a, arena + in0, arena + in1, arena + out, count);
    }

    case TDSC_KERNEL_GLOBAL_AVERAGE_POOL:
    case TDSC_KERNEL_GLOBAL_AVERAGE_POOL_REQUANTIZED: {
        const int requantized = kernel == TDSC_KERNEL_GLOBAL_AVERAGE_POOL_REQUANTIZED;
        int32_t h;
        int32_t w;
        int32_t c;
        if (param_count != (requantized ? 8 : 5)) {
            return TDSC_UNKNOWN_KERNEL;
        }

        h = params[0];
        w = params[1];
        c = params[2];
        if (h < 1 || w < 1 || c < 1) {
            return TDSC_ARG_ERROR;
        }

        if (!tdsc_in_range(in0, (int64_t)h * w * c, arena_length) || !tdsc_in_range(out, c, arena_length)
            || (requantized && (multiplier_length < 1 || shift_length < 1))) {
            return TDSC_BOUNDS_ERROR;
        }

        return requantized
            ? tdsc_global_average_pool_requantized(h, w, c, params[3], params[4], multiplier[0], shift[0], params[5],
                params[6], params[7], arena + in0, arena + out)
            : tdsc_global_average_pool(h, w, c, params[3], params[4], arena + in0, arena + out);
    }

    case TDSC_KERNEL_LOOKUP: {
        int32_t count;
        if (param_count != 1) {
            return TDSC_UNKNOWN_KERNEL;
        }

        count = params[0];
        if (weights_length != 256) {
            return TDSC_ARG_ERROR;
        }

        if (!tdsc_in_range(in0, count, arena_length) || !tdsc_in_range(out, count, arena_length)) {
            return TDSC_BOUNDS_ERROR;
        }

        return tdsc_lookup(weights, arena + in0, arena + out, count);
    }

    case TDSC_KERNEL_MUL: {
        int32_t count;
        int32_t channels;
        if (param_count != 9) {
            return TDSC_UNKNOWN_KERNEL;
        }

        count = params[0];
        channels = params[1];
        if (channels < 0) {
            return TDSC_ARG_ERROR;
        }

        if (!tdsc_in_range(in0, count, arena_length) || !tdsc_in_range(out, count, arena_length)
            || !tdsc_in_range(in1, channels == 0 ? count : channels, arena_length)) {
            return TDSC_BOUNDS_ERROR;
        }

        return tdsc_mul(count, channels, params[2], params[3], params[4], params[5], params[6], params[7], params[8],
            arena + in0, arena + in1, arena + out);
    }

    case TDSC_KERNEL_DEPTHWISE_CONV_BAND_ROW:
        if (param_count != TDSC_CONV_PARAM_COUNT) {
            return TDSC_UNKNOWN_KERNEL;
        }

        tdsc_unpack_conv(params, &p);
        if (!tdsc_conv_params_valid(&p) || !tdsc_depthwise_conv_is_supported(&p)) {
            return TDSC_ARG_ERROR;
        }

        if (!tdsc_in_range(in0, (int64_t)p.kernel_h * (p.input_w + p.pad_left + p.pad_right) * p.input_c,
                arena_length)
            || !tdsc_in_range(out, (int64_t)p.output_w * p.output_c, arena_length)
            || !tdsc_in_range(0, (int64_t)p.output_c * p.kernel_h * p.kernel_w, weights_length)
            || !tdsc_in_range(0, p.output_c, bias_length) || !tdsc_in_range(0, p.output_c, multiplier_length)
            || !tdsc_in_range(0, p.output_c, shift_length)) {
            return TDSC_BOUNDS_ERROR;
        }

        return tdsc_depthwise_conv_band_row(&p, arena + in0, weights, bias, multiplier, shift, arena + out);

    default:
        return TDSC_UNKNOWN_KERNEL;
    }
}
