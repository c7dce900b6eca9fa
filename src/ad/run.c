/* run.c: one AD call in a chosen arithmetic from an exact point, with the
   results read back exactly (for commands and for comparisons). */
#include "ad-impl.h"
#include <math.h>

void pd_ad_result_init(pd_ad_result_t R, slong n)
{
    slong k;
    R->n = n;
    pd_arith_set(R->arith, PD_ARITH_EXACT, 0);
    R->point = _fmpq_vec_init(n);
    R->grad = _fmpq_vec_init(n);
    fmpq_init(R->value);
    fmpq_init(R->dot);
    mpfr_init2(R->valuef, 53);
    mpfr_init2(R->dotf, 53);
    R->gradf = flint_malloc((n + 1) * sizeof(__mpfr_struct));
    for (k = 0; k < n; k++)
        mpfr_init2(R->gradf + k, 53);
    R->finite = 1;
    R->has_dot = 0;
    R->tied = NULL;
    R->ntied = 0;
}

void pd_ad_result_clear(pd_ad_result_t R)
{
    slong k;
    _fmpq_vec_clear(R->point, R->n);
    _fmpq_vec_clear(R->grad, R->n);
    fmpq_clear(R->value);
    fmpq_clear(R->dot);
    mpfr_clear(R->valuef);
    mpfr_clear(R->dotf);
    for (k = 0; k < R->n; k++)
        mpfr_clear(R->gradf + k);
    flint_free(R->gradf);
    flint_free(R->tied);
}

/* q = the exact value of the finite MPFR number f; returns 0 (and q = 0)
   for inf/nan. */
static int _get_fmpq(fmpq_t q, const mpfr_t f)
{
    mpz_t z;
    mpfr_exp_t e;
    fmpq_zero(q);
    if (!mpfr_number_p(f))
        return 0;
    if (mpfr_zero_p(f))
        return 1;
    mpz_init(z);
    e = mpfr_get_z_2exp(z, f);
    fmpz_set_mpz(fmpq_numref(q), z);
    if (e >= 0)
        fmpq_mul_2exp(q, q, (ulong) e);
    else
        fmpq_div_2exp(q, q, (ulong) (-e));
    mpz_clear(z);
    return 1;
}

static void _set_q(mpfr_t r, const fmpq_t q)
{
    mpq_t m;
    mpq_init(m);
    fmpq_get_mpq(m, q);
    mpfr_set_q(r, m, MPFR_RNDN);
    mpq_clear(m);
}

