/* Requantization entry points, parameter checks and the padded band shared by the windowed convolutions. */
#include <string.h>
#include "tdsc_internal.h"

int32_t tdsc_multiply_by_quantized_multiplier(int32_t acc, int32_t multiplier, int32_t shift)
{
    return tdsc_mbqm(acc, multiplier, shift);
}

/* n ≥ 0: (n + d/2) / d; n < 0: −((−n + d/2) / d); every + and − wraps like int32 on .NET. */
int32_t tdsc_divide_round_half_away(int32_t n, int32_t d)
{
    if (n >= 0) {
        return tdsc_wrap_add(n, d / 2) / d;
    }

    return tdsc_wrap_sub(0, tdsc_wrap_add(tdsc_wrap_sub(0, n), d / 2) / d);
}

int32_t tdsc_version(void)
{
    return TDSC_VERSION;
}

static int tdsc_extent_ok(int32_t input, int32_t pad_before, int32_t pad_after, int32_t kernel, int32_t stride,
    int32_t dilation, int32_t output)
{
    int64_t span = (int64_t)input + pad_before + pad_after - (int64_t)dilation * (kernel - 1) - 1;
    int64_t expected = span < 0 ? 0 : span / stride + 1;
    return expected == output;
}

int tdsc_conv_params_valid(const tdsc_conv_params *p)
{
    if (p->input_h < 1 || p->input_w < 1 || p->input_c < 1 || p->output_h < 1 || p->output_w < 1
        || p->output_c < 1 || p->kernel_h < 1 || p->kernel_w < 1 || p->stride_h < 1 || p->stride_w < 1
        || p->dilation_h < 1 || p->dilation_w < 1 || p->pad_top < 0 || p->pad_left < 0 || p->pad_bottom < 0
        || p->pad_right < 0 || p->groups < 1) {
        return 0;
    }

    if (p->input_zero_point < -128 || p->input_zero_point > 127 || p->output_zero_point < -128
        || p->output_zero_point > 127 || p->act_min < -128 || p->act_max > 127 || p->act_min > p->act_max) {
        return 0;
    }

    /* Sizes the kernels compute in int32: the tensors and the band must fit (tdsc_run checks them against arrays). */
    if ((int64_t)p->input_h * p->input_w * p->input_c > INT32_MAX
        || (int64_t)p->output_h * p->output_w * p->output_c > INT32_MAX
        || (int64_t)p->kernel_h * ((int64_t)p->input_w + p->pad_left + p->pad_right) * p->input_c > INT32_MAX
        || (int64_t)p->output_c * p->kernel_h * p->kernel_w * p->input_c > INT32_MAX) {
        return 0;
    }

    return tdsc_extent_ok(p->input_h, p->pad_top, p->pad_bottom, p->kernel_h, p->stride_h, p->dilation_h, p->output_h)
        && tdsc_extent_ok(p->input_w, p->pad_left, p->pad_right, p->kernel_w, p->stride_w, p->dilation_w, p->output_w);
}

void tdsc_band_pad_columns(int8_t *band, int32_t rows, int32_t row_bytes, int32_t left_pad_bytes,
    int32_t in_row_bytes, int8_t zp_in)
{
    int32_t right_pad_start = left_pad_bytes + in_row_bytes;
    int32_t r;
    for (r = 0; r < rows; r++) {
        int8_t *row = band + (int64_t)r * row_bytes;
        memset(row, zp_in, (size_t)left_pad_bytes);
        memset(row + right_pad_start, zp_in, (size_t)(row_bytes - right_pad_start));
    }
}

void tdsc_band_load_rows(const int8_t *input, int32_t in_h, int32_t in_row_bytes, int32_t iy0, int32_t dy,
    int32_t rows, int8_t *band, int32_t row_bytes, int32_t left_pad_bytes, int8_t zp_in)
{
    int32_t iy = iy0;
    int32_t r;
    for (r = 0; r < rows; r++) {
        int8_t *dst = band + (int64_t)r * row_bytes + left_pad_bytes;
        if (iy >= 0 && iy < in_h) {
            memcpy(dst, input + (int64_t)iy * in_row_bytes, (size_t)in_row_bytes);
        } else {
            memset(dst, zp_in, (size_t)in_row_bytes);
        }

        iy += dy;
    }
}
