/* SignalRfft, int16 (TFLM: signal/micro/kernels/rfft.cc, signal/src/rfft_int16.cc
 * running KISS FFT v130 in 16-bit fixed point; Python twin: kernels/signal_rfft.py,
 * which explains the arithmetic and the refusals).
 *
 * KISS FFT's recursion (kf_work) and butterflies in its Q15 build
 * (mi_signal_kiss_fft_impl.h, shared with SignalIrfft), with the same roundings
 * (sround) and int16 wrap-arounds; the Python twin runs the same stages vectorised.
 * Twiddles are computed once in prepare, their angles by mi_signal_kiss_fft.c. */
#include <math.h> /* floor */

#include "mi_signal_common.h"
#include "mi_signal_kiss_fft.h"

#define INPUT 0
#define OUTPUT 0
#define INT16_T 7           /* TensorType_INT16 (the "T" option) */
#define MAX_FFT_LENGTH MI_KISS_MAX_FFT_LENGTH
#define MAX_FACTORS MI_KISS_MAX_FACTORS

#define KF_BUILD 15
#include "mi_signal_kiss_fft_impl.h"

typedef kf_cpx_q15 cpx_t;

/* op data layout (kernels/signal_rfft.py MEMORY): 4 pointers, 36 words */
typedef struct {
    cpx_t *twiddles;       /* n = fft_length / 2 */
    cpx_t *super_twiddles; /* n / 2 */
    cpx_t *tmp;            /* n: the complex FFT's output (kiss_fftr's tmpbuf) */
    cpx_t *work;           /* n: one row read as pairs, zero-padded */
    int32_t fft_length;
    int32_t row;           /* input samples per row */
    int32_t rows;
    int32_t nfactors;
    int32_t factors[2 * MAX_FACTORS]; /* kf_factor: radix, remaining length, ... */
} op_data_t;

/* kf_factor (mi_signal_kiss_fft.c): 0 when a radix is above 5 or there are more than
 * MAX_FACTORS stages (signal_kiss_fft.fft_ok). */
static int32_t factor(int32_t n, int32_t *facbuf) { return mi_kiss_factor(n, facbuf); }

/* kf_cexp(phase) in Q15 with phase = -pi * num / den as the double the caller computed */
static cpx_t twiddle(double phase, int32_t num, int32_t den)
{
    double c, s;
    cpx_t t;
    mi_kiss_sincos(phase, num, den, &c, &s);
    t.r = (int16_t)floor(0.5 + 32767 * c);
    t.i = (int16_t)floor(0.5 + 32767 * s);
    return t;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
    mi_flexmap_t map;
    mi_tensor_info_t x, y;
    int32_t t, n, i, out_row;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(mi_signal_int(&map, "fft_length", &d->fft_length));
    MI_TRY(mi_signal_int(&map, "T", &t));
    if (t != INT16_T) return MI_ERR_UNSUPPORTED_TYPE;
    if (d->fft_length < 4 || d->fft_length % 2 || d->fft_length > MAX_FFT_LENGTH) return MI_ERR_UNSUPPORTED_SHAPE;
    n = d->fft_length / 2;
    d->nfactors = factor(n, d->factors);
    if (!d->nfactors) return MI_ERR_UNSUPPORTED_SHAPE;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.type != MI_TYPE_INT16 || y.type != MI_TYPE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    if (x.rank < 1 || x.rank != y.rank) return MI_ERR_UNSUPPORTED_SHAPE;
    d->row = x.dims[x.rank - 1];
    out_row = y.dims[y.rank - 1];
    if (d->row <= 0 || d->row > d->fft_length || out_row != d->fft_length + 2 ||
        x.count / (uint32_t)d->row != y.count / (uint32_t)out_row)
        return MI_ERR_BAD_PARAM;
    d->rows = (int32_t)(x.count / (uint32_t)d->row);
    d->twiddles = (cpx_t *)mi_alloc_persistent(ctx, sizeof(cpx_t) * (size_t)n);
    d->super_twiddles = (cpx_t *)mi_alloc_persistent(ctx, sizeof(cpx_t) * (size_t)(n / 2));
    d->tmp = (cpx_t *)mi_alloc_persistent(ctx, sizeof(cpx_t) * (size_t)n);
    d->work = (cpx_t *)mi_alloc_persistent(ctx, sizeof(cpx_t) * (size_t)n);
    if (!d->twiddles || !d->super_twiddles || !d->tmp || !d->work) return MI_ERR_ARENA_TOO_SMALL;
    for (i = 0; i < n; i++) d->twiddles[i] = twiddle(-2 * pi * i / n, 2 * i, n); /* kiss_fft_alloc */
    for (i = 0; i < n / 2; i++)                                                 /* kiss_fftr_alloc */
        d->super_twiddles[i] = twiddle(-pi * ((double)(i + 1) / n + .5), 2 * (i + 1) + n, 2 * n);
    return MI_OK;
}

/* kiss_fftr of one zero-padded row into n + 1 interleaved complex bins */
static void rfft_row(const op_data_t *d, const int16_t *x, int16_t *out)
{
    const int32_t n = d->fft_length / 2;
    int32_t j, k;
    cpx_t tdc;
    for (j = 0; j < n; j++) {
        d->work[j].r = 2 * j < d->row ? x[2 * j] : 0;
        d->work[j].i = 2 * j + 1 < d->row ? x[2 * j + 1] : 0;
    }
    kf_work_q15(d->twiddles, d->tmp, d->work, 1, d->factors, 0);
    tdc = d->tmp[0];
    kf_fixdiv_q15(&tdc, 2);
    out[0] = mi_signal_wrap16((int32_t)tdc.r + tdc.i);
    out[1] = 0;
    out[2 * n] = mi_signal_wrap16((int32_t)tdc.r - tdc.i);
    out[2 * n + 1] = 0;
    for (k = 1; k <= n / 2; k++) {
        cpx_t fpk = d->tmp[k], fpnk, f1k, f2k, tw;
        fpnk.r = d->tmp[n - k].r;
        fpnk.i = mi_signal_wrap16(-(int32_t)d->tmp[n - k].i);
        kf_fixdiv_q15(&fpk, 2);
        kf_fixdiv_q15(&fpnk, 2);
        f1k = kf_add_q15(fpk, fpnk);
        f2k = kf_sub_q15(fpk, fpnk);
        tw = kf_cmul_q15(f2k, d->super_twiddles[k - 1]);
        out[2 * k] = mi_signal_wrap16(((int32_t)f1k.r + tw.r) >> 1);
        out[2 * k + 1] = mi_signal_wrap16(((int32_t)f1k.i + tw.i) >> 1);
        out[2 * (n - k)] = mi_signal_wrap16(((int32_t)f1k.r - tw.r) >> 1);
        out[2 * (n - k) + 1] = mi_signal_wrap16(((int32_t)tw.i - f1k.i) >> 1);
    }
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int16_t *x = (const int16_t *)mi_node_input_data(ctx, node, INPUT);
    int16_t *y = (int16_t *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t r;
    for (r = 0; r < d->rows; r++) rfft_row(d, x + r * d->row, y + r * (d->fft_length + 2));
    return MI_OK;
}

const mi_registration_t mi_registration_signal_rfft = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "SignalRfft",
                                                       prepare, invoke};
