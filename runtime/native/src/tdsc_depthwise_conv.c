/*
 * Any depthwise int8 convolution: kernel kh×kw, depth multiplier K, stride, dilation, pads (tdsc_kernels.h).
 * Per output row the kh input rows it reads (dilation_h apart) are copied into the caller's band padded with zp_in;
 * a tap (ky, kx) of output pixel ox for input channel ic is then band[ky·row_bytes + ox·sw·Cin + kx·dw·Cin + ic].
 */
#include "tdsc_internal.h"

int32_t tdsc_depthwise_conv_is_supported(const tdsc_conv_params *p)
{
    return p->groups == p->input_c && p->input_c > 0 && p->output_c % p->input_c == 0 && p->pad_top >= 0
        && p->pad_left >= 0 && p->pad_bottom >= 0 && p->pad_right >= 0;
}

int32_t tdsc_depthwise_conv_scratch_size(const tdsc_conv_params *p)
{
    return p->kernel_h * (p->input_w + p->pad_left + p->pad_right) * p->input_c;
}

/* One output row from a band of kh padded rows (tdsc_depthwise_conv_band_row); the caller has checked p. */
static void tdsc_depthwise_band_row_unchecked(const tdsc_conv_params *p, const int8_t *band, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output)
{
    const int32_t cin = p->input_c;
    const int32_t cout = p->output_c;
    const int32_t kh = p->kernel_h;
    const int32_t kw = p->kernel_w;
    const int32_t row_bytes = (p->input_w + p->pad_left + p->pad_right) * cin;
    const int32_t tap_step = p->dilation_w * cin;
    const int32_t pixel_step = p->stride_w * cin;
    const int32_t depth_multiplier = cout / cin;
    int8_t *out = output;
    int32_t ox;
    for (ox = 0; ox < p->output_w; ox++) {
        int32_t oc;
        for (oc = 0; oc < cout; oc++) {
            const int8_t *w = weights + (int64_t)oc * kh * kw;
            const int8_t *window = band + ox * pixel_step + oc / depth_multiplier;
            uint32_t acc = (uint32_t)folded_bias[oc];
            int32_t ky;
            for (ky = 0; ky < kh; ky++) {
                const int8_t *tap = window + ky * row_bytes;
                int32_t kx;
                for (kx = 0; kx < kw; kx++) {
                    acc += (uint32_t)(tap[kx * tap_step] * w[kx]);
                }

                w += kw;
            }

            out[oc] = tdsc_requantize((int32_t)acc, multiplier[oc], shift[oc], p->output_zero_point, p->act_min,
                p->act_max);
        }

        out += cout;
    }
}

int32_t tdsc_depthwise_conv(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output, int8_t *scratch)
{
    const int32_t cin = p->input_c;
    const int32_t cout = p->output_c;
    const int32_t kh = p->kernel_h;
    const int32_t row_bytes = (p->input_w + p->pad_left + p->pad_right) * cin;
    const int32_t in_row_bytes = p->input_w * cin;
    const int32_t left_pad_bytes = p->pad_left * cin;
    const int8_t zp_in = (int8_t)p->input_zero_point;
    int32_t oy;

    if (!tdsc_conv_params_valid(p) || !tdsc_depthwise_conv_is_supported(p) || !tdsc_shifts_valid(shift, cout)) {
        return TDSC_ARG_ERROR;
    }

    tdsc_band_pad_columns(scratch, kh, row_bytes, left_pad_bytes, in_row_bytes, zp_in);
    for (oy = 0; oy < p->output_h; oy++) {
        tdsc_band_load_rows(input, p->input_h, in_row_bytes, oy * p->stride_h - p->pad_top, p->dilation_h, kh,
            scratch, row_bytes, left_pad_bytes, zp_in);
        tdsc_depthwise_band_row_unchecked(p, scratch, weights, folded_bias, multiplier, shift,
            output + (int64_t)oy * p->output_w * cout);
    }

    return TDSC_OK;
}

int32_t tdsc_depthwise_conv_band_row(const tdsc_conv_params *p, const int8_t *band, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output)
{
    if (!tdsc_conv_params_valid(p) || !tdsc_depthwise_conv_is_supported(p) || !tdsc_shifts_valid(shift, p->output_c)) {
        return TDSC_ARG_ERROR;
    }

    tdsc_depthwise_band_row_unchecked(p, band, weights, folded_bias, multiplier, shift, output);
    return TDSC_OK;
}
