/* SignalRfft, int16 (TFLM: signal/micro/kernels/rfft.cc, signal/src/rfft_int16.cc
 * running KISS FFT v130 in 16-bit fixed point; Python twin: kernels/signal_rfft.py,
 * which explains the arithmetic and the refusals).
 *
 * KISS FFT's recursion (kf_work) and butterflies written out for int16, with
 * the same roundings (sround) and int16 wrap-arounds; the Python twin runs the
 * same stages vectorised. Twiddles are computed once in prepare, their angles by
 * mi_signal_kiss_fft.c (shared with SignalIrfft). */
#include <math.h> /* floor */

#include "mi_signal_common.h"
#include "mi_signal_kiss_fft.h"

#define INPUT 0
#define OUTPUT 0
#define INT16_T 7           /* TensorType_INT16 (the "T" option) */
#define MAX_FFT_LENGTH MI_KISS_MAX_FFT_LENGTH
#define MAX_FACTORS MI_KISS_MAX_FACTORS

typedef struct {
    int16_t r, i;
} cpx_t;

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

static int16_t sround(int32_t x) { return mi_signal_wrap16((x + (1 << 14)) >> 15); }

static cpx_t cmul(cpx_t a, cpx_t b)
{
    cpx_t m;
    m.r = sround((int32_t)a.r * b.r - (int32_t)a.i * b.i);
    m.i = sround((int32_t)a.r * b.i + (int32_t)a.i * b.r);
    return m;
}

static void fixdiv(cpx_t *c, int32_t p)
{
    c->r = sround((int32_t)c->r * (32767 / p));
    c->i = sround((int32_t)c->i * (32767 / p));
}

static cpx_t add(cpx_t a, cpx_t b)
{
    cpx_t s;
    s.r = mi_signal_wrap16((int32_t)a.r + b.r);
    s.i = mi_signal_wrap16((int32_t)a.i + b.i);
    return s;
}

static cpx_t sub(cpx_t a, cpx_t b)
{
    cpx_t s;
    s.r = mi_signal_wrap16((int32_t)a.r - b.r);
    s.i = mi_signal_wrap16((int32_t)a.i - b.i);
    return s;
}

static void bfly2(const op_data_t *d, cpx_t *f, uint32_t fstride, int32_t m)
{
    int32_t k;
    for (k = 0; k < m; k++) {
        cpx_t t;
        fixdiv(&f[k], 2);
        fixdiv(&f[k + m], 2);
        t = cmul(f[k + m], d->twiddles[(uint32_t)k * fstride]);
        f[k + m] = sub(f[k], t);
        f[k] = add(f[k], t);
    }
}

static void bfly4(const op_data_t *d, cpx_t *f, uint32_t fstride, int32_t m)
{
    int32_t k;
    for (k = 0; k < m; k++) {
        cpx_t s0, s1, s2, s3, s4, s5;
        fixdiv(&f[k], 4);
        fixdiv(&f[k + m], 4);
        fixdiv(&f[k + 2 * m], 4);
        fixdiv(&f[k + 3 * m], 4);
        s0 = cmul(f[k + m], d->twiddles[(uint32_t)k * fstride]);
        s1 = cmul(f[k + 2 * m], d->twiddles[2u * (uint32_t)k * fstride]);
        s2 = cmul(f[k + 3 * m], d->twiddles[3u * (uint32_t)k * fstride]);
        s5 = sub(f[k], s1);
        f[k] = add(f[k], s1);
        s3 = add(s0, s2);
        s4 = sub(s0, s2);
        f[k + 2 * m] = sub(f[k], s3);
        f[k] = add(f[k], s3);
        f[k + m].r = mi_signal_wrap16((int32_t)s5.r + s4.i);
        f[k + m].i = mi_signal_wrap16((int32_t)s5.i - s4.r);
        f[k + 3 * m].r = mi_signal_wrap16((int32_t)s5.r - s4.i);
        f[k + 3 * m].i = mi_signal_wrap16((int32_t)s5.i + s4.r);
    }
}

static void bfly3(const op_data_t *d, cpx_t *f, uint32_t fstride, int32_t m)
{
    int32_t k;
    const int16_t epi = d->twiddles[fstride * (uint32_t)m].i;
    for (k = 0; k < m; k++) {
        cpx_t s0, s1, s2, s3;
        fixdiv(&f[k], 3);
        fixdiv(&f[k + m], 3);
        fixdiv(&f[k + 2 * m], 3);
        s1 = cmul(f[k + m], d->twiddles[(uint32_t)k * fstride]);
        s2 = cmul(f[k + 2 * m], d->twiddles[2u * (uint32_t)k * fstride]);
        s3 = add(s1, s2);
        s0 = sub(s1, s2);
        f[k + m].r = mi_signal_wrap16((int32_t)f[k].r - (s3.r >> 1));
        f[k + m].i = mi_signal_wrap16((int32_t)f[k].i - (s3.i >> 1));
        s0.r = sround((int32_t)s0.r * epi);
        s0.i = sround((int32_t)s0.i * epi);
        f[k] = add(f[k], s3);
        f[k + 2 * m].r = mi_signal_wrap16((int32_t)f[k + m].r + s0.i);
        f[k + 2 * m].i = mi_signal_wrap16((int32_t)f[k + m].i - s0.r);
        f[k + m].r = mi_signal_wrap16((int32_t)f[k + m].r - s0.i);
        f[k + m].i = mi_signal_wrap16((int32_t)f[k + m].i + s0.r);
    }
}

