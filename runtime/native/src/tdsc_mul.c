/* Element-wise int8 multiply, same shape or one value per channel broadcast, TFLite's int8 MUL (tdsc_kernels.h). */
#include "tdsc_internal.h"

int32_t tdsc_mul(int32_t count, int32_t channels, int32_t zero_point0, int32_t zero_point1, int32_t output_zero_point,
    int32_t multiplier, int32_t shift, int32_t act_min, int32_t act_max, const int8_t *input0, const int8_t *input1,
    int8_t *output)
{
    int32_t k;
    if (count < 0 || channels < 0 || (channels > 0 && count % channels != 0) || shift < -31 || shift > 30
        || act_min < -128 || act_max > 127 || act_min > act_max) {
        return TDSC_ARG_ERROR;
    }

    /* In the managed kernel's order (k ascending, input1 index k or k mod C), so aliasing behaves the same. */
    for (k = 0; k < count; k++) {
        const int32_t j = channels == 0 ? k : k % channels;
        const int32_t product = tdsc_wrap_mul(tdsc_wrap_sub(input0[k], zero_point0),
            tdsc_wrap_sub(input1[j], zero_point1));
        output[k] = tdsc_requantize(product, multiplier, shift, output_zero_point, act_min, act_max);
    }

    return TDSC_OK;
}
