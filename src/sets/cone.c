/* cone.c: open cones {A d > 0} and closed cones {A d >= 0} = {0}, decided
   by exact LP with certificates (MATH.md 4, steps 1-2). */
#include "pd-impl.h"
#include "pathdiff/sets.h"
#include "sets/lp.h"

/* r = A v (A m x n, v n entries, r m entries). */
static void _pd_mat_vec(fmpq *r, const fmpq_mat_t A, const fmpq *v)
{
    slong i, j;
    fmpq_t t;
    fmpq_init(t);
    for (i = 0; i < fmpq_mat_nrows(A); i++) {
        fmpq_zero(r + i);
        for (j = 0; j < fmpq_mat_ncols(A); j++) {
            fmpq_mul(t, fmpq_mat_entry(A, i, j), v + j);
            fmpq_add(r + i, r + i, t);
        }
    }
    fmpq_clear(t);
}

/* r = A^T y. */
static void _pd_mat_tvec(fmpq *r, const fmpq_mat_t A, const fmpq *y)
{
    slong i, j;
    fmpq_t t;
    fmpq_init(t);
    for (j = 0; j < fmpq_mat_ncols(A); j++) {
        fmpq_zero(r + j);
        for (i = 0; i < fmpq_mat_nrows(A); i++) {
            fmpq_mul(t, fmpq_mat_entry(A, i, j), y + i);
            fmpq_add(r + j, r + j, t);
        }
    }
    fmpq_clear(t);
}

/* Find y with A^T y = 0, y_i >= lo (lo = 0 with sum y = 1, or lo = 1),
   which the caller knows exists (Gordan / Stiemke); primitive integer. */
static pd_status_t _pd_cone_dual_cert(fmpq *y, const fmpq_mat_t A, int strict,
                                      pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong m = fmpq_mat_nrows(A), n = fmpq_mat_ncols(A), i, j, rows;
    fmpq_mat_t M;
    char *eq;
    _pd_lp_result_t res;
    fmpq *r = _fmpq_vec_init(n);

    rows = m + n + (strict ? 0 : 1);
    fmpq_mat_init(M, rows, m + 1);
    eq = flint_calloc(rows, 1);
    for (i = 0; i < m; i++) {                  /* y_i >= lo */
        fmpq_set_si(fmpq_mat_entry(M, i, 0), strict ? -1 : 0, 1);
        fmpq_one(fmpq_mat_entry(M, i, i + 1));
    }
    for (j = 0; j < n; j++) {                  /* (A^T y)_j = 0 */
        eq[m + j] = 1;
        for (i = 0; i < m; i++)
            fmpq_set(fmpq_mat_entry(M, m + j, i + 1), fmpq_mat_entry(A, i, j));
    }
    if (!strict) {                             /* sum y = 1 */
        eq[m + n] = 1;
        fmpq_set_si(fmpq_mat_entry(M, m + n, 0), -1, 1);
        for (i = 0; i < m; i++)
            fmpq_one(fmpq_mat_entry(M, m + n, i + 1));
    }
    PD_TRY(_pd_lp_min(&res, y, NULL, NULL, M, eq, NULL, err));
    PD_CHECK_INTERNAL(res == _PD_LP_OPTIMAL);
    _pd_vec_make_primitive(y, m);
    /* Check the certificate exactly before handing it out. */
    _pd_mat_tvec(r, A, y);
    PD_CHECK_INTERNAL(_pd_qvec_is_zero(r, n));
    for (i = 0; i < m; i++)
        PD_CHECK_INTERNAL(strict ? fmpq_sgn(y + i) > 0 : fmpq_sgn(y + i) >= 0);
    PD_CHECK_INTERNAL(m > 0 && !_pd_qvec_is_zero(y, m));

cleanup:
    _fmpq_vec_clear(r, n);
    flint_free(eq);
    fmpq_mat_clear(M);
    return status;
}

