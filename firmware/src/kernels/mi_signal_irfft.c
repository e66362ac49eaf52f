/* SignalIrfft, int16, int32 and float32 (TFLM: signal/micro/kernels/irfft.cc,
 * signal/src/irfft_int16.cc, irfft_int32.cc, irfft_float.cc running KISS FFT v130's
 * kiss_fftri; Python twin: kernels/signal_irfft.py, which explains the arithmetic and
 * the refusals).
 *
 * The arithmetic and butterflies are mi_signal_kiss_fft_impl.h included for the three
 * builds (Q15, Q31 with wrapping int32 sums, float32 with HALF_OF in double), as TFLM
 * includes kiss_fft.c three times; the twiddle angles come from mi_signal_kiss_fft.c,
 * negated for the inverse transform. Each row: kiss_fftri's split into the work row,
 * then the complex inverse FFT straight into the output row (its n complex values are
 * the 2n samples); float32 divides by fft_length after. */
#include <math.h> /* floor */

#include "mi_signal_common.h"
#include "mi_signal_kiss_fft.h"

#define INPUT 0
#define OUTPUT 0

/* the "T" option: TensorType_INT16, TensorType_INT32, TensorType_FLOAT32 */
enum { T_INT16 = 7, T_INT32 = 2, T_FLOAT32 = 0 };

#define KF_BUILD 15
#include "mi_signal_kiss_fft_impl.h"
#define KF_BUILD 31
#include "mi_signal_kiss_fft_impl.h"
#define KF_BUILD 0
#include "mi_signal_kiss_fft_impl.h"

/* op data layout (kernels/signal_irfft.py MEMORY): 3 pointers, 36 words */
typedef struct {
    void *twiddles;       /* n complex values of the build's type, n = fft_length / 2 */
    void *super_twiddles; /* n / 2 */
    void *work;           /* n: kiss_fftri's tmpbuf */
    int32_t fft_length;
    int32_t type;         /* the T option */
    int32_t rows;
    int32_t nfactors;
    int32_t factors[2 * MI_KISS_MAX_FACTORS]; /* kf_factor: radix, remaining length, ... */
} op_data_t;

/* The inverse transform's twiddles (kiss_fft_alloc, kiss_fftr_alloc with inverse_fft = 1):
 * KISS FFT's phases negated, i.e. -pi * num / den with num negated. */
