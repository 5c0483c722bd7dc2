/*
 * General int8 convolution written as its definition (tdsc_kernels.h): bounds test per tap, unfolded bias,
 * (q − zp_in) per tap. Grouped convolutions with several channels per group and groups 1 with W dilation run here.
 */
#include <stddef.h>
#include "tdsc_internal.h"

int32_t tdsc_conv2d_reference(const tdsc_conv_params *p, const int8_t *input, const int8_t *weights,
    const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output)
{
    int32_t cin_per_group;
    int32_t cout_per_group;
    int32_t oy;

    if (!tdsc_conv_params_valid(p) || p->input_c % p->groups != 0 || p->output_c % p->groups != 0
        || !tdsc_shifts_valid(shift, p->output_c)) {
        return TDSC_ARG_ERROR;
    }

    cin_per_group = p->input_c / p->groups;
    cout_per_group = p->output_c / p->groups;
    for (oy = 0; oy < p->output_h; oy++) {
        int32_t ox;
        for (ox = 0; ox < p->output_w; ox++) {
            int8_t *out = output + ((int64_t)oy * p->output_w + ox) * p->output_c;
            int32_t oc;
            for (oc = 0; oc < p->output_c; oc++) {
                const int32_t group = oc / cout_per_group;
                uint32_t acc = bias == NULL ? 0u : (uint32_t)bias[oc];
                int32_t ky;
                for (ky = 0; ky < p->kernel_h; ky++) {
                    const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                    int32_t kx;
                    if (iy < 0 || iy >= p->input_h) {
                        continue;
                    }

                    for (kx = 0; kx < p->kernel_w; kx++) {
                        const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                        const int8_t *in;
                        const int8_t *w;
                        int32_t i;
                        if (ix < 0 || ix >= p->input_w) {
                            continue;
                        }

                        in = input + ((int64_t)iy * p->input_w + ix) * p->input_c + (int64_t)group * cin_per_group;
                        w = weights + (((int64_t)oc * p->kernel_h + ky) * p->kernel_w + kx) * cin_per_group;
                        for (i = 0; i < cin_per_group; i++) {
                            acc += (uint32_t)((in[i] - p->input_zero_point) * w[i]);
                        }
                    }
                }

                out[oc] = tdsc_requantize((int32_t)acc, multiplier[oc], shift[oc], p->output_zero_point, p->act_min,
                    p->act_max);
            }
        }
    }

    return TDSC_OK;
}
