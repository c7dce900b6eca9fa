/* cone.c: open cones {A d > 0} and closed cones {A d >= 0} = {0}, decided
   by exact LP with certificates (MATH.md 4, steps 1-2). */
#include "pd-impl.h"
#include "pathdiff/sets.h"
#include "sets/lp.h"

/* Seidel below this many columns or rows, cddlib above. */
#define PD_SEIDEL_MAX 6

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

    if (n <= PD_SEIDEL_MAX || m <= PD_SEIDEL_MAX) {
        /* Small: Seidel's algorithm on integer rows (each row scaled by a
           positive factor, which keeps the strict inequality). */
        fmpz *Z = _fmpz_vec_init(m * n);
        fmpz *dz = _fmpz_vec_init(n);
        fmpz *yz = _fmpz_vec_init(m);
        fmpz_t den;
        int ok;
        fmpz_init(den);
        for (i = 0; i < m; i++) {
            fmpz_one(den);
            for (j = 0; j < n; j++)
                fmpz_lcm(den, den, fmpq_denref(fmpq_mat_entry(A, i, j)));
            for (j = 0; j < n; j++) {
                fmpz_divexact(Z + i * n + j, den, fmpq_denref(fmpq_mat_entry(A, i, j)));
                fmpz_mul(Z + i * n + j, Z + i * n + j, fmpq_numref(fmpq_mat_entry(A, i, j)));
            }
        }
        ok = _pd_cone_open_seidel(dz, yz, Z, m, n);
        fmpz_clear(den);
        sol = _fmpq_vec_init(n);
        r = _fmpq_vec_init(m);
        for (j = 0; j < n; j++)
            fmpq_set_fmpz(sol + j, dz + j);
        _fmpz_vec_clear(Z, m * n);
        _fmpz_vec_clear(dz, n);
        fmpq_mat_init(M, 0, 0);
        res = ok ? _PD_LP_OPTIMAL : _PD_LP_INFEASIBLE;
        if (!ok && y != NULL) {
            /* Seidel's own Gordan vector (row scalings are positive, so
               it carries over to A once each row's scale is put back) */
            fmpz_t den2;
            fmpz_init(den2);
            for (i = 0; i < m; i++) {
                fmpz_one(den2);
                for (j = 0; j < n; j++)
                    fmpz_lcm(den2, den2, fmpq_denref(fmpq_mat_entry(A, i, j)));
                fmpq_set_fmpz(y + i, yz + i);
                fmpq_mul_fmpz(y + i, y + i, den2);
            }
            fmpz_clear(den2);
            _pd_vec_make_primitive(y, m);
            _fmpz_vec_clear(yz, m);
            /* check the certificate exactly before handing it out */
            {
                int good = !_pd_qvec_is_zero(y, m);
                fmpq *ry = _fmpq_vec_init(n);
                for (i = 0; i < m && good; i++)
                    good = fmpq_sgn(y + i) >= 0;
                _pd_mat_tvec(ry, A, y);
                good = good && _pd_qvec_is_zero(ry, n);
                _fmpq_vec_clear(ry, n);
                PD_CHECK_INTERNAL(good);
            }
            *nonempty = 0;
            goto cleanup;
        }
        _fmpz_vec_clear(yz, m);
    } else {
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
    }
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

int pd_cone_open_fmpz(fmpz *d, const fmpz *A, slong m, slong n)
{
    slong i, j;
    int ne;
    fmpq_mat_t M;
    fmpq *dq;
    if (m == 0) {
        _fmpz_vec_zero(d, n);
        return 1;
    }
    if (n <= PD_SEIDEL_MAX || m <= PD_SEIDEL_MAX)
        return _pd_cone_open_seidel(d, NULL, A, m, n);
    fmpq_mat_init(M, m, n);
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++)
            fmpq_set_fmpz(fmpq_mat_entry(M, i, j), A + i * n + j);
    dq = _fmpq_vec_init(n);
    if (pd_cone_open(&ne, dq, NULL, M, NULL) != PD_OK)
        ne = -1;
    for (j = 0; j < n && ne == 1; j++)
        fmpz_set(d + j, fmpq_numref(dq + j));   /* primitive integer */
    _fmpq_vec_clear(dq, n);
    fmpq_mat_clear(M);
    return ne;
}

int pd_cone_open_fmpz_extend(fmpz *d, const fmpz *A, slong m, slong n,
                             slong m0)
{
    if (m0 <= 0 || !(n <= PD_SEIDEL_MAX || m <= PD_SEIDEL_MAX))
        return pd_cone_open_fmpz(d, A, m, n);
    return _pd_cone_extend_seidel(d, A, m, n, m0);
}
