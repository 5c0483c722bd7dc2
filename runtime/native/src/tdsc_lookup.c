/* Element-wise int8 → int8 table lookup, the unary activations (tdsc_kernels.h). */
#include "tdsc_internal.h"

int32_t tdsc_lookup(const int8_t *table, const int8_t *input, int8_t *output, int32_t count)
{
    int32_t k;
    if (count < 0) {
        return TDSC_ARG_ERROR;
    }

    /* Ascending order, each element read before it is written: output may alias input as on the managed side. */
    for (k = 0; k < count; k++) {
        output[k] = table[input[k] + 128];
    }

    return TDSC_OK;
}
