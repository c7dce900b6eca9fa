/* samples.c: pathdiff's numeric AD along the curve against the exact AD of
   the same convention, with ties that rounding created or destroyed
   (MATH.md 10). */
#include "pathdiff/curve.h"
#include "pd-impl.h"
#include <string.h>

#define SAMPLES_MAX 1000000

const char *pd_curve_sample_cause_name(pd_curve_sample_cause_t c)
{
    switch (c) {
    case PD_CURVE_SAMPLE_EQUAL:
        return "equal";
    case PD_CURVE_SAMPLE_ROUNDING:
        return "rounding";
    case PD_CURVE_SAMPLE_TIE_CREATED:
        return "tie_created";
    case PD_CURVE_SAMPLE_TIE_DESTROYED:
        return "tie_destroyed";
    case PD_CURVE_SAMPLE_TIES_CHANGED:
        return "ties_changed";
    case PD_CURVE_SAMPLE_NONFINITE:
        return "nonfinite";
    default:
        return "?";
    }
}

void pd_curve_samples_init(pd_curve_samples_t S)
{
    S->n = 0;
    S->nsamples = 0;
    pd_arith_set(S->arith, PD_ARITH_DOUBLE, 53);
    S->samples = NULL;
    S->ndiffer = S->nties = 0;
}

static void sample_clear(pd_curve_sample_struct *s, slong n)
{
    slong k;
    fmpq_clear(s->t);
    _fmpq_vec_clear(s->point, FLINT_MAX(n, 1));
    _fmpq_vec_clear(s->exact, FLINT_MAX(n, 1));
    _fmpq_vec_clear(s->ad, FLINT_MAX(n, 1));
    for (k = 0; k < n; k++)
        flint_free(s->ad_str[k]);
    flint_free(s->ad_str);
    flint_free(s->tied_exact);
    flint_free(s->tied_ad);
    fmpq_clear(s->err);
}

void pd_curve_samples_clear(pd_curve_samples_t S)
{
    slong j;
    for (j = 0; j < S->nsamples; j++)
        sample_clear(S->samples + j, S->n);
    flint_free(S->samples);
    S->samples = NULL;
    S->nsamples = 0;
    S->ndiffer = S->nties = 0;
}

/* 1 if the sorted lists a and b are equal; *extra_a / *extra_b say whether
   a has an element b lacks and conversely. */
static int tied_compare(int *extra_a, int *extra_b, const slong *a, slong na,
                        const slong *b, slong nb)
{
    slong i = 0, j = 0;
    *extra_a = *extra_b = 0;
    while (i < na || j < nb) {
        if (j >= nb || (i < na && a[i] < b[j])) {
            *extra_a = 1;
            i++;
        } else if (i >= na || b[j] < a[i]) {
            *extra_b = 1;
            j++;
        } else {
            i++;
            j++;
        }
    }
    return !*extra_a && !*extra_b;
}

