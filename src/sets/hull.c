/* hull.c: vertices of, and membership in, the convex hull of finitely many
   rational points (separation LP, DEPENDENCIES 3.1(c)). */
#include "pd-impl.h"
#include "pathdiff/sets.h"
#include "sets/lp.h"

/* Primal certificate by LP when the solver's multipliers do not check:
   lambda >= 0, sum lambda = 1, sum lambda_i p_i = x. */
static pd_status_t _pd_hull_weights(int *found, fmpq *lambda,
                                    const pd_ptset_t P, const fmpq *x,
                                    pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong m = P->len, n = P->dim, i, j;
    fmpq_mat_t M;
    char *eq = flint_calloc(m + n + 1, 1);
    _pd_lp_result_t res;

    fmpq_mat_init(M, m + n + 1, m + 1);
    for (i = 0; i < m; i++)
        fmpq_one(fmpq_mat_entry(M, i, i + 1));
    for (j = 0; j < n; j++) {
        eq[m + j] = 1;
        fmpq_neg(fmpq_mat_entry(M, m + j, 0), x + j);
        for (i = 0; i < m; i++)
            fmpq_set(fmpq_mat_entry(M, m + j, i + 1), pd_ptset_entry(P, i) + j);
    }
    eq[m + n] = 1;
    fmpq_set_si(fmpq_mat_entry(M, m + n, 0), -1, 1);
    for (i = 0; i < m; i++)
        fmpq_one(fmpq_mat_entry(M, m + n, i + 1));
    PD_TRY(_pd_lp_min(&res, lambda, NULL, NULL, M, eq, NULL, err));
    *found = (res == _PD_LP_OPTIMAL);
cleanup:
    fmpq_mat_clear(M);
    flint_free(eq);
    return status;
}

/* 1 iff lambda is a convex combination of P's points equal to x. */
static int _pd_hull_weights_check(const fmpq *lambda, const pd_ptset_t P,
                                  const fmpq *x)
{
    slong i, j;
    int ok = 1;
    fmpq_t s, t;
    fmpq_init(s);
    fmpq_init(t);
    for (i = 0; i < P->len && ok; i++) {
        if (fmpq_sgn(lambda + i) < 0)
            ok = 0;
        fmpq_add(s, s, lambda + i);
    }
    if (!fmpq_is_one(s))
        ok = 0;
    for (j = 0; j < P->dim && ok; j++) {
        fmpq_zero(s);
        for (i = 0; i < P->len; i++) {
            fmpq_mul(t, lambda + i, pd_ptset_entry(P, i) + j);
            fmpq_add(s, s, t);
        }
        if (!fmpq_equal(s, x + j))
            ok = 0;
    }
    fmpq_clear(s);
    fmpq_clear(t);
    return ok;
}

