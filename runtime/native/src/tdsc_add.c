/* Element-wise int8 add with both inputs rescaled to a common scale, TFLite's add (tdsc_kernels.h). */
#include "tdsc_internal.h"

int32_t tdsc_add(const tdsc_add_params *p, const int8_t *input0, const int8_t *input1, int8_t *output, int32_t count)
{
    int32_t k;
    if (count < 0 || p->left_shift < 0 || p->left_shift > 30 || p->input0_shift < -31 || p->input0_shift > 30
        || p->input1_shift < -31 || p->input1_shift > 30 || p->output_shift < -31 || p->output_shift > 30
        || p->act_min < -128 || p->act_max > 127 || p->act_min > p->act_max) {
        return TDSC_ARG_ERROR;
    }

    for (k = 0; k < count; k++) {
        /* Zero points are whatever the caller passes (any int32 on the managed side), so the differences wrap too. */
        const int32_t a = tdsc_wrap_shl(tdsc_wrap_sub(input0[k], p->input0_zero_point), p->left_shift);
        const int32_t b = tdsc_wrap_shl(tdsc_wrap_sub(input1[k], p->input1_zero_point), p->left_shift);
        const int32_t sa = tdsc_mbqm(a, p->input0_multiplier, p->input0_shift);
        const int32_t sb = tdsc_mbqm(b, p->input1_multiplier, p->input1_shift);
        output[k] = tdsc_requantize(tdsc_wrap_add(sa, sb), p->output_multiplier, p->output_shift,
            p->output_zero_point, p->act_min, p->act_max);
    }

    return TDSC_OK;
}
