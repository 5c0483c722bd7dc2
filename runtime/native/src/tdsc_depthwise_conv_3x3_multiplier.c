/*
 * Depthwise 3×3 int8 convolution with depth multiplier K ≥ 1, and the one-channel 3×3 stem (tdsc_kernels.h).
 * Band as in tdsc_depthwise_conv_3x3; per pixel and input channel the nine taps are read once into locals and
 * shared by the K output channels that read that input channel.
 */
#include "tdsc_internal.h"

int32_t tdsc_depthwise_conv_3x3_multiplier_is_supported(const tdsc_conv_params *p)
{
    return p->kernel_h == 3 && p->kernel_w == 3 && p->groups == p->input_c && p->input_c > 0
        && p->output_c % p->input_c == 0 && p->dilation_h == 1 && p->dilation_w == 1 && p->pad_top >= 0
        && p->pad_top <= 2 && p->pad_bottom >= 0 && p->pad_bottom <= 2 && p->pad_left >= 0 && p->pad_left <= 2
        && p->pad_right >= 0 && p->pad_right <= 2;
}

int32_t tdsc_depthwise_conv_3x3_multiplier_scratch_size(const tdsc_conv_params *p)
{
    return 3 * (p->input_w + p->pad_left + p->pad_right) * p->input_c;
}

int32_t tdsc_depthwise_conv_3x3_multiplier(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output, int8_t *scratch)
{
    const int32_t cin = p->input_c;
    const int32_t cout = p->output_c;
    const int32_t row_bytes = (p->input_w + p->pad_left + p->pad_right) * cin;
    const int32_t in_row_bytes = p->input_w * cin;
    const int32_t left_pad_bytes = p->pad_left * cin;
    const int32_t step = p->stride_w * cin;
    const int8_t zp_in = (int8_t)p->input_zero_point;
    int32_t depth_multiplier;
    int32_t oy;

    if (!tdsc_conv_params_valid(p) || !tdsc_depthwise_conv_3x3_multiplier_is_supported(p)
        || !tdsc_shifts_valid(shift, cout)) {
        return TDSC_ARG_ERROR;
    }

    depth_multiplier = cout / cin;
    tdsc_band_pad_columns(scratch, 3, row_bytes, left_pad_bytes, in_row_bytes, zp_in);
    for (oy = 0; oy < p->output_h; oy++) {
        const int8_t *r0 = scratch;
        const int8_t *r1 = scratch + row_bytes;
        const int8_t *r2 = scratch + 2 * row_bytes;
        int8_t *out = output + (int64_t)oy * p->output_w * cout;
        int32_t ox;
        tdsc_band_load_rows(input, p->input_h, in_row_bytes, oy * p->stride_h - p->pad_top, 1, 3, scratch,
            row_bytes, left_pad_bytes, zp_in);
        for (ox = 0; ox < p->output_w; ox++) {
            int32_t ic;
            int32_t oc = 0;
            for (ic = 0; ic < cin; ic++) {
                const int32_t i = ox * step + ic;
                const int32_t t0 = r0[i], t1 = r0[i + cin], t2 = r0[i + 2 * cin];
                const int32_t t3 = r1[i], t4 = r1[i + cin], t5 = r1[i + 2 * cin];
                const int32_t t6 = r2[i], t7 = r2[i + cin], t8 = r2[i + 2 * cin];
                int32_t k;
                for (k = 0; k < depth_multiplier; k++, oc++) {
                    const int8_t *w = weights + 9 * oc;
                    uint32_t acc = (uint32_t)folded_bias[oc];
                    acc += (uint32_t)(t0 * w[0] + t1 * w[1] + t2 * w[2]);
                    acc += (uint32_t)(t3 * w[3] + t4 * w[4] + t5 * w[5]);
                    acc += (uint32_t)(t6 * w[6] + t7 * w[7] + t8 * w[8]);
                    out[oc] = tdsc_requantize((int32_t)acc, multiplier[oc], shift[oc], p->output_zero_point,
                        p->act_min, p->act_max);
                }
            }

            out += cout;
        }
    }

    return TDSC_OK;
}