pd_status_t pd_cone_open(int *nonempty, fmpq *d, fmpq *y, const fmpq_mat_t A,
                         pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong m = fmpq_mat_nrows(A), n = fmpq_mat_ncols(A), i, j;
    fmpq_mat_t M;
    fmpq *sol = NULL, *r = NULL;
    _pd_lp_result_t res;

    if (m == 0) {                              /* all of Q^n */
        *nonempty = 1;
        if (d != NULL)
            _pd_qvec_zero(d, n);
        return PD_OK;
    }
    if (n == 0) {                              /* A d = 0, never > 0 */
        *nonempty = 0;
        if (y != NULL) {
            _pd_qvec_zero(y, m);
            fmpq_one(y);
        }
        return PD_OK;
    }

    /* A d > 0 is feasible iff A d >= 1 is (scale d). */
    fmpq_mat_init(M, m, n + 1);
    sol = _fmpq_vec_init(n);
    r = _fmpq_vec_init(m);
    for (i = 0; i < m; i++) {
        fmpq_set_si(fmpq_mat_entry(M, i, 0), -1, 1);
        for (j = 0; j < n; j++)
            fmpq_set(fmpq_mat_entry(M, i, j + 1), fmpq_mat_entry(A, i, j));
    }
    PD_TRY(_pd_lp_min(&res, sol, NULL, NULL, M, NULL, NULL, err));
    PD_CHECK_INTERNAL(res != _PD_LP_UNBOUNDED);
    if (res == _PD_LP_OPTIMAL) {
        *nonempty = 1;
        _pd_vec_make_primitive(sol, n);
        _pd_mat_vec(r, A, sol);
        for (i = 0; i < m; i++)
            PD_CHECK_INTERNAL(fmpq_sgn(r + i) > 0);
        if (d != NULL)
            _pd_qvec_set(d, sol, n);
    } else {
        *nonempty = 0;
        if (y != NULL)
            PD_TRY(_pd_cone_dual_cert(y, A, 0, err));
    }

cleanup:
    if (sol != NULL)
        _fmpq_vec_clear(sol, n);
    if (r != NULL)
        _fmpq_vec_clear(r, m);
    fmpq_mat_clear(M);
    return status;
}

pd_status_t pd_cone_closed_is_zero(int *is_zero, fmpq *d, fmpq *y,
                                   const fmpq_mat_t A, pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong m = fmpq_mat_nrows(A), n = fmpq_mat_ncols(A), i, j, rank;
    fmpq_mat_t R, M;
    fmpz_mat_t Z, N;
    fmpq *sol = NULL, *r = NULL;
    char *eq = NULL;
    _pd_lp_result_t res;

    if (n == 0) {
        *is_zero = 1;
        if (y != NULL)
            for (i = 0; i < m; i++)
                fmpq_one(y + i);
        return PD_OK;
    }

    fmpq_mat_init(R, m, n);
    fmpq_mat_init(M, m + 1, n + 1);
    fmpz_mat_init(Z, m, n);
    fmpz_mat_init(N, n, n);
    sol = _fmpq_vec_init(n);
    r = _fmpq_vec_init(m);

    /* A kernel vector d gives A d = 0 >= 0. */
    fmpq_mat_set(R, A);
    rank = (m == 0) ? 0 : fmpq_mat_rref(R, R);
    if (rank < n) {
        slong nullity;
        if (m == 0) {
            _pd_qvec_zero(sol, n);
            fmpq_one(sol);
        } else {
            fmpq_mat_get_fmpz_mat_rowwise(Z, NULL, A);
            nullity = fmpz_mat_nullspace(N, Z);
            PD_CHECK_INTERNAL(nullity == n - rank && nullity > 0);
            for (j = 0; j < n; j++)
                fmpq_set_fmpz(sol + j, fmpz_mat_entry(N, j, 0));
        }
        _pd_vec_make_primitive(sol, n);
        _pd_mat_vec(r, A, sol);
        PD_CHECK_INTERNAL(_pd_qvec_is_zero(r, m) && !_pd_qvec_is_zero(sol, n));
        *is_zero = 0;
        if (d != NULL)
            _pd_qvec_set(d, sol, n);
        goto cleanup;
    }

    /* Full column rank: any non-zero d in the cone has A d >= 0, A d != 0,
       so it can be scaled to sum(A d) = 1. */
    eq = flint_calloc(m + 1, 1);
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++) {
            fmpq_set(fmpq_mat_entry(M, i, j + 1), fmpq_mat_entry(A, i, j));
            fmpq_add(fmpq_mat_entry(M, m, j + 1), fmpq_mat_entry(M, m, j + 1),
                     fmpq_mat_entry(A, i, j));
        }
    fmpq_set_si(fmpq_mat_entry(M, m, 0), -1, 1);
    eq[m] = 1;
    PD_TRY(_pd_lp_min(&res, sol, NULL, NULL, M, eq, NULL, err));
    PD_CHECK_INTERNAL(res != _PD_LP_UNBOUNDED);
    if (res == _PD_LP_OPTIMAL) {
        *is_zero = 0;
        _pd_vec_make_primitive(sol, n);
        _pd_mat_vec(r, A, sol);
        for (i = 0; i < m; i++)
            PD_CHECK_INTERNAL(fmpq_sgn(r + i) >= 0);
        PD_CHECK_INTERNAL(!_pd_qvec_is_zero(sol, n));
        if (d != NULL)
            _pd_qvec_set(d, sol, n);
    } else {
        *is_zero = 1;
        if (y != NULL)
            PD_TRY(_pd_cone_dual_cert(y, A, 1, err));
    }

cleanup:
    flint_free(eq);
    _fmpq_vec_clear(sol, n);
    _fmpq_vec_clear(r, m);
    fmpz_mat_clear(N);
    fmpz_mat_clear(Z);
    fmpq_mat_clear(M);
    fmpq_mat_clear(R);
    return status;
}
