/* verify.c: the verdict on one AD output, exactly and up to the rounding of
   its format (MATH.md 5 verdict table, MATH.md 10). */
#include "pd-impl.h"
#include "pathdiff/verify.h"

void pd_verify_row_init(pd_verify_row_t R, slong n)
{
    slong k;
    R->n = n;
    R->verdict = R->exact_verdict = PD_VERDICT_UNDECIDED;
    R->rounding = 0;
    R->conv = _fmpq_vec_init(n + 1);
    R->has_enclosure = 0;
    R->lo = flint_malloc((n + 1) * sizeof(__mpfr_struct));
    R->hi = flint_malloc((n + 1) * sizeof(__mpfr_struct));
    for (k = 0; k < n; k++) {
        mpfr_init2(R->lo + k, 53);
        mpfr_init2(R->hi + k, 53);
    }
    R->outside = -1;
    R->tied_exact = NULL;
    R->tied_float = NULL;
    R->ntied_exact = R->ntied_float = 0;
    R->has_float = 0;
    R->sets = 0;
    pd_field_init(R->field);
    pd_judgement_init(R->judgement);
}

void pd_verify_row_clear(pd_verify_row_t R)
{
    slong k;
    _fmpq_vec_clear(R->conv, R->n + 1);
    for (k = 0; k < R->n; k++) {
        mpfr_clear(R->lo + k);
        mpfr_clear(R->hi + k);
    }
    flint_free(R->lo);
    flint_free(R->hi);
    flint_free(R->tied_exact);
    flint_free(R->tied_float);
    pd_field_clear(R->field);
    pd_judgement_clear(R->judgement);
}

static void _copy_tied(slong **dst, slong *n, const pd_tape_t T)
{
    slong k;
    flint_free(*dst);
    *dst = flint_malloc((T->ntied + 1) * sizeof(slong));
    for (k = 0; k < T->ntied; k++)
        (*dst)[k] = T->tied[k];
    *n = T->ntied;
}

/* 1 if every coordinate of x is a value of the format. */
static int _of_format(const fmpq *x, slong n, pd_points_t mode)
{
    slong k;
    fmpq_t r;
    int ok = 1;
    fmpq_init(r);
    for (k = 0; k < n && ok; k++) {
        double d;
        float f;
        if (mode == PD_POINTS_FLOAT32) {
            ok = pd_fmpq_get_f_rnd(&f, x + k);
            d = f;
        } else {
            ok = pd_fmpq_get_d_rnd(&d, x + k);
        }
        if (ok) {
            pd_fmpq_set_d_exact(r, d);
            ok = fmpq_equal(r, x + k);
        }
    }
    fmpq_clear(r);
    return ok;
}

pd_status_t pd_verify_row(pd_verify_row_t R, pd_tape_t T, const fmpq *x,
                          const fmpq *v, pd_points_t mode,
                          const pd_limits_t lim, pd_error_t err)
{
    const pd_prog_struct *P = T->prog;
    slong n = R->n, k;
    pd_status_t status = PD_OK;
    fmpq_t val;
    void *buf = NULL, *gbuf = NULL;

    if (n != T->ninputs)
        return pd_error_set(err, PD_EINVAL,
                            "verdict sized for %ld inputs, the program has %ld",
                            (long) n, (long) T->ninputs);
    if (mode != PD_POINTS_EXACT && !_of_format(x, n, mode))
        return pd_error_set(err, PD_EINVAL, "the point is not a %s point",
                            mode == PD_POINTS_FLOAT32 ? "float32" : "float64");
    fmpq_init(val);
    R->rounding = 0;
    R->has_enclosure = 0;
    R->outside = -1;
    R->sets = 0;
    R->has_float = (mode != PD_POINTS_EXACT);
    R->ntied_float = 0;

    /* the convention's exact output and the exact tied set */
    PD_TRY(pd_ad_grad_fmpq(val, R->conv, T, x, err));
    _copy_tied(&R->tied_exact, &R->ntied_exact, T);

    /* what a float evaluation of the convention sees tied */
    if (R->has_float) {
        int isf = (mode == PD_POINTS_FLOAT32);
        buf = flint_malloc((n + 1) * (isf ? sizeof(float) : sizeof(double)));
        gbuf = flint_malloc((n + 1) * (isf ? sizeof(float) : sizeof(double)));
        for (k = 0; k < n; k++) {
            if (isf)
                pd_fmpq_get_f_rnd((float *) buf + k, x + k);
            else
                pd_fmpq_get_d_rnd((double *) buf + k, x + k);
        }
        if (isf) {
            float fv;
            PD_TRY(pd_ad_grad_f(&fv, (float *) gbuf, T, (float *) buf, err));
        } else {
            double dv;
            PD_TRY(pd_ad_grad_d(&dv, (double *) gbuf, T, (double *) buf, err));
        }
        _copy_tied(&R->tied_float, &R->ntied_float, T);
    }

    /* v read exactly */
    if (R->ntied_exact == 0) {
        /* no exact tie: f is smooth near x, Clarke = field = {conv} */
        int eq = 1;
        for (k = 0; k < n && eq; k++)
            eq = fmpq_equal(v + k, R->conv + k);
        R->exact_verdict = eq ? PD_VERDICT_GRADIENT : PD_VERDICT_INVALID;
    } else {
        R->sets = 1;
        PD_TRY(pd_field_at(R->field, P, x, lim, err));
        PD_TRY(pd_verdict_judge(R->judgement, R->field, v, err));
        R->exact_verdict = R->judgement->verdict;
    }
    R->verdict = R->exact_verdict;

    /* up to rounding: only an output that is not exactly valid needs it */
    if (R->exact_verdict == PD_VERDICT_INVALID && R->has_float) {
        pd_arith_kind_t fmt = mode == PD_POINTS_FLOAT32 ? PD_ARITH_FLOAT
                                                         : PD_ARITH_DOUBLE;
        PD_TRY(pd_ad_grad_enclose(R->lo, R->hi, T, fmt, x, err));
        R->has_enclosure = 1;
        for (k = 0; k < n && R->outside < 0; k++) {
            mpq_t m;
            mpq_init(m);
            fmpq_get_mpq(m, v + k);
            if (mpfr_cmp_q(R->lo + k, m) > 0 || mpfr_cmp_q(R->hi + k, m) < 0)
                R->outside = k;
            mpq_clear(m);
        }
        if (R->outside < 0) {
            /* consistent with rounding of conv: judged by where conv lies */
            R->rounding = 1;
            if (R->sets) {
                PD_TRY(pd_verdict_judge(R->judgement, R->field, R->conv, err));
                R->verdict = R->judgement->verdict;
            } else {
                R->verdict = PD_VERDICT_GRADIENT;
            }
        }
    }

cleanup:
    flint_free(buf);
    flint_free(gbuf);
    fmpq_clear(val);
    return status;
}
