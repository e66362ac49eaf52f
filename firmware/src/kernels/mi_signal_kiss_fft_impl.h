/* KISS FFT's butterflies and recursion (kiss_fft.c kf_bfly2/3/4/5, kf_work) and its
 * complex arithmetic (_kiss_fft_guts.h) for one of TFLM's builds, chosen by KF_BUILD
 * before including this file (no include guard), as TFLM's kiss_fft_wrappers choose
 * FIXED_POINT: 15 (Q15: int16 values, int32 products and sums), 31 (Q31: int32
 * values, int64 products, sums in uint32 so that their wrap-around is defined) or
 * 0 (float32; HALF_OF is a double multiply). It defines, with the suffix q15, q31 or
 * f32: kf_cpx_<sfx>, kf_fixdiv_, kf_cmul_, kf_add_, kf_sub_ and kf_work_<sfx>.
 *
 * Python twin: kernels/signal_kiss_fft.py (FftArith, butterflies: the same stages
 * vectorised). */

#if KF_BUILD == 15
#define KF_T int16_t
#define KF_ACC int32_t
#define KF_SFX q15
#define KF_WRAP(x) mi_signal_wrap16((int32_t)(x))
#define KF_NEG(x) (-(int32_t)(x))
#define KF_ROUND(p) mi_signal_wrap16(((p) + (1 << 14)) >> 15)
#define KF_SMUL(a, b) KF_ROUND((int32_t)(a) * (b))
#define KF_CMUL_R(a, b) KF_ROUND((int32_t)(a).r * (b).r - (int32_t)(a).i * (b).i)
#define KF_CMUL_I(a, b) KF_ROUND((int32_t)(a).r * (b).i + (int32_t)(a).i * (b).r)
#define KF_FIXDIV(x, p) KF_SMUL(x, 32767 / (p))
#define KF_HALF_SUB(a, b) KF_WRAP((int32_t)(a) - ((b) >> 1))
#elif KF_BUILD == 31
#define KF_T int32_t
#define KF_ACC uint32_t
#define KF_SFX q31
#define KF_WRAP(x) mi_kiss_wrap32((uint32_t)(x))
#define KF_NEG(x) (0u - (uint32_t)(x))
#define KF_ROUND(p) mi_kiss_wrap32((uint32_t)(uint64_t)(((p) + (1 << 30)) >> 31))
#define KF_SMUL(a, b) KF_ROUND((int64_t)(a) * (b))
#define KF_CMUL_R(a, b) KF_ROUND((int64_t)(a).r * (b).r - (int64_t)(a).i * (b).i)
#define KF_CMUL_I(a, b) KF_ROUND((int64_t)(a).r * (b).i + (int64_t)(a).i * (b).r)
#define KF_FIXDIV(x, p) KF_SMUL(x, 2147483647 / (p))
#define KF_HALF_SUB(a, b) KF_WRAP((uint32_t)(a) - (uint32_t)((b) >> 1))
#elif KF_BUILD == 0
#define KF_T float
#define KF_ACC float
#define KF_SFX f32
#define KF_WRAP(x) ((float)(x))
#define KF_NEG(x) (-(x))
#define KF_SMUL(a, b) ((a) * (b))
#define KF_CMUL_R(a, b) ((a).r * (b).r - (a).i * (b).i)
#define KF_CMUL_I(a, b) ((a).r * (b).i + (a).i * (b).r)
#define KF_FIXDIV(x, p) ((void)(p), (x))
#define KF_HALF_SUB(a, b) ((float)((double)(a) - (double)(b) * .5))
#else
#error "KF_BUILD must be 15, 31 or 0"
#endif

#define KF_CAT_(a, b) a##_##b
#define KF_CAT(a, b) KF_CAT_(a, b)
#define KF_FN(name) KF_CAT(name, KF_SFX)
#define KF_CPX KF_CAT(kf_cpx, KF_SFX)
#define KF_ADD(a, b) KF_WRAP((KF_ACC)(a) + (KF_ACC)(b))
#define KF_SUB(a, b) KF_WRAP((KF_ACC)(a) - (KF_ACC)(b))

typedef struct {
    KF_T r, i;
} KF_CPX;

static void KF_FN(kf_fixdiv)(KF_CPX *c, int32_t p)
{
    c->r = KF_FIXDIV(c->r, p);
    c->i = KF_FIXDIV(c->i, p);
}

static KF_CPX KF_FN(kf_cmul)(KF_CPX a, KF_CPX b)
{
    KF_CPX m;
    m.r = KF_CMUL_R(a, b);
    m.i = KF_CMUL_I(a, b);
    return m;
}

static KF_CPX KF_FN(kf_add)(KF_CPX a, KF_CPX b)
{
    KF_CPX s;
    s.r = KF_ADD(a.r, b.r);
    s.i = KF_ADD(a.i, b.i);
    return s;
}

