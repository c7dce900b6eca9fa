/* integral.c: the integral form of the chain rule along the curve
   (MATH.md 5), f(gamma(b)) - f(gamma(a)) = sum of the integrals of
   <v, gamma'> over the intervals, with algebraic breakpoints exact. */
#include "curve/integral.h"

/* Degree product above which the exact algebraic sum is not attempted. */
#define INTEGRAL_MAX_DEGREE 64

/* Why the defect form: write q_k = <v, gamma'> and F_k = f o gamma on
   interval k, d_k = q_k - F_k' (the chain-rule defect) and D_k an
   antiderivative of d_k.  Since f o gamma is continuous, the F_k parts
   telescope to f(gamma(b)) - f(gamma(a)), so
     sum_k int_k q_k = lhs + sum_k (D_k(hi_k) - D_k(lo_k))
                     = lhs + D_last(b) - D_first(a)
                       + sum over breakpoints p of (D_left - D_right)(p).
   Each breakpoint contributes one polynomial at one algebraic number,
   reduced modulo its minimal polynomial (zero there is exactly zero). */
pd_status_t _pd_curve_integral(pd_curve_integral_struct *J,
                               const pd_curve_result_t R, const pd_curve_t g,
                               const fmpq_poly_struct *dg, pd_error_t err)
{
    slong K = R->nintervals, k, nterm = 0, degprod = 1, prec;
    fmpq_poly_struct *D = NULL, *h = NULL;
    slong *at = NULL;
    fmpq_poly_t q, m;
    fmpq_t s, u;
    int all_zero = 1;
    pd_status_t status = PD_OK;

    fmpq_poly_init(q);
    fmpq_poly_init(m);
    fmpq_init(s);
    fmpq_init(u);

    fmpq_poly_evaluate_fmpq(J->lhs, R->intervals[K - 1].f, g->b);
    fmpq_poly_evaluate_fmpq(u, R->intervals[0].f, g->a);
    fmpq_sub(J->lhs, J->lhs, u);

    D = flint_malloc(K * sizeof(fmpq_poly_struct));
    for (k = 0; k < K; k++) {
        const pd_curve_interval_struct *I = R->intervals + k;
        fmpq_poly_init(D + k);
        _pd_poly_dot(q, I->conv_grad, dg, R->n);
        fmpq_poly_sub(q, q, I->df);
        if (!fmpq_poly_is_zero(q))
            all_zero = 0;
        fmpq_poly_integral(D + k, q);
    }
    if (all_zero) {
        J->holds = PD_TRUE;
        J->rhs_exact = 1;
        pd_realalg_set_fmpq(J->rhs, J->lhs);
        fmpq_set(J->rhs_lo, J->lhs);
        fmpq_set(J->rhs_hi, J->lhs);
        goto cleanup;
    }

    /* rational part s, algebraic terms h[j] at points at[j] */
    fmpq_poly_evaluate_fmpq(s, D + K - 1, g->b);
    fmpq_poly_evaluate_fmpq(u, D + 0, g->a);
    fmpq_sub(s, s, u);
    h = flint_malloc(FLINT_MAX(K, 1) * sizeof(fmpq_poly_struct));
    at = flint_malloc(FLINT_MAX(K, 1) * sizeof(slong));
    for (k = 1; k < K; k++) {
        const pd_realalg_struct *p = R->points + k;
        fmpq_poly_sub(q, D + k - 1, D + k);
        if (pd_realalg_get_fmpq(u, p)) {
            fmpq_poly_evaluate_fmpq(u, q, u);
            fmpq_add(s, s, u);
            continue;
        }
        fmpq_poly_set_fmpz_poly(m, p->poly);
        fmpq_poly_rem(q, q, m);
        if (fmpq_poly_is_zero(q))
            continue;
        fmpq_poly_init(h + nterm);
        fmpq_poly_set(h + nterm, q);
        at[nterm] = k;
        if (degprod <= INTEGRAL_MAX_DEGREE)
            degprod *= fmpz_poly_degree(p->poly);
        nterm++;
    }

    if (nterm == 0) {
        J->rhs_exact = 1;
        fmpq_add(u, J->lhs, s);
        pd_realalg_set_fmpq(J->rhs, u);
        fmpq_set(J->rhs_lo, u);
        fmpq_set(J->rhs_hi, u);
        J->holds = fmpq_is_zero(s) ? PD_TRUE : PD_FALSE;
        goto cleanup;
    }

    /* An Arb enclosure of the defect sum decides "fails" cheaply. */
    J->holds = PD_UNKNOWN;
    {
        arb_t tot, x, y;
        arb_poly_t hb;
        arf_t l, r;
        arb_init(tot);
        arb_init(x);
        arb_init(y);
        arb_poly_init(hb);
        arf_init(l);
        arf_init(r);
        for (prec = 128; prec <= 2048; prec *= 2) {
            slong j;
            arb_set_fmpq(tot, s, prec);
            for (j = 0; j < nterm; j++) {
                qqbar_get_arb(x, _pd_realalg_qqbar(R->points + at[j]), prec);
                arb_poly_set_fmpq_poly(hb, h + j, prec);
                arb_poly_evaluate(y, hb, x, prec);
                arb_add(tot, tot, y, prec);
            }
            if (!arb_contains_zero(tot)) {
                J->holds = PD_FALSE;
                break;
            }
        }
        arb_set_fmpq(x, J->lhs, prec);
        arb_add(tot, tot, x, prec);
        arb_get_lbound_arf(l, tot, prec);
        arb_get_ubound_arf(r, tot, prec);
        arf_get_fmpq(J->rhs_lo, l);
        arf_get_fmpq(J->rhs_hi, r);
        arf_clear(l);
        arf_clear(r);
        arb_poly_clear(hb);
        arb_clear(tot);
        arb_clear(x);
        arb_clear(y);
    }
    /* The exact sum, when its degree stays small. */
    if (degprod <= INTEGRAL_MAX_DEGREE) {
        qqbar_t tot, y;
        slong j;
        qqbar_init(tot);
        qqbar_init(y);
        qqbar_set_fmpq(tot, s);
        for (j = 0; j < nterm; j++) {
            qqbar_evaluate_fmpq_poly(y, h + j,
                                     _pd_realalg_qqbar(R->points + at[j]));
            qqbar_add(tot, tot, y);
        }
        J->holds = qqbar_is_zero(tot) ? PD_TRUE : PD_FALSE;
        qqbar_add_fmpq(tot, tot, J->lhs);
        _pd_realalg_set_qqbar(J->rhs, tot);
        J->rhs_exact = 1;
        qqbar_clear(tot);
        qqbar_clear(y);
    } else {
        J->rhs_exact = 0;
    }

cleanup:
    if (h != NULL) {
        for (k = 0; k < nterm; k++)
            fmpq_poly_clear(h + k);
        flint_free(h);
    }
    flint_free(at);
    for (k = 0; k < K; k++)
        fmpq_poly_clear(D + k);
    flint_free(D);
    fmpq_poly_clear(q);
    fmpq_poly_clear(m);
    fmpq_clear(s);
    fmpq_clear(u);
    return status;
}
