/* int8 average pool; the output keeps the input's scale and zero point (tdsc_kernels.h). */
#include "tdsc_internal.h"

int32_t tdsc_average_pool(const tdsc_conv_params *p, int32_t count_include_pad, const int8_t *input, int8_t *output)
{
    const int32_t channels = p->input_c;
    int32_t oy;
    if (!tdsc_conv_params_valid(p) || p->output_c != p->input_c || p->dilation_h != 1 || p->dilation_w != 1) {
        return TDSC_ARG_ERROR;
    }

    for (oy = 0; oy < p->output_h; oy++) {
        int32_t ox;
        for (ox = 0; ox < p->output_w; ox++) {
            int8_t *out = output + ((int64_t)oy * p->output_w + ox) * channels;
            int32_t c;
            for (c = 0; c < channels; c++) {
                /* |sum| ≤ kh·kw·128; uint32 so that any window wraps exactly as the managed int sum. */
                uint32_t sum = 0;
                int32_t count = 0;
                int32_t ky;
                int32_t v;
                for (ky = 0; ky < p->kernel_h; ky++) {
                    const int32_t iy = oy * p->stride_h - p->pad_top + ky;
                    int32_t kx;
                    for (kx = 0; kx < p->kernel_w; kx++) {
                        const int32_t ix = ox * p->stride_w - p->pad_left + kx;
                        if (iy >= 0 && iy < p->input_h && ix >= 0 && ix < p->input_w) {
                            sum += (uint32_t)input[((int64_t)iy * p->input_w + ix) * channels + c];
                            count++;
                        } else if (count_include_pad) {
                            sum += (uint32_t)p->input_zero_point;
                            count++;
                        }
                    }
                }

                v = count == 0 ? p->input_zero_point : tdsc_divide_round_half_away((int32_t)sum, count);
                out[c] = (int8_t)tdsc_clamp(v, p->act_min, p->act_max);
            }
        }
    }

    return TDSC_OK;
}