static KF_CPX KF_FN(kf_sub)(KF_CPX a, KF_CPX b)
{
    KF_CPX s;
    s.r = KF_SUB(a.r, b.r);
    s.i = KF_SUB(a.i, b.i);
    return s;
}

static void KF_FN(kf_bfly2)(const KF_CPX *tw, KF_CPX *f, uint32_t fstride, int32_t m)
{
    int32_t k;
    for (k = 0; k < m; k++) {
        KF_CPX t;
        KF_FN(kf_fixdiv)(&f[k], 2);
        KF_FN(kf_fixdiv)(&f[k + m], 2);
        t = KF_FN(kf_cmul)(f[k + m], tw[(uint32_t)k * fstride]);
        f[k + m] = KF_FN(kf_sub)(f[k], t);
        f[k] = KF_FN(kf_add)(f[k], t);
    }
}

static void KF_FN(kf_bfly4)(const KF_CPX *tw, KF_CPX *f, uint32_t fstride, int32_t m, int inverse)
{
    int32_t k;
    for (k = 0; k < m; k++) {
        KF_CPX s0, s1, s2, s3, s4, s5;
        KF_FN(kf_fixdiv)(&f[k], 4);
        KF_FN(kf_fixdiv)(&f[k + m], 4);
        KF_FN(kf_fixdiv)(&f[k + 2 * m], 4);
        KF_FN(kf_fixdiv)(&f[k + 3 * m], 4);
        s0 = KF_FN(kf_cmul)(f[k + m], tw[(uint32_t)k * fstride]);
        s1 = KF_FN(kf_cmul)(f[k + 2 * m], tw[2u * (uint32_t)k * fstride]);
        s2 = KF_FN(kf_cmul)(f[k + 3 * m], tw[3u * (uint32_t)k * fstride]);
        s5 = KF_FN(kf_sub)(f[k], s1);
        f[k] = KF_FN(kf_add)(f[k], s1);
        s3 = KF_FN(kf_add)(s0, s2);
        s4 = KF_FN(kf_sub)(s0, s2);
        f[k + 2 * m] = KF_FN(kf_sub)(f[k], s3);
        f[k] = KF_FN(kf_add)(f[k], s3);
        if (inverse) {
            f[k + m].r = KF_SUB(s5.r, s4.i);
            f[k + m].i = KF_ADD(s5.i, s4.r);
            f[k + 3 * m].r = KF_ADD(s5.r, s4.i);
            f[k + 3 * m].i = KF_SUB(s5.i, s4.r);
        } else {
            f[k + m].r = KF_ADD(s5.r, s4.i);
            f[k + m].i = KF_SUB(s5.i, s4.r);
            f[k + 3 * m].r = KF_SUB(s5.r, s4.i);
            f[k + 3 * m].i = KF_ADD(s5.i, s4.r);
        }
    }
}

static void KF_FN(kf_bfly3)(const KF_CPX *tw, KF_CPX *f, uint32_t fstride, int32_t m)
{
    int32_t k;
    const KF_T epi = tw[fstride * (uint32_t)m].i;
    for (k = 0; k < m; k++) {
        KF_CPX s0, s1, s2, s3;
        KF_FN(kf_fixdiv)(&f[k], 3);
        KF_FN(kf_fixdiv)(&f[k + m], 3);
        KF_FN(kf_fixdiv)(&f[k + 2 * m], 3);
        s1 = KF_FN(kf_cmul)(f[k + m], tw[(uint32_t)k * fstride]);
        s2 = KF_FN(kf_cmul)(f[k + 2 * m], tw[2u * (uint32_t)k * fstride]);
        s3 = KF_FN(kf_add)(s1, s2);
        s0 = KF_FN(kf_sub)(s1, s2);
        f[k + m].r = KF_HALF_SUB(f[k].r, s3.r);
        f[k + m].i = KF_HALF_SUB(f[k].i, s3.i);
        s0.r = KF_SMUL(s0.r, epi);
        s0.i = KF_SMUL(s0.i, epi);
        f[k] = KF_FN(kf_add)(f[k], s3);
        f[k + 2 * m].r = KF_ADD(f[k + m].r, s0.i);
        f[k + 2 * m].i = KF_SUB(f[k + m].i, s0.r);
        f[k + m].r = KF_SUB(f[k + m].r, s0.i);
        f[k + m].i = KF_ADD(f[k + m].i, s0.r);
    }
}

