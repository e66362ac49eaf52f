/* The prepare step and the invoke shared by LOGISTIC (mi_logistic.c) and
 * TANH (mi_tanh.c): C twin of kernels/sigmoid_tanh.py. Internal header. */
#ifndef MI_SIGMOID_TANH_H
#define MI_SIGMOID_TANH_H

#include "mi/mi_kernels.h"

/* integer bits of the fixed-point input both ops feed to gemmlowp (Q4.27) */
#define MI_SIGMOID_TANH_INPUT_INTEGER_BITS 4

enum { MI_SIGMOID_TANH_FLOAT32 = 0, MI_SIGMOID_TANH_INT8 = 1, MI_SIGMOID_TANH_INT16 = 2 };

/* fwplan.py layout: 0 pointers, 5 words, 1 byte */
typedef struct mi_sigmoid_tanh_op_data {
    int32_t input_zero_point, input_range_radius, input_multiplier, input_left_shift;
    int32_t count;
    uint8_t kind; /* MI_SIGMOID_TANH_* */
} mi_sigmoid_tanh_op_data_t;

/* sigmoid_tanh.prepare: validate the types and set up the input rescaling.
 * `check_int8_zero_point` / `int8_output_zero_point`: the zero point TFLM
 * enforces on an int8 output (LOGISTIC: -128; TANH checks none);
 * `pot_shifts`: the power-of-two int16 input shifts that skip the multiplier. */
mi_status_t mi_sigmoid_tanh_prepare(mi_context_t *ctx, mi_node_t *node, int check_int8_zero_point,
                                    int32_t int8_output_zero_point, const int32_t *pot_shifts, uint32_t n_pot_shifts);

/* The three per-type functions of LOGISTIC or TANH: the float32 function, the
 * int16 table-interpolated one (mi_lut_*_int16), and the gemmlowp fixed-point
 * one of the int8 path with the output's fraction bits and zero point. */
typedef struct mi_sigmoid_tanh_functions {
    float (*float32)(float);
    int32_t (*int16)(int32_t x, int32_t input_multiplier, int input_left_shift);
    int32_t (*fixed_point)(int32_t, int);
    int output_fraction_bits;
    int32_t output_zero_point;
} mi_sigmoid_tanh_functions_t;

/* logistic.py / tanh.py invoke: TFLM's flat loop over input 0 into output 0
 * through the function of the prepared type. */
void mi_sigmoid_tanh_invoke(const mi_context_t *ctx, const mi_node_t *node, const mi_sigmoid_tanh_functions_t *f);

#endif /* MI_SIGMOID_TANH_H */
