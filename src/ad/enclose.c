/* enclose.c: a rigorous enclosure of a float or double backprop (MATH.md
   10): the tape's sweeps, in the same operation order, in interval
   arithmetic on native doubles rounded outward to the format's grid
   (interval.h), every interval holding both the exact value and any
   round-to-nearest evaluation's.

   MPFR is left with two jobs an enclosure cannot do in doubles: rounding
   exact rationals (constants, once per tape and format; points that are
   not short dyadics) to the format, through pd_fmpq_get_*_rnd, and the
   bounds handed back, which the API gives as MPFR numbers. */
#include "ad-impl.h"
#include <fenv.h>
#include "interval.h"

/* The convention's tie values, as rows of the rule tables. */
enum {
    PD_ENC_RELU0 = 0,
    PD_ENC_ABS0,
    PD_ENC_LEAKY0,
    PD_ENC_CLAMP0,
    PD_ENC_HARDTANH0,
    PD_ENC_RELU60,
    PD_ENC_NRULES
};

/* The interval workspace of a tape.  Invariants: v and a hold len
   intervals (values, adjoints), s nsort (the sorted values in the forward
   sweep, then the sort buffers' adjoints); k[j] (j = 0: binary32, 1:
   binary64) is NULL or the nconst constants' intervals in that format and
   rule[j] the convention's tie values', each holding the exact number and
   the float code's rounding of it (kf / kd for constants, (FP) of the
   double rounding for rules, as grad_fp_impl.h uses them).  Those depend
   on the tape alone: computed on first use, then kept; the sweeps never
   write the CONST nodes' entries of v, which hold k[vk]. */
typedef struct {
    slong len, nsort, nconst;
    _pd_iv *v, *a, *s;
    _pd_iv *k[2];
    _pd_iv rule[2][PD_ENC_NRULES];
    int vk;         /* whose constants v holds at the CONST nodes: 0, 1,
                       or -1 before the first call */
} _pd_enc;

static inline double _pd_id(double x)
{
    return x;
}

#define SFX f
#define FP float
#define ADD_DN _pd_add_dn_f
#define ADD_UP _pd_add_up_f
#define MUL_DN _pd_mul_dn_f
#define MUL_UP _pd_mul_up_f
#define DIV_DN _pd_div_dn_f
#define DIV_UP _pd_div_up_f
#define IMUL _pd_iv_mul_f
#define RND_DN _pd_rd_f
#define RND_UP _pd_ru_f
#define NEXT_DN _pd_next_dn_f
#define NEXT_UP _pd_next_up_f
#include "enclose_impl.h"
#undef SFX
#undef FP
#undef ADD_DN
#undef ADD_UP
#undef MUL_DN
#undef MUL_UP
#undef DIV_DN
#undef DIV_UP
#undef IMUL
#undef RND_DN
#undef RND_UP
#undef NEXT_DN
#undef NEXT_UP

#define SFX d
#define FP double
#define ADD_DN _pd_add_dn_d
#define ADD_UP _pd_add_up_d
#define MUL_DN _pd_mul_dn_d
#define MUL_UP _pd_mul_up_d
#define DIV_DN _pd_div_dn_d
#define DIV_UP _pd_div_up_d
#define IMUL _pd_iv_mul_d
#define RND_DN _pd_id
#define RND_UP _pd_id
#define NEXT_DN _pd_next_dn_d
#define NEXT_UP _pd_next_up_d
#include "enclose_impl.h"
#undef SFX
#undef FP
#undef ADD_DN
#undef ADD_UP
#undef MUL_DN
#undef MUL_UP
#undef DIV_DN
#undef DIV_UP
#undef IMUL
#undef RND_DN
#undef RND_UP
#undef NEXT_DN
#undef NEXT_UP

/* [RD(q), RU(q)] on the format's grid (isf: binary32, else binary64): the
   correctly rounded value, one step of the grid the way an exact
   comparison says. */
static void _iv_set_fmpq(_pd_iv *r, const fmpq_t q, int isf)
{
    double d;
    int c;
    fmpq_t t;
    if (isf) {
        float f;
        pd_fmpq_get_f_rnd(&f, q);
        d = f;
    } else {
        pd_fmpq_get_d_rnd(&d, q);
    }
    if (isinf(d)) {
        double m = isf ? FLT_MAX : DBL_MAX;
        r->lo = d > 0 ? m : d;
        r->hi = d > 0 ? d : -m;
        return;
    }
    fmpq_init(t);
    pd_fmpq_set_d_exact(t, d);
    c = fmpq_cmp(q, t);
    fmpq_clear(t);
    r->lo = c >= 0 ? d : isf ? _pd_next_dn_f(d) : _pd_next_dn_d(d);
    r->hi = c <= 0 ? d : isf ? _pd_next_up_f(d) : _pd_next_up_d(d);
}

/* A number the float code uses rounded (fpval) while the exact code uses
   q: both, in one interval. */
static void _iv_set_const(_pd_iv *r, const fmpq_t q, double fpval, int isf)
{
    _iv_set_fmpq(r, q, isf);
    r->lo = _pd_min2(r->lo, fpval);
    r->hi = _pd_max2(r->hi, fpval);
}

/* An input coordinate: a point of the format is the point interval; a
   dyadic with a short numerator is recognised without rational
   arithmetic (it is a value of the format exactly when its numerator has
   at most p bits and its denominator is at most 2^149 / 2^1074). */