pd_status_t pd_hull_contains(int *inside, fmpq *lambda, fmpq *a, fmpq_t a0,
                             const pd_ptset_t P, const fmpq *x,
                             pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong m = P->len, n = P->dim, i, j;
    fmpq_mat_t M;
    fmpq *obj = NULL, *sol = NULL, *dual = NULL;
    fmpq_t opt, t, s;
    _pd_lp_result_t res;

    if (m == 0) {
        *inside = 0;
        if (a != NULL)
            _pd_qvec_zero(a, n);
        if (a0 != NULL)
            fmpq_set_si(a0, -1, 1);
        return PD_OK;
    }

    /* Variables (a0, a): minimise a0 + a.x subject to a0 + a.p_i >= 0 and
       a0 + a.x >= -1.  The optimum is 0 iff x is in the hull, else -1. */
    fmpq_mat_init(M, m + 1, n + 2);
    fmpq_init(opt);
    fmpq_init(t);
    fmpq_init(s);
    obj = _fmpq_vec_init(n + 2);
    sol = _fmpq_vec_init(n + 1);
    dual = _fmpq_vec_init(m + 1);
    for (i = 0; i < m; i++) {
        fmpq_one(fmpq_mat_entry(M, i, 1));
        for (j = 0; j < n; j++)
            fmpq_set(fmpq_mat_entry(M, i, j + 2), pd_ptset_entry(P, i) + j);
    }
    fmpq_one(fmpq_mat_entry(M, m, 0));
    fmpq_one(fmpq_mat_entry(M, m, 1));
    fmpq_one(obj + 1);
    for (j = 0; j < n; j++) {
        fmpq_set(fmpq_mat_entry(M, m, j + 2), x + j);
        fmpq_set(obj + j + 2, x + j);
    }
    PD_TRY(_pd_lp_min(&res, sol, opt, dual, M, NULL, obj, err));
    PD_CHECK_INTERNAL(res == _PD_LP_OPTIMAL);

    if (fmpq_is_zero(opt)) {
        *inside = 1;
        if (lambda != NULL) {
            /* The multipliers of the point rows are convex weights (the
               row of x has multiplier 0 at optimum 0); check them. */
            _pd_qvec_set(lambda, dual, m);
            if (!_pd_hull_weights_check(lambda, P, x)) {
                int found;
                PD_TRY(_pd_hull_weights(&found, lambda, P, x, err));
                PD_CHECK_INTERNAL(found);
                PD_CHECK_INTERNAL(_pd_hull_weights_check(lambda, P, x));
            }
        }
    } else {
        *inside = 0;
        /* Check the hyperplane exactly: a0 + a.p_i >= 0 > a0 + a.x. */
        for (i = 0; i <= m; i++) {
            const fmpq *p = (i < m) ? pd_ptset_entry(P, i) : x;
            fmpq_set(s, sol);
            for (j = 0; j < n; j++) {
                fmpq_mul(t, sol + j + 1, p + j);
                fmpq_add(s, s, t);
            }
            PD_CHECK_INTERNAL(i < m ? fmpq_sgn(s) >= 0 : fmpq_sgn(s) < 0);
        }
        if (a0 != NULL)
            fmpq_set(a0, sol);
        if (a != NULL)
            _pd_qvec_set(a, sol + 1, n);
    }

cleanup:
    if (obj != NULL) {
        _fmpq_vec_clear(obj, n + 2);
        _fmpq_vec_clear(sol, n + 1);
        _fmpq_vec_clear(dual, m + 1);
        fmpq_clear(opt);
        fmpq_clear(t);
        fmpq_clear(s);
        fmpq_mat_clear(M);
    }
    return status;
}

pd_status_t pd_hull_vertices(pd_ptset_t V, const pd_ptset_t P, pd_error_t err)
{
    pd_status_t status = PD_OK;
    pd_ptset_t C, O;
    slong i, k, n = P->dim;
    char *keep = NULL;

    pd_ptset_init(C, n);
    pd_ptset_init(O, n);
    pd_ptset_set(C, P);
    pd_ptset_sort_unique(C);

    if (C->len > 2 && n == 1) {
        /* On a line the hull is [min, max]: the first and the last. */
        pd_ptset_zero(O);
        pd_ptset_append(O, pd_ptset_entry(C, 0));
        pd_ptset_append(O, pd_ptset_entry(C, C->len - 1));
        pd_ptset_set(C, O);
    } else if (C->len > 2) {
        /* Drop points one at a time: p_i is not a vertex iff it lies in the
           hull of the remaining candidates; dropping a non-vertex keeps the
           hull, so later tests run against fewer points. */
        keep = flint_malloc(C->len);
        for (i = 0; i < C->len; i++)
            keep[i] = 1;
        for (i = 0; i < C->len; i++) {
            int inside;
            pd_ptset_zero(O);
            for (k = 0; k < C->len; k++)
                if (k != i && keep[k])
                    pd_ptset_append(O, pd_ptset_entry(C, k));
            PD_TRY(pd_hull_contains(&inside, NULL, NULL, NULL, O,
                                    pd_ptset_entry(C, i), err));
            if (inside)
                keep[i] = 0;
        }
        pd_ptset_zero(O);
        for (k = 0; k < C->len; k++)
            if (keep[k])
                pd_ptset_append(O, pd_ptset_entry(C, k));
        pd_ptset_set(C, O);
    }
    pd_ptset_set(V, C);

cleanup:
    flint_free(keep);
    pd_ptset_clear(O);
    pd_ptset_clear(C);
    return status;
}