static void twiddles(const op_data_t *d, int32_t n)
{
    const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
    int32_t i;
    for (i = 0; i < n + n / 2; i++) {
        const int super = i >= n;
        const int32_t k = super ? i - n : i;
        const double phase = super ? -(-pi * ((double)(k + 1) / n + .5)) : -(-2 * pi * k / n);
        const int32_t num = super ? -(2 * (k + 1) + n) : -(2 * k), den = super ? 2 * n : n;
        double c, s;
        mi_kiss_sincos(phase, num, den, &c, &s);
        if (d->type == T_INT16) {
            kf_cpx_q15 *t = (super ? (kf_cpx_q15 *)d->super_twiddles : (kf_cpx_q15 *)d->twiddles) + k;
            t->r = (int16_t)floor(0.5 + 32767 * c);
            t->i = (int16_t)floor(0.5 + 32767 * s);
        } else if (d->type == T_INT32) {
            kf_cpx_q31 *t = (super ? (kf_cpx_q31 *)d->super_twiddles : (kf_cpx_q31 *)d->twiddles) + k;
            t->r = (int32_t)floor(0.5 + 2147483647 * c);
            t->i = (int32_t)floor(0.5 + 2147483647 * s);
        } else {
            kf_cpx_f32 *t = (super ? (kf_cpx_f32 *)d->super_twiddles : (kf_cpx_f32 *)d->twiddles) + k;
            t->r = (float)c;
            t->i = (float)s;
        }
    }
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_flexmap_t map;
    mi_tensor_info_t x, y;
    int32_t n;
    uint8_t type;
    size_t cpx;
    MI_TRY(mi_signal_options(options, &map));
    MI_TRY(mi_signal_int(&map, "fft_length", &d->fft_length));
    MI_TRY(mi_signal_int(&map, "T", &d->type));
    if (d->type == T_INT16) type = MI_TYPE_INT16, cpx = sizeof(kf_cpx_q15);
    else if (d->type == T_INT32) type = MI_TYPE_INT32, cpx = sizeof(kf_cpx_q31);
    else if (d->type == T_FLOAT32 && MI_ENABLE_FLOAT) type = MI_TYPE_FLOAT32, cpx = sizeof(kf_cpx_f32);
    else return MI_ERR_UNSUPPORTED_TYPE;
    if (d->fft_length < 4 || d->fft_length % 2 || d->fft_length > MI_KISS_MAX_FFT_LENGTH)
        return MI_ERR_UNSUPPORTED_SHAPE;
    n = d->fft_length / 2;
    d->nfactors = mi_kiss_factor(n, d->factors);
    if (!d->nfactors) return MI_ERR_UNSUPPORTED_SHAPE;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (x.type != type || y.type != type) return MI_ERR_UNSUPPORTED_TYPE;
    if (x.rank < 1 || x.rank != y.rank) return MI_ERR_UNSUPPORTED_SHAPE;
    if (x.dims[x.rank - 1] != d->fft_length + 2 || y.dims[y.rank - 1] != d->fft_length ||
        x.count / (uint32_t)(d->fft_length + 2) != y.count / (uint32_t)d->fft_length)
        return MI_ERR_BAD_PARAM;
    d->rows = (int32_t)(x.count / (uint32_t)(d->fft_length + 2));
    d->twiddles = mi_alloc_persistent(ctx, cpx * (size_t)n);
    d->super_twiddles = mi_alloc_persistent(ctx, cpx * (size_t)(n / 2));
    d->work = mi_alloc_persistent(ctx, cpx * (size_t)n);
    if (!d->twiddles || !d->super_twiddles || !d->work) return MI_ERR_ARENA_TOO_SMALL;
    twiddles(d, n);
    return MI_OK;
}

/* kiss_fftri's split of one row's n + 1 bins into tmp (the same statements in every build) */
#define IRFFT_SPLIT(CPX, FIXDIV2, WRAP, NEG, CMUL)                                     \
    do {                                                                               \
        int32_t k;                                                                     \
        tmp[0].r = WRAP(x[0].r + x[n].r);                                              \
        tmp[0].i = WRAP(x[0].r - x[n].r);                                              \
        FIXDIV2(tmp[0]);                                                               \
        for (k = 1; k <= n / 2; k++) {                                                 \
            CPX fk = x[k], fnkc, fek, fok, t;                                          \
            fnkc.r = x[n - k].r;                                                       \
            fnkc.i = WRAP(NEG(x[n - k].i));                                            \
            FIXDIV2(fk);                                                               \
            FIXDIV2(fnkc);                                                             \
            fek.r = WRAP(fk.r + fnkc.r);                                               \
            fek.i = WRAP(fk.i + fnkc.i);                                               \
            t.r = WRAP(fk.r - fnkc.r);                                                 \
            t.i = WRAP(fk.i - fnkc.i);                                                 \
            fok = CMUL(t, sup[k - 1]);                                                 \
            tmp[k].r = WRAP(fek.r + fok.r);                                            \
            tmp[k].i = WRAP(fek.i + fok.i);                                            \
            tmp[n - k].r = WRAP(fek.r - fok.r);                                        \
            tmp[n - k].i = WRAP(NEG(WRAP(fek.i - fok.i)));                             \
        }                                                                              \
    } while (0)

#define FIXDIV2_Q15(c) kf_fixdiv_q15(&(c), 2)
#define FIXDIV2_Q31(c) kf_fixdiv_q31(&(c), 2)
#define FIXDIV2_F32(c) ((void)0)
#define WRAP_Q15(v) mi_signal_wrap16((int32_t)(v))
#define NEG_Q15(v) (-(int32_t)(v))
#define WRAP_Q31(v) mi_kiss_wrap32((uint32_t)(v))
#define NEG_Q31(v) (0u - (uint32_t)(v))
#define WRAP_F32(v) ((float)(v))
#define NEG_F32(v) (-(v))