static int32_t smul(int16_t a, int16_t b) { return sround((int32_t)a * b); }

static void bfly5(const op_data_t *d, cpx_t *f, uint32_t fstride, int32_t m)
{
    int32_t u;
    const cpx_t ya = d->twiddles[fstride * (uint32_t)m], yb = d->twiddles[2u * fstride * (uint32_t)m];
    cpx_t *f0 = f, *f1 = f + m, *f2 = f + 2 * m, *f3 = f + 3 * m, *f4 = f + 4 * m;
    for (u = 0; u < m; u++) {
        cpx_t s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12;
        fixdiv(&f0[u], 5);
        fixdiv(&f1[u], 5);
        fixdiv(&f2[u], 5);
        fixdiv(&f3[u], 5);
        fixdiv(&f4[u], 5);
        s0 = f0[u];
        s1 = cmul(f1[u], d->twiddles[(uint32_t)u * fstride]);
        s2 = cmul(f2[u], d->twiddles[2u * (uint32_t)u * fstride]);
        s3 = cmul(f3[u], d->twiddles[3u * (uint32_t)u * fstride]);
        s4 = cmul(f4[u], d->twiddles[4u * (uint32_t)u * fstride]);
        s7 = add(s1, s4);
        s10 = sub(s1, s4);
        s8 = add(s2, s3);
        s9 = sub(s2, s3);
        f0[u].r = mi_signal_wrap16((int32_t)f0[u].r + ((int32_t)s7.r + s8.r));
        f0[u].i = mi_signal_wrap16((int32_t)f0[u].i + ((int32_t)s7.i + s8.i));
        s5.r = mi_signal_wrap16((int32_t)s0.r + smul(s7.r, ya.r) + smul(s8.r, yb.r));
        s5.i = mi_signal_wrap16((int32_t)s0.i + smul(s7.i, ya.r) + smul(s8.i, yb.r));
        s6.r = mi_signal_wrap16(smul(s10.i, ya.i) + smul(s9.i, yb.i));
        s6.i = mi_signal_wrap16(-smul(s10.r, ya.i) - smul(s9.r, yb.i));
        f1[u] = sub(s5, s6);
        f4[u] = add(s5, s6);
        s11.r = mi_signal_wrap16((int32_t)s0.r + smul(s7.r, yb.r) + smul(s8.r, ya.r));
        s11.i = mi_signal_wrap16((int32_t)s0.i + smul(s7.i, yb.r) + smul(s8.i, ya.r));
        s12.r = mi_signal_wrap16(-smul(s10.i, yb.i) + smul(s9.i, ya.i));
        s12.i = mi_signal_wrap16(smul(s10.r, yb.i) - smul(s9.r, ya.i));
        f2[u] = add(s11, s12);
        f3[u] = sub(s11, s12);
    }
}

/* kf_work: p sub-transforms of length m on decimated input, then one butterfly */
static void kf_work(const op_data_t *d, cpx_t *out, const cpx_t *in, uint32_t fstride, const int32_t *factors)
{
    const int32_t p = factors[0], m = factors[1];
    int32_t j;
    if (m == 1) {
        for (j = 0; j < p; j++) out[j] = in[(uint32_t)j * fstride];
    } else {
        for (j = 0; j < p; j++) kf_work(d, out + j * m, in + (uint32_t)j * fstride, fstride * (uint32_t)p, factors + 2);
    }
    switch (p) {
    case 2: bfly2(d, out, fstride, m); break;
    case 3: bfly3(d, out, fstride, m); break;
    case 4: bfly4(d, out, fstride, m); break;
    default: bfly5(d, out, fstride, m); break; /* prepare admits radices 2..5 only */
    }
}

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
    kf_work(d, d->tmp, d->work, 1, d->factors);
    tdc = d->tmp[0];
    fixdiv(&tdc, 2);
    out[0] = mi_signal_wrap16((int32_t)tdc.r + tdc.i);
    out[1] = 0;
    out[2 * n] = mi_signal_wrap16((int32_t)tdc.r - tdc.i);
    out[2 * n + 1] = 0;
    for (k = 1; k <= n / 2; k++) {
        cpx_t fpk = d->tmp[k], fpnk, f1k, f2k, tw;
        fpnk.r = d->tmp[n - k].r;
        fpnk.i = mi_signal_wrap16(-(int32_t)d->tmp[n - k].i);
        fixdiv(&fpk, 2);
        fixdiv(&fpnk, 2);
        f1k = add(fpk, fpnk);
        f2k = sub(fpk, fpnk);
        tw = cmul(f2k, d->super_twiddles[k - 1]);
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
