/* int8 mean over H and W per channel, keeping the input's scale and zero point or requantized (tdsc_kernels.h). */
#include "tdsc_internal.h"

static int tdsc_gap_args_valid(int32_t height, int32_t width, int32_t channels, int32_t act_min, int32_t act_max)
{
    return height >= 1 && width >= 1 && channels >= 1 && (int64_t)height * width * channels <= INT32_MAX
        && act_min >= -128 && act_max <= 127 && act_min <= act_max;
}

int32_t tdsc_global_average_pool(int32_t height, int32_t width, int32_t channels, int32_t act_min, int32_t act_max,
    const int8_t *input, int8_t *output)
{
    int32_t pixels;
    int32_t c;
    if (!tdsc_gap_args_valid(height, width, channels, act_min, act_max)) {
        return TDSC_ARG_ERROR;
    }

    pixels = height * width;
    for (c = 0; c < channels; c++) {
        const int8_t *in = input + c;
        uint32_t sum = 0;
        int32_t i;
        for (i = 0; i < pixels; i++) {
            sum += (uint32_t)in[(int64_t)i * channels];
        }

        output[c] = (int8_t)tdsc_clamp(tdsc_divide_round_half_away((int32_t)sum, pixels), act_min, act_max);
    }

    return TDSC_OK;
}

int32_t tdsc_global_average_pool_requantized(int32_t height, int32_t width, int32_t channels,
    int32_t input_zero_point, int32_t output_zero_point, int32_t multiplier, int32_t shift, int32_t divisor,
    int32_t act_min, int32_t act_max, const int8_t *input, int8_t *output)
{
    int32_t pixels;
    int32_t offset;
    int32_t half;
    int32_t c;
    if (!tdsc_gap_args_valid(height, width, channels, act_min, act_max) || shift < -31 || shift > 30 || divisor < 1) {
        return TDSC_ARG_ERROR;
    }

    pixels = height * width;
    offset = tdsc_wrap_mul(pixels, input_zero_point);
    half = divisor / 2;
    for (c = 0; c < channels; c++) {
        const int8_t *in = input + c;
        uint32_t sum = 0;
        int32_t r;
        int32_t i;
        for (i = 0; i < pixels; i++) {
            sum += (uint32_t)in[(int64_t)i * channels];
        }

        r = tdsc_mbqm(tdsc_wrap_sub((int32_t)sum, offset), multiplier, shift);
        if (divisor > 1) {
            r = r > 0 ? tdsc_wrap_add(r, half) / divisor : tdsc_wrap_sub(r, half) / divisor;
        }

        output[c] = (int8_t)tdsc_clamp(tdsc_wrap_add(output_zero_point, r), act_min, act_max);
    }

    return TDSC_OK;
}
