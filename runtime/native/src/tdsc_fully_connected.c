/* int8 fully connected layer with per-output-channel requantization (tdsc_kernels.h). */
#include <stddef.h>
#include "tdsc_internal.h"

int32_t tdsc_fully_connected(int32_t input_length, int32_t output_length, int32_t input_zero_point,
    int32_t output_zero_point, int32_t act_min, int32_t act_max, const int8_t *input, const int8_t *weights,
    const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output)
{
    int32_t o;
    if (input_length < 0 || output_length < 0 || input_zero_point < -128 || input_zero_point > 127
        || output_zero_point < -128 || output_zero_point > 127 || act_min < -128 || act_max > 127
        || act_min > act_max || !tdsc_shifts_valid(shift, output_length)) {
        return TDSC_ARG_ERROR;
    }

    for (o = 0; o < output_length; o++) {
        const int8_t *w = weights + (int64_t)o * input_length;
        uint32_t acc = bias == NULL ? 0u : (uint32_t)bias[o];
        int32_t i;
        for (i = 0; i < input_length; i++) {
            acc += (uint32_t)((input[i] - input_zero_point) * w[i]);
        }

        output[o] = tdsc_requantize((int32_t)acc, multiplier[o], shift[o], output_zero_point, act_min, act_max);
    }

    return TDSC_OK;
}
