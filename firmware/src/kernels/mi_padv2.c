/* PADV2 (TFLM: kernels/pad.cc, registered as PadV2 with the same kernel;
 * Python twin: kernels/padv2.py).
 *
 * PAD with a third input holding the pad value: a scalar of the input's type,
 * read at invoke time; for int8 it must share the output's scale and zero
 * point. The kernel is PAD's (mi_pad.c), as padv2.py reuses pad.py. */
#include "mi_pad.h"

const mi_registration_t mi_registration_padv2 = {MI_OP_PADV2, (uint32_t)sizeof(mi_pad_op_data_t), "PADV2",
                                                 mi_pad_prepare, mi_pad_invoke};