static void row_q15(const op_data_t *d, const kf_cpx_q15 *x, kf_cpx_q15 *out)
{
    const int32_t n = d->fft_length / 2;
    const kf_cpx_q15 *sup = (const kf_cpx_q15 *)d->super_twiddles;
    kf_cpx_q15 *tmp = (kf_cpx_q15 *)d->work;
    IRFFT_SPLIT(kf_cpx_q15, FIXDIV2_Q15, WRAP_Q15, NEG_Q15, kf_cmul_q15);
    kf_work_q15((const kf_cpx_q15 *)d->twiddles, out, tmp, 1, d->factors, 1);
}

/* int32 sums in uint32: x[0].r + x[n].r etc. wrap as TFLM's int32 additions do */
static void row_q31(const op_data_t *d, const kf_cpx_q31 *x, kf_cpx_q31 *out)
{
    const int32_t n = d->fft_length / 2;
    const kf_cpx_q31 *sup = (const kf_cpx_q31 *)d->super_twiddles;
    kf_cpx_q31 *tmp = (kf_cpx_q31 *)d->work;
#define U(v) ((uint32_t)(v))
    int32_t k;
    tmp[0].r = WRAP_Q31(U(x[0].r) + U(x[n].r));
    tmp[0].i = WRAP_Q31(U(x[0].r) - U(x[n].r));
    FIXDIV2_Q31(tmp[0]);
    for (k = 1; k <= n / 2; k++) {
        kf_cpx_q31 fk = x[k], fnkc, fek, fok, t;
        fnkc.r = x[n - k].r;
        fnkc.i = WRAP_Q31(NEG_Q31(x[n - k].i));
        FIXDIV2_Q31(fk);
        FIXDIV2_Q31(fnkc);
        fek = kf_add_q31(fk, fnkc);
        t = kf_sub_q31(fk, fnkc);
        fok = kf_cmul_q31(t, sup[k - 1]);
        tmp[k] = kf_add_q31(fek, fok);
        tmp[n - k] = kf_sub_q31(fek, fok);
        tmp[n - k].i = WRAP_Q31(NEG_Q31(tmp[n - k].i));
    }
#undef U
    kf_work_q31((const kf_cpx_q31 *)d->twiddles, out, tmp, 1, d->factors, 1);
}

static void row_f32(const op_data_t *d, const kf_cpx_f32 *x, float *out)
{
    const int32_t n = d->fft_length / 2;
    const kf_cpx_f32 *sup = (const kf_cpx_f32 *)d->super_twiddles;
    kf_cpx_f32 *tmp = (kf_cpx_f32 *)d->work;
    int32_t i;
    IRFFT_SPLIT(kf_cpx_f32, FIXDIV2_F32, WRAP_F32, NEG_F32, kf_cmul_f32);
    kf_work_f32((const kf_cpx_f32 *)d->twiddles, (kf_cpx_f32 *)(void *)out, tmp, 1, d->factors, 1);
    for (i = 0; i < d->fft_length; i++) out[i] /= (float)d->fft_length; /* IrfftFloatApply */
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t n = (size_t)(d->fft_length / 2);
    int32_t r;
    for (r = 0; r < d->rows; r++) {
        if (d->type == T_INT16)
            row_q15(d, (const kf_cpx_q15 *)(const void *)x + r * (n + 1), (kf_cpx_q15 *)(void *)y + r * n);
        else if (d->type == T_INT32)
            row_q31(d, (const kf_cpx_q31 *)(const void *)x + r * (n + 1), (kf_cpx_q31 *)(void *)y + r * n);
        else
            row_f32(d, (const kf_cpx_f32 *)(const void *)x + r * (n + 1), (float *)(void *)y + r * 2 * n);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_signal_irfft = {MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "SignalIrfft",
                                                        prepare, invoke};
