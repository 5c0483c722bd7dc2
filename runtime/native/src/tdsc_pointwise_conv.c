/*
 * Pointwise (1×1, stride 1, no padding, groups 1) int8 convolution (tdsc_kernels.h): per pixel, every output
 * channel is a dot product of the pixel's Cin contiguous bytes with the channel's Cin contiguous weights.
 */
#include "tdsc_internal.h"

int32_t tdsc_pointwise_conv_is_supported(const tdsc_conv_params *p)
{
    return p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0
        && p->pad_left == 0 && p->pad_bottom == 0 && p->pad_right == 0 && p->groups == 1
        && p->output_h == p->input_h && p->output_w == p->input_w && p->input_c <= 66311;
}

int32_t tdsc_pointwise_conv(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *folded_bias, const int32_t *multiplier, const int32_t *shift, int8_t *output)
{
    const int32_t cin = p->input_c;
    const int32_t cout = p->output_c;
    int32_t pixels;
    int32_t px;

    if (!tdsc_conv_params_valid(p) || !tdsc_pointwise_conv_is_supported(p) || !tdsc_shifts_valid(shift, cout)) {
        return TDSC_ARG_ERROR;
    }

    pixels = p->input_h * p->input_w;
    for (px = 0; px < pixels; px++) {
        const int8_t *in = input + (int64_t)px * cin;
        int8_t *out = output + (int64_t)px * cout;
        const int8_t *w = weights;
        int32_t oc;
        for (oc = 0; oc < cout; oc++) {
            /* |Σ| ≤ Cin·128·127 < 2^31 for Cin ≤ 66311: the int32 partial sum cannot overflow. */
            int32_t sum = 0;
            int32_t i;
            for (i = 0; i < cin; i++) {
                sum += in[i] * w[i];
            }

            out[oc] = tdsc_requantize(tdsc_wrap_add(folded_bias[oc], sum), multiplier[oc], shift[oc],
                p->output_zero_point, p->act_min, p->act_max);
            w += cin;
        }
    }

    return TDSC_OK;
}