pd_status_t pd_curve_samples(pd_curve_samples_t S, const pd_prog_t P,
                             const pd_curve_t g, const pd_conv_t C,
                             const pd_arith_t A, slong N, pd_error_t err)
{
    pd_status_t status;
    pd_tape_t T;
    pd_ad_result_t Rx, Rn;
    pd_arith_t EX;
    fmpq *x = NULL;
    fmpq_t d, step;
    slong n = P->ninputs, j, k;

    pd_curve_samples_clear(S);
    if (N < 1 || N > SAMPLES_MAX)
        return pd_error_set(err, PD_EINVAL,
                            "--samples needs 1 to %ld points, not %ld",
                            (long)SAMPLES_MAX, (long)N);
    if (g->n != n)
        return pd_error_set(err, PD_EINVAL,
                            "curve has %ld coordinates, the program %ld inputs",
                            (long)g->n, (long)n);
    status = pd_tape_init(T, P, C, err);
    if (status != PD_OK)
        return status;
    S->n = n;
    pd_arith_set(S->arith, A->kind, A->prec);
    pd_arith_set(EX, PD_ARITH_EXACT, 0);
    pd_ad_result_init(Rx, n);
    pd_ad_result_init(Rn, n);
    fmpq_init(d);
    fmpq_init(step);
    x = _fmpq_vec_init(FLINT_MAX(n, 1));
    S->samples = flint_malloc(N * sizeof(pd_curve_sample_struct));

    fmpq_sub(step, g->b, g->a);
    if (N > 1) {
        fmpz_set_si(fmpq_numref(d), N - 1);
        fmpq_div_fmpz(step, step, fmpq_numref(d));
    }
    for (j = 0; j < N; j++) {
        pd_curve_sample_struct *s = S->samples + j;
        int created, destroyed;
        fmpq_init(s->t);
        fmpq_init(s->err);
        s->point = _fmpq_vec_init(FLINT_MAX(n, 1));
        s->exact = _fmpq_vec_init(FLINT_MAX(n, 1));
        s->ad = _fmpq_vec_init(FLINT_MAX(n, 1));
        s->ad_str = flint_calloc(FLINT_MAX(n, 1), sizeof(char *));
        s->tied_exact = s->tied_ad = NULL;
        s->ntied_exact = s->ntied_ad = 0;
        S->nsamples = j + 1;
        if (N == 1) {
            fmpq_add(s->t, g->a, g->b);
            fmpq_div_2exp(s->t, s->t, 1);
        } else {
            fmpq_mul_si(s->t, step, j);
            fmpq_add(s->t, s->t, g->a);
        }
        for (k = 0; k < n; k++)
            fmpq_poly_evaluate_fmpq(x + k, g->coord + k, s->t);
        status = pd_ad_run(Rx, T, EX, x, NULL, err);
        if (status == PD_OK)
            status = pd_ad_run(Rn, T, A, x, NULL, err);
        if (status != PD_OK)
            break;
        for (k = 0; k < n; k++) {
            fmpq_set(s->point + k, Rn->point + k);
            fmpq_set(s->exact + k, Rx->grad + k);
            fmpq_set(s->ad + k, Rn->grad + k);
        }
        for (k = 0; k < n; k++)
            s->ad_str[k] = A->kind == PD_ARITH_EXACT
                               ? fmpq_get_str(NULL, 10, Rn->grad + k)
                               : pd_arith_get_str_mpfr(A, Rn->gradf + k);
        s->ntied_exact = Rx->ntied;
        s->tied_exact = flint_malloc(FLINT_MAX(Rx->ntied, 1) * sizeof(slong));
        memcpy(s->tied_exact, Rx->tied, Rx->ntied * sizeof(slong));
        s->ntied_ad = Rn->ntied;
        s->tied_ad = flint_malloc(FLINT_MAX(Rn->ntied, 1) * sizeof(slong));
        memcpy(s->tied_ad, Rn->tied, Rn->ntied * sizeof(slong));
        for (k = 0; k < n; k++) {
            fmpq_sub(d, s->ad + k, s->exact + k);
            fmpq_abs(d, d);
            if (fmpq_cmp(d, s->err) > 0)
                fmpq_set(s->err, d);
        }
        tied_compare(&created, &destroyed, s->tied_ad, s->ntied_ad,
                     s->tied_exact, s->ntied_exact);
        if (!Rn->finite)
            s->cause = PD_CURVE_SAMPLE_NONFINITE;
        else if (created && destroyed)
            s->cause = PD_CURVE_SAMPLE_TIES_CHANGED;
        else if (created)
            s->cause = PD_CURVE_SAMPLE_TIE_CREATED;
        else if (destroyed)
            s->cause = PD_CURVE_SAMPLE_TIE_DESTROYED;
        else if (!fmpq_is_zero(s->err))
            s->cause = PD_CURVE_SAMPLE_ROUNDING;
        else
            s->cause = PD_CURVE_SAMPLE_EQUAL;
        s->differs = !Rn->finite || !fmpq_is_zero(s->err);
        if (s->differs)
            S->ndiffer++;
        if (created || destroyed)
            S->nties++;
    }

    _fmpq_vec_clear(x, FLINT_MAX(n, 1));
    fmpq_clear(d);
    fmpq_clear(step);
    pd_ad_result_clear(Rx);
    pd_ad_result_clear(Rn);
    pd_tape_clear(T);
    if (status != PD_OK)
        pd_curve_samples_clear(S);
    return status;
}