static void KF_FN(kf_bfly5)(const KF_CPX *tw, KF_CPX *f, uint32_t fstride, int32_t m)
{
    int32_t u;
    const KF_CPX ya = tw[fstride * (uint32_t)m], yb = tw[2u * fstride * (uint32_t)m];
    KF_CPX *f0 = f, *f1 = f + m, *f2 = f + 2 * m, *f3 = f + 3 * m, *f4 = f + 4 * m;
    for (u = 0; u < m; u++) {
        KF_CPX s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12;
        KF_FN(kf_fixdiv)(&f0[u], 5);
        KF_FN(kf_fixdiv)(&f1[u], 5);
        KF_FN(kf_fixdiv)(&f2[u], 5);
        KF_FN(kf_fixdiv)(&f3[u], 5);
        KF_FN(kf_fixdiv)(&f4[u], 5);
        s0 = f0[u];
        s1 = KF_FN(kf_cmul)(f1[u], tw[(uint32_t)u * fstride]);
        s2 = KF_FN(kf_cmul)(f2[u], tw[2u * (uint32_t)u * fstride]);
        s3 = KF_FN(kf_cmul)(f3[u], tw[3u * (uint32_t)u * fstride]);
        s4 = KF_FN(kf_cmul)(f4[u], tw[4u * (uint32_t)u * fstride]);
        s7 = KF_FN(kf_add)(s1, s4);
        s10 = KF_FN(kf_sub)(s1, s4);
        s8 = KF_FN(kf_add)(s2, s3);
        s9 = KF_FN(kf_sub)(s2, s3);
        f0[u].r = KF_WRAP((KF_ACC)f0[u].r + ((KF_ACC)s7.r + (KF_ACC)s8.r));
        f0[u].i = KF_WRAP((KF_ACC)f0[u].i + ((KF_ACC)s7.i + (KF_ACC)s8.i));
        s5.r = KF_WRAP((KF_ACC)s0.r + (KF_ACC)KF_SMUL(s7.r, ya.r) + (KF_ACC)KF_SMUL(s8.r, yb.r));
        s5.i = KF_WRAP((KF_ACC)s0.i + (KF_ACC)KF_SMUL(s7.i, ya.r) + (KF_ACC)KF_SMUL(s8.i, yb.r));
        s6.r = KF_WRAP((KF_ACC)KF_SMUL(s10.i, ya.i) + (KF_ACC)KF_SMUL(s9.i, yb.i));
        s6.i = KF_WRAP(KF_NEG(KF_SMUL(s10.r, ya.i)) - (KF_ACC)KF_SMUL(s9.r, yb.i));
        f1[u] = KF_FN(kf_sub)(s5, s6);
        f4[u] = KF_FN(kf_add)(s5, s6);
        s11.r = KF_WRAP((KF_ACC)s0.r + (KF_ACC)KF_SMUL(s7.r, yb.r) + (KF_ACC)KF_SMUL(s8.r, ya.r));
        s11.i = KF_WRAP((KF_ACC)s0.i + (KF_ACC)KF_SMUL(s7.i, yb.r) + (KF_ACC)KF_SMUL(s8.i, ya.r));
        s12.r = KF_WRAP(KF_NEG(KF_SMUL(s10.i, yb.i)) + (KF_ACC)KF_SMUL(s9.i, ya.i));
        s12.i = KF_WRAP((KF_ACC)KF_SMUL(s10.r, yb.i) - (KF_ACC)KF_SMUL(s9.r, ya.i));
        f2[u] = KF_FN(kf_add)(s11, s12);
        f3[u] = KF_FN(kf_sub)(s11, s12);
    }
}

/* kf_work: p sub-transforms of length m on decimated input, then one butterfly
 * (prepare admits radices 2..5 only: mi_kiss_factor) */
static void KF_FN(kf_work)(const KF_CPX *tw, KF_CPX *out, const KF_CPX *in, uint32_t fstride,
                           const int32_t *factors, int inverse)
{
    const int32_t p = factors[0], m = factors[1];
    int32_t j;
    if (m == 1) {
        for (j = 0; j < p; j++) out[j] = in[(uint32_t)j * fstride];
    } else {
        for (j = 0; j < p; j++)
            KF_FN(kf_work)(tw, out + j * m, in + (uint32_t)j * fstride, fstride * (uint32_t)p, factors + 2, inverse);
    }
    switch (p) {
    case 2: KF_FN(kf_bfly2)(tw, out, fstride, m); break;
    case 3: KF_FN(kf_bfly3)(tw, out, fstride, m); break;
    case 4: KF_FN(kf_bfly4)(tw, out, fstride, m, inverse); break;
    default: KF_FN(kf_bfly5)(tw, out, fstride, m); break;
    }
}

#undef KF_CAT_
#undef KF_CAT
#undef KF_FN
#undef KF_CPX
#undef KF_ADD
#undef KF_SUB
#undef KF_T
#undef KF_ACC
#undef KF_SFX
#undef KF_WRAP
#undef KF_NEG
#undef KF_ROUND
#undef KF_SMUL
#undef KF_CMUL_R
#undef KF_CMUL_I
#undef KF_FIXDIV
#undef KF_HALF_SUB
#undef KF_BUILD