static void _iv_set_point(_pd_iv *r, const fmpq_t q, int isf)
{
    const fmpz *num = fmpq_numref(q), *den = fmpq_denref(q);
    if (fmpz_bits(num) <= (isf ? 24 : 53)) {
        flint_bitcnt_t e = fmpz_val2(den);
        if (fmpz_bits(den) == e + 1 && e <= (isf ? 149 : 1074)) {
            r->lo = r->hi = ldexp(fmpz_get_d(num), -(int) e);
            return;
        }
    }
    _iv_set_fmpq(r, q, isf);
}

void _pd_tape_iv_clear(pd_tape_t T)
{
    _pd_enc *W = T->iv;
    if (W == NULL)
        return;
    flint_free(W->v);
    flint_free(W->a);
    flint_free(W->s);
    flint_free(W->k[0]);
    flint_free(W->k[1]);
    flint_free(W);
    T->iv = NULL;
}

/* The tape's workspace (kept between calls). */
static _pd_enc *_enc_get(pd_tape_t T)
{
    _pd_enc *W = T->iv;
    if (W != NULL)
        return W;
    W = flint_calloc(1, sizeof(_pd_enc));
    W->len = T->len;
    W->nsort = T->nsortslots;
    W->nconst = T->nconst;
    W->v = flint_malloc((W->len + 1) * sizeof(_pd_iv));
    W->a = flint_malloc((W->len + 1) * sizeof(_pd_iv));
    W->s = flint_malloc((W->nsort + 1) * sizeof(_pd_iv));
    W->vk = -1;
    T->iv = W;
    return W;
}

/* The constants' intervals in the format (and the rules'), computed on
   first use. */
static const _pd_iv *_enc_consts(pd_tape_t T, _pd_enc *W, int isf)
{
    const pd_conv_struct *C = T->conv;
    const int j = isf ? 0 : 1;
    const fmpq *rq[PD_ENC_NRULES];
    slong c;
    if (W->k[j] != NULL)
        return W->k[j];
    W->k[j] = flint_malloc((W->nconst + 1) * sizeof(_pd_iv));
    for (c = 0; c < W->nconst; c++)
        _iv_set_const(W->k[j] + c, T->kq + c,
                      isf ? (double) T->kf[c] : T->kd[c], isf);
    rq[PD_ENC_RELU0] = C->relu0;
    rq[PD_ENC_ABS0] = C->abs0;
    rq[PD_ENC_LEAKY0] = C->leaky0;
    rq[PD_ENC_CLAMP0] = C->clamp0;
    rq[PD_ENC_HARDTANH0] = C->hardtanh0;
    rq[PD_ENC_RELU60] = C->relu60;
    for (c = 0; c < PD_ENC_NRULES; c++) {
        double d;
        pd_fmpq_get_d_rnd(&d, rq[c]);
        _iv_set_const(W->rule[j] + c, rq[c], isf ? (double) (float) d : d, isf);
    }
    return W->k[j];
}

pd_status_t pd_ad_grad_enclose(mpfr_ptr lo, mpfr_ptr hi, pd_tape_t T,
                               pd_arith_kind_t fmt, const fmpq *x,
                               pd_error_t err)
{
    const pd_prog_struct *P = T->prog;
    mpfr_exp_t omin, omax;
    mpfr_prec_t prec;
    const _pd_iv *K;
    _pd_enc *W;
    fenv_t env;
    slong k;
    int isf;

    if (fmt != PD_ARITH_FLOAT && fmt != PD_ARITH_DOUBLE)
        return pd_error_set(err, PD_EINVAL,
                            "enclosures are for float and double only");
    isf = (fmt == PD_ARITH_FLOAT);
    prec = isf ? 24 : 53;

    /* interval.h assumes round to nearest without flush to zero: install
       the default environment, and give the caller's back (flags too) */
    fegetenv(&env);
    fesetenv(FE_DFL_ENV);

    W = _enc_get(T);
    K = _enc_consts(T, W, isf);
    if (W->vk != !isf) {
        for (k = 0; k < T->nconstnodes; k++)
            W->v[T->constnode[k]] = K[k];
        W->vk = !isf;
    }
    for (k = 0; k < T->ninputs; k++)
        _iv_set_point(W->v + P->input_nodes[k], x + k, isf);
    if (isf) {
        _enc_forward_f(T, W, K);
        _enc_backward_f(T, W, K, W->rule[0]);
    } else {
        _enc_forward_d(T, W, K);
        _enc_backward_d(T, W, K, W->rule[1]);
    }
    fesetenv(&env);

    /* the bounds are values of the format: exact at its precision */
    omin = mpfr_get_emin();
    omax = mpfr_get_emax();
    mpfr_set_emin(isf ? -148 : -1073);
    mpfr_set_emax(isf ? 128 : 1024);
    for (k = 0; k < T->ninputs; k++) {
        slong n = P->input_nodes[k];
        double l = 0, h = 0;
        if (T->live[n]) {
            l = W->a[n].lo;
            h = W->a[n].hi;
        }
        mpfr_set_prec(lo + k, prec);
        mpfr_set_prec(hi + k, prec);
        mpfr_set_d(lo + k, l == 0 ? 0.0 : l, MPFR_RNDN);
        mpfr_set_d(hi + k, h == 0 ? 0.0 : h, MPFR_RNDN);
    }
    mpfr_set_emin(omin);
    mpfr_set_emax(omax);
    return PD_OK;
}
