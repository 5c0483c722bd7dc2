/*
 * Depthwise 3×3 int8 convolution, depth multiplier 1 (formula, layout and bounds: tdsc_kernels.h).
 * Per output row the three input rows it reads are copied into the caller's band, padded with zp_in, so the tap
 * loop has no bounds tests; per pixel, each channel's nine taps are a fixed pattern of offsets into the band.
 */
#include "tdsc_internal.h"

int32_t tdsc_depthwise_conv_3x3_is_supported(const tdsc_conv_params *p)
{
    return p->kernel_h == 3 && p->kernel_w == 3 && p->groups == p->input_c && p->output_c == p->input_c
        && p->dilation_h == 1 && p->dilation_w == 1 && p->pad_top >= 0 && p->pad_top <= 2 && p->pad_bottom >= 0
        && p->pad_bottom <= 2 && p->pad_left >= 0 && p->pad_left <= 2 && p->pad_right >= 0 && p->pad_right <= 2;
}

int32_t tdsc_depthwise_conv_3x3_scratch_size(const tdsc_conv_params *p)
{
    return 3 * (p->input_w + p->pad_left + p->pad_right) * p->input_c;
}

int32_t tdsc_depthwise_conv_3x3(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output, int8_t *scratch)
{
    const int32_t channels = p->input_c;
    const int32_t row_bytes = (p->input_w + p->pad_left + p->pad_right) * channels;
    const int32_t in_row_bytes = p->input_w * channels;
    const int32_t left_pad_bytes = p->pad_left * channels;
    const int32_t step = p->stride_w * channels;
    const int8_t zp_in = (int8_t)p->input_zero_point;
    int32_t oy;

    if (!tdsc_conv_params_valid(p) || !tdsc_depthwise_conv_3x3_is_supported(p)
        || !tdsc_shifts_valid(shift, p->output_c)) {
        return TDSC_ARG_ERROR;
    }

    tdsc_band_pad_columns(scratch, 3, row_bytes, left_pad_bytes, in_row_bytes, zp_in);
    for (oy = 0; oy < p->output_h; oy++) {
        const int8_t *r0 = scratch;
        const int8_t *r1 = scratch + row_bytes;
        const int8_t *r2 = scratch + 2 * row_bytes;
        int8_t *out = output + (int64_t)oy * p->output_w * channels;
        int32_t ox;
        tdsc_band_load_rows(input, p->input_h, in_row_bytes, oy * p->stride_h - p->pad_top, 1, 3, scratch,
            row_bytes, left_pad_bytes, zp_in);
        for (ox = 0; ox < p->output_w; ox++) {
            const int32_t x0 = ox * step;
            int32_t c;
            for (c = 0; c < channels; c++) {
                const int8_t *w = weights + 9 * c;
                const int32_t i = x0 + c;
                uint32_t acc = (uint32_t)folded_bias[c];
                acc += (uint32_t)(r0[i] * w[0] + r0[i + channels] * w[1] + r0[i + 2 * channels] * w[2]);
                acc += (uint32_t)(r1[i] * w[3] + r1[i + channels] * w[4] + r1[i + 2 * channels] * w[5]);
                acc += (uint32_t)(r2[i] * w[6] + r2[i + channels] * w[7] + r2[i + 2 * channels] * w[8]);
                out[c] = tdsc_requantize((int32_t)acc, multiplier[c], shift[c], p->output_zero_point, p->act_min,
                    p->act_max);
            }

            out += channels;
        }
    }

    return TDSC_OK;
}
