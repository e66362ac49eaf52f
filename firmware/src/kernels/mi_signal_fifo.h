/* What SignalDelay, SignalFramer and SignalStacker share (C twin of
 * src/microinterp/kernels/signal_fifo.py): `rows` FIFOs of int16 samples held in
 * one kernel state block (mi_alloc_state: zero-filled at allocation and by
 * mi_interpreter_reset), all holding the same count. The block starts with the
 * count relative to the kernel's initial count, so a zero-filled block is the
 * state right after prepare. Internal header. */
#ifndef MI_SIGNAL_FIFO_H
#define MI_SIGNAL_FIFO_H

#include <stdint.h>

/* signal_fifo.py MAX_STATE_BYTES: the most state bytes the options may ask for */
#define MI_SIGNAL_MAX_STATE_BYTES (1u << 26)

typedef struct mi_signal_fifo {
    int32_t *count_rel;  /* samples held minus `initial` (first word of the state block) */
    int16_t *data;       /* rows x capacity, row-major */
    int32_t rows, capacity, initial;
} mi_signal_fifo_t;

/* Bytes of the state block of `rows` FIFOs of `capacity` samples. */
uint64_t mi_signal_fifo_bytes(int64_t rows, int64_t capacity);
/* Lay the FIFOs over a state block of mi_signal_fifo_bytes bytes. */
void mi_signal_fifo_bind(mi_signal_fifo_t *f, void *block, int32_t rows, int32_t capacity, int32_t initial);
int32_t mi_signal_fifo_count(const mi_signal_fifo_t *f);
/* Append n samples to every row; row r's come from values + r * stride. */
void mi_signal_fifo_push(mi_signal_fifo_t *f, const int16_t *values, int32_t n, int32_t stride);
/* Copy the oldest n samples of every row to out + r * stride. */
void mi_signal_fifo_peek(const mi_signal_fifo_t *f, int16_t *out, int32_t n, int32_t stride);
/* Drop the oldest n samples of every row. */
void mi_signal_fifo_drop(mi_signal_fifo_t *f, int32_t n);

#endif /* MI_SIGNAL_FIFO_H */