pd_status_t pd_ad_run(pd_ad_result_t R, pd_tape_t T, const pd_arith_t A,
                      const fmpq *x, const fmpq *dir, pd_error_t err)
{
    slong n = T->ninputs, k;
    pd_status_t status = PD_OK;
    void *xs = NULL, *ds = NULL, *gs = NULL;

    if (R->n != n)
        return pd_error_set(err, PD_EINVAL,
                            "result sized for %ld inputs, program has %ld",
                            (long) R->n, (long) n);
    R->arith->kind = A->kind;
    R->arith->prec = A->prec;
    R->has_dot = (dir != NULL);
    R->finite = 1;

    if (A->kind == PD_ARITH_FLOAT || A->kind == PD_ARITH_DOUBLE) {
        int isf = (A->kind == PD_ARITH_FLOAT);
        size_t sz = isf ? sizeof(float) : sizeof(double);
        xs = flint_malloc((n + 1) * sz);
        ds = flint_malloc((n + 1) * sz);
        gs = flint_malloc((n + 1) * sz);
        for (k = 0; k < n; k++) {
            int ok = isf ? pd_fmpq_get_f_rnd((float *) xs + k, x + k)
                         : pd_fmpq_get_d_rnd((double *) xs + k, x + k);
            if (ok && dir != NULL)
                ok = isf ? pd_fmpq_get_f_rnd((float *) ds + k, dir + k)
                         : pd_fmpq_get_d_rnd((double *) ds + k, dir + k);
            if (!ok) {
                status = pd_error_set(err, PD_EDOM,
                    "coordinate %ld overflows %s", (long) (k + 1),
                    isf ? "float" : "double");
                goto cleanup;
            }
        }
        for (k = 0; k < n; k++) {
            mpfr_set_prec(R->gradf + k, A->prec);
        }
        mpfr_set_prec(R->valuef, A->prec);
        mpfr_set_prec(R->dotf, A->prec);
        if (isf) {
            float val, dot = 0;
            if (dir == NULL)
                PD_TRY(pd_ad_grad_f(&val, (float *) gs, T, (float *) xs, err));
            else
                PD_TRY(pd_ad_jvp_f(&val, &dot, T, (float *) xs, (float *) ds,
                                   err));
            mpfr_set_flt(R->valuef, val, MPFR_RNDN);
            mpfr_set_flt(R->dotf, dot, MPFR_RNDN);
            for (k = 0; k < n; k++) {
                pd_fmpq_set_d_exact(R->point + k, (double) ((float *) xs)[k]);
                mpfr_set_flt(R->gradf + k, dir ? 0.0f : ((float *) gs)[k],
                             MPFR_RNDN);
            }
        } else {
            double val, dot = 0;
            if (dir == NULL)
                PD_TRY(pd_ad_grad_d(&val, (double *) gs, T, (double *) xs, err));
            else
                PD_TRY(pd_ad_jvp_d(&val, &dot, T, (double *) xs,
                                   (double *) ds, err));
            mpfr_set_d(R->valuef, val, MPFR_RNDN);
            mpfr_set_d(R->dotf, dot, MPFR_RNDN);
            for (k = 0; k < n; k++) {
                pd_fmpq_set_d_exact(R->point + k, ((double *) xs)[k]);
                mpfr_set_d(R->gradf + k, dir ? 0.0 : ((double *) gs)[k],
                           MPFR_RNDN);
            }
        }
    } else if (A->kind == PD_ARITH_MPFR) {
        mpfr_ptr xm = flint_malloc((n + 1) * sizeof(__mpfr_struct));
        mpfr_ptr dm = flint_malloc((n + 1) * sizeof(__mpfr_struct));
        for (k = 0; k < n; k++) {
            mpfr_init2(xm + k, A->prec);
            mpfr_init2(dm + k, A->prec);
            _set_q(xm + k, x + k);
            if (dir != NULL)
                _set_q(dm + k, dir + k);
            _get_fmpq(R->point + k, xm + k);
        }
        if (dir == NULL)
            status = pd_ad_grad_mpfr(R->valuef, R->gradf, T, xm, A->prec, err);
        else {
            status = pd_ad_jvp_mpfr(R->valuef, R->dotf, T, xm, dm, A->prec,
                                    err);
            for (k = 0; k < n; k++) {
                mpfr_set_prec(R->gradf + k, A->prec);
                mpfr_set_zero(R->gradf + k, 1);
            }
        }
        for (k = 0; k < n; k++) {
            mpfr_clear(xm + k);
            mpfr_clear(dm + k);
        }
        flint_free(xm);
        flint_free(dm);
        if (status != PD_OK)
            goto cleanup;
        if (dir == NULL) {
            mpfr_set_prec(R->dotf, A->prec);
            mpfr_set_zero(R->dotf, 1);
        }
    } else {
        for (k = 0; k < n; k++)
            fmpq_set(R->point + k, x + k);
        if (dir == NULL) {
            PD_TRY(pd_ad_grad_fmpq(R->value, R->grad, T, x, err));
            fmpq_zero(R->dot);
        } else {
            PD_TRY(pd_ad_jvp_fmpq(R->value, R->dot, T, x, dir, err));
            for (k = 0; k < n; k++)
                fmpq_zero(R->grad + k);
        }
    }

    if (A->kind != PD_ARITH_EXACT) {
        R->finite &= _get_fmpq(R->value, R->valuef);
        R->finite &= _get_fmpq(R->dot, R->dotf);
        for (k = 0; k < n; k++)
            R->finite &= _get_fmpq(R->grad + k, R->gradf + k);
    }
    flint_free(R->tied);
    R->tied = flint_malloc((T->ntied + 1) * sizeof(slong));
    for (k = 0; k < T->ntied; k++)
        R->tied[k] = T->tied[k];
    R->ntied = T->ntied;

cleanup:
    flint_free(xs);
    flint_free(ds);
    flint_free(gs);
    return status;
}
