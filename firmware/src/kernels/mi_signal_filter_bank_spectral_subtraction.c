/* SignalFilterBankSpectralSubtraction (TFLM:
 * signal/micro/kernels/filter_bank_spectral_subtraction.cc,
 * signal/src/filter_bank_spectral_subtraction.cc; Python twin:
 * kernels/signal_filter_bank_spectral_subtraction.py).
 *
 * The noise estimate is the op's state: num_channels uint32 from
 * mi_alloc_state, carried across invokes and zeroed by mi_interpreter_reset
 * (TFLM's reset()). */
#include "mi_signal_common.h"

#define INPUT 0
#define OUTPUT 0
#define NOISE_ESTIMATE 1

/* op data layout (kernels/signal_filter_bank_spectral_subtraction.py MEMORY): 2 pointers, 10 words, 1 byte */
typedef struct {
    mi_state_t state;              /* data: the uint32 noise estimate per channel */
    uint32_t smoothing;
    uint32_t one_minus_smoothing;
    uint32_t alternate_smoothing;
    uint32_t alternate_one_minus_smoothing;
    uint32_t min_signal_remaining;
    uint32_t smoothing_bits;
    uint32_t spectral_subtraction_bits;
    int32_t channels;
    uint8_t clamping;
} op_data_t;

static mi_status_t coefficient(const mi_flexmap_t *map, const char *key, uint32_t *out)
{
    int32_t v;
    MI_TRY(mi_signal_int(map, key, &v));
    *out = (uint32_t)v; /* an int32 option in a uint32 field, as TFLM stores it */
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_flexmap_t map;
    mi_tensor_info_t x, y, noise;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(coefficient(&map, "alternate_one_minus_smoothing", &d->alternate_one_minus_smoothing));
    MI_TRY(coefficient(&map, "alternate_smoothing", &d->alternate_smoothing));
    MI_TRY(coefficient(&map, "min_signal_remaining", &d->min_signal_remaining));
    MI_TRY(coefficient(&map, "one_minus_smoothing", &d->one_minus_smoothing));
    MI_TRY(coefficient(&map, "smoothing", &d->smoothing));
    if (mi_flexmap_bool(&map, "clamping", &d->clamping) != MI_OK) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_signal_int(&map, "num_channels", &d->channels));
    MI_TRY(mi_signal_shift(&map, "smoothing_bits", 32, &d->smoothing_bits));
    MI_TRY(mi_signal_shift(&map, "spectral_subtraction_bits", 64, &d->spectral_subtraction_bits));
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 2) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_signal_vector_in(ctx, node, INPUT, MI_TYPE_UINT32, &x));
    MI_TRY(mi_signal_vector_out(ctx, node, OUTPUT, MI_TYPE_UINT32, &y));
    MI_TRY(mi_signal_vector_out(ctx, node, NOISE_ESTIMATE, MI_TYPE_UINT32, &noise));
    if (d->channels <= 0 || x.count != (uint32_t)d->channels || y.count != x.count || noise.count != x.count)
        return MI_ERR_BAD_PARAM;
    if (!mi_alloc_state(ctx, &d->state, 4u * (uint32_t)d->channels)) return MI_ERR_ARENA_TOO_SMALL;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint32_t *x = (const uint32_t *)mi_node_input_data(ctx, node, INPUT);
    uint32_t *y = (uint32_t *)mi_node_output_data(ctx, node, OUTPUT);
    uint32_t *out_noise = (uint32_t *)mi_node_output_data(ctx, node, NOISE_ESTIMATE);
    uint32_t *noise = (uint32_t *)d->state.data;
    int32_t i;
    for (i = 0; i < d->channels; i++) {
        const uint32_t smoothing = (i & 1) ? d->alternate_smoothing : d->smoothing;
        const uint32_t one_minus = (i & 1) ? d->alternate_one_minus_smoothing : d->one_minus_smoothing;
        const uint32_t scaled = x[i] << d->smoothing_bits;
        uint32_t estimate, floor_value, subtracted;
        noise[i] = (uint32_t)(((uint64_t)scaled * smoothing + (uint64_t)noise[i] * one_minus) >>
                              d->spectral_subtraction_bits);
        estimate = noise[i];
        if (estimate > scaled) {
            estimate = scaled;
            if (d->clamping) noise[i] = estimate;
        }
        floor_value = (uint32_t)(((uint64_t)x[i] * d->min_signal_remaining) >> d->spectral_subtraction_bits);
        subtracted = (scaled - estimate) >> d->smoothing_bits;
        y[i] = subtracted > floor_value ? subtracted : floor_value;
        out_noise[i] = noise[i];
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_filter_bank_spectral_subtraction = {
    MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "SignalFilterBankSpectralSubtraction", prepare, invoke};
