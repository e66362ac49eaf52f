/* FIFOs of int16 rows for the Signal kernels (C twin of
 * src/microinterp/kernels/signal_fifo.py, whose docstring explains why a plain
 * FIFO reproduces TFLM's signal/src/circular_buffer.cc for the options the
 * kernels accept). The callers never push past the capacity nor drop more than
 * they hold (their prepare refuses the options that would). */
#include <string.h>

#include "mi_signal_fifo.h"

uint64_t mi_signal_fifo_bytes(int64_t rows, int64_t capacity)
{
    return 4u + 2u * (uint64_t)rows * (uint64_t)capacity;
}

void mi_signal_fifo_bind(mi_signal_fifo_t *f, void *block, int32_t rows, int32_t capacity, int32_t initial)
{
    f->count_rel = (int32_t *)block;
    f->data = (int16_t *)((uint8_t *)block + 4);
    f->rows = rows;
    f->capacity = capacity;
    f->initial = initial;
}

int32_t mi_signal_fifo_count(const mi_signal_fifo_t *f) { return f->initial + *f->count_rel; }

void mi_signal_fifo_push(mi_signal_fifo_t *f, const int16_t *values, int32_t n, int32_t stride)
{
    int32_t r, count = mi_signal_fifo_count(f);
    for (r = 0; r < f->rows; r++)
        memcpy(f->data + (size_t)r * (size_t)f->capacity + count, values + (size_t)r * (size_t)stride,
               (size_t)n * sizeof(int16_t));
    *f->count_rel += n;
}

void mi_signal_fifo_peek(const mi_signal_fifo_t *f, int16_t *out, int32_t n, int32_t stride)
{
    int32_t r;
    for (r = 0; r < f->rows; r++)
        memcpy(out + (size_t)r * (size_t)stride, f->data + (size_t)r * (size_t)f->capacity,
               (size_t)n * sizeof(int16_t));
}

void mi_signal_fifo_drop(mi_signal_fifo_t *f, int32_t n)
{
    int32_t r, rest = mi_signal_fifo_count(f) - n;
    for (r = 0; r < f->rows; r++) {
        int16_t *row = f->data + (size_t)r * (size_t)f->capacity;
        memmove(row, row + n, (size_t)rest * sizeof(int16_t));
    }
    *f->count_rel -= n;
}
