/* check_sets.c: exact cones, hulls and membership, against hand-derived
   answers, independent certificate checks, a 2-D monotone chain and
   cddlib's own redundancy test. */
#include "testlib.h"
#include "pathdiff/sets.h"
#include <string.h>
#include <flint/fmpq_mat.h>
#ifndef PD_CDD_DIR
#  define PD_CDD_DIR cdd
#endif
#define PD_CDD_STR_(s) #s
#define PD_CDD_STR(s) PD_CDD_STR_(s)
#include PD_CDD_STR(PD_CDD_DIR/setoper.h)
#include PD_CDD_STR(PD_CDD_DIR/cdd.h)

/* ---- helpers ---------------------------------------------------------- */

static void mat_set_rows(fmpq_mat_t A, const slong *v)
{
    slong i, j;
    for (i = 0; i < fmpq_mat_nrows(A); i++)
        for (j = 0; j < fmpq_mat_ncols(A); j++)
            fmpq_set_si(fmpq_mat_entry(A, i, j), v[i * fmpq_mat_ncols(A) + j], 1);
}

/* sign of row i of A times d */
static int row_dot_sgn(const fmpq_mat_t A, slong i, const fmpq *d)
{
    fmpq_t s, t;
    int r;
    slong j;
    fmpq_init(s);
    fmpq_init(t);
    for (j = 0; j < fmpq_mat_ncols(A); j++) {
        fmpq_mul(t, fmpq_mat_entry(A, i, j), d + j);
        fmpq_add(s, s, t);
    }
    r = fmpq_sgn(s);
    fmpq_clear(s);
    fmpq_clear(t);
    return r;
}

/* 1 iff A^T y = 0 */
static int at_y_zero(const fmpq_mat_t A, const fmpq *y)
{
    fmpq_t s, t;
    slong i, j;
    int ok = 1;
    fmpq_init(s);
    fmpq_init(t);
    for (j = 0; j < fmpq_mat_ncols(A); j++) {
        fmpq_zero(s);
        for (i = 0; i < fmpq_mat_nrows(A); i++) {
            fmpq_mul(t, fmpq_mat_entry(A, i, j), y + i);
            fmpq_add(s, s, t);
        }
        if (!fmpq_is_zero(s))
            ok = 0;
    }
    fmpq_clear(s);
    fmpq_clear(t);
    return ok;
}

static int is_integer_vec(const fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpz_is_one(fmpq_denref(v + i)))
            return 0;
    return 1;
}

/* Independent check of an open-cone answer: a witness proves non-empty, a
   Gordan vector proves empty. */
static void check_open_answer(int nonempty, const fmpq *d, const fmpq *y,
                              const fmpq_mat_t A)
{
    slong i, m = fmpq_mat_nrows(A);
    if (nonempty) {
        for (i = 0; i < m; i++)
            ck_assert_int_gt(row_dot_sgn(A, i, d), 0);
        ck_assert(is_integer_vec(d, fmpq_mat_ncols(A)));
    } else {
        int nz = 0;
        for (i = 0; i < m; i++) {
            ck_assert_int_ge(fmpq_sgn(y + i), 0);
            nz |= !fmpq_is_zero(y + i);
        }
        ck_assert(nz);
        ck_assert(at_y_zero(A, y));
        ck_assert(is_integer_vec(y, m));
    }
}

static slong mat_rank(const fmpq_mat_t A)
{
    fmpq_mat_t R;
    slong r;
    if (fmpq_mat_nrows(A) == 0 || fmpq_mat_ncols(A) == 0)
        return 0;
    fmpq_mat_init_set(R, A);
    r = fmpq_mat_rref(R, R);
    fmpq_mat_clear(R);
    return r;
}

static void check_closed_answer(int is_zero, const fmpq *d, const fmpq *y,
                                const fmpq_mat_t A)
{
    slong i, m = fmpq_mat_nrows(A), n = fmpq_mat_ncols(A);
    if (is_zero) {
        for (i = 0; i < m; i++)
            ck_assert_int_gt(fmpq_sgn(y + i), 0);
        ck_assert(at_y_zero(A, y));
        ck_assert_int_eq(mat_rank(A), n);
    } else {
        int nz = 0;
        for (i = 0; i < n; i++)
            nz |= !fmpq_is_zero(d + i);
        ck_assert(nz);
        for (i = 0; i < m; i++)
            ck_assert_int_ge(row_dot_sgn(A, i, d), 0);
    }
}

static void ptset_add_si(pd_ptset_t S, const slong *c)
{
    fmpq *p = _fmpq_vec_init(S->dim);
    slong j;
    for (j = 0; j < S->dim; j++)
        fmpq_set_si(p + j, c[j], 1);
    pd_ptset_append(S, p);
    _fmpq_vec_clear(p, S->dim);
}

static void ptset_from_si(pd_ptset_t S, slong len, const slong *c)
{
    slong i;
    pd_ptset_zero(S);
    for (i = 0; i < len; i++)
        ptset_add_si(S, c + i * S->dim);
}

static void check_contains_answer(int inside, const fmpq *lambda,
                                  const fmpq *a, const fmpq_t a0,
                                  const pd_ptset_t P, const fmpq *x)
{
    slong i, j;
    fmpq_t s, t;
    fmpq_init(s);
    fmpq_init(t);
    if (inside) {
        for (i = 0; i < P->len; i++) {
            ck_assert_int_ge(fmpq_sgn(lambda + i), 0);
            fmpq_add(s, s, lambda + i);
        }
        ck_assert(fmpq_is_one(s));
        for (j = 0; j < P->dim; j++) {
            fmpq_zero(s);
            for (i = 0; i < P->len; i++) {
                fmpq_mul(t, lambda + i, pd_ptset_entry(P, i) + j);
                fmpq_add(s, s, t);
            }
            ck_assert(fmpq_equal(s, x + j));
        }
    } else {
        for (i = 0; i <= P->len; i++) {
            const fmpq *p = i < P->len ? pd_ptset_entry(P, i) : x;
            fmpq_set(s, a0);
            for (j = 0; j < P->dim; j++) {
                fmpq_mul(t, a + j, p + j);
                fmpq_add(s, s, t);
            }
            if (i < P->len)
                ck_assert_int_ge(fmpq_sgn(s), 0);
            else
                ck_assert_int_lt(fmpq_sgn(s), 0);
        }
    }
    fmpq_clear(s);
    fmpq_clear(t);
}

/* The library sets cddlib's global constants on its first LP; a test that
   calls cddlib directly before any such LP makes one first. */
static void cdd_ready(void)
{
    pd_ptset_t P;
    pd_error_t err;
    fmpq x[1];
    int in;
    pd_error_init(err);
    pd_ptset_init(P, 1);
    fmpq_init(x);
    pd_ptset_append(P, x);
    ck_assert_int_eq(pd_hull_contains(&in, NULL, NULL, NULL, P, x, err), PD_OK);
    ck_assert_int_eq(in, 1);
    fmpq_clear(x);
    pd_ptset_clear(P);
}

/* ---- pd_ptset --------------------------------------------------------- */

START_TEST(ptset_sort_unique)
{
    pd_ptset_t S, T;
    pd_error_t err;
    slong c[] = {1, 2, 0, 5, 1, 2, 0, -1, 1, 1, 0, 5};
    slong want[] = {0, -1, 0, 5, 1, 1, 1, 2};
    pd_error_init(err);
    pd_ptset_init(S, 2);
    pd_ptset_init(T, 2);
    ptset_from_si(S, 6, c);
    ck_assert_int_eq(S->len, 6);
    ck_assert_int_eq(pd_ptset_find(S, pd_ptset_entry(S, 2)), 0);
    pd_ptset_sort_unique(S);
    ptset_from_si(T, 4, want);
    ck_assert(pd_ptset_equal(S, T));
    ck_assert_int_eq(pd_ptset_find(S, pd_ptset_entry(T, 2)), 2);
    /* rationals order as numbers, not as strings */
    pd_ptset_zero(S);
    {
        fmpq p[2];
        fmpq_init(p);
        fmpq_init(p + 1);
        fmpq_set_si(p, 1, 3);
        fmpq_set_si(p + 1, 0, 1);
        pd_ptset_append(S, p);
        fmpq_set_si(p, -1, 2);
        pd_ptset_append(S, p);
        fmpq_set_si(p, 1, 4);
        pd_ptset_append(S, p);
        pd_ptset_sort_unique(S);
        fmpq_set_si(p, -1, 2);
        ck_assert(fmpq_equal(pd_ptset_entry(S, 0), p));
        fmpq_set_si(p, 1, 4);
        ck_assert(fmpq_equal(pd_ptset_entry(S, 1), p));
        fmpq_clear(p);
        fmpq_clear(p + 1);
    }
    /* set copies, dimension changes */
    pd_ptset_set(T, S);
    ck_assert(pd_ptset_equal(S, T));
    {
        pd_ptset_t U;
        pd_ptset_init(U, 3);
        pd_ptset_set(U, S);
        ck_assert_int_eq(U->dim, 2);
        ck_assert(pd_ptset_equal(U, S));
        pd_ptset_clear(U);
    }
    pd_ptset_clear(S);
    pd_ptset_clear(T);
}
END_TEST

/* ---- open cones ------------------------------------------------------- */

START_TEST(open_cone_cases)
{
    fmpq_mat_t A;
    fmpq d[2], y[3];
    pd_error_t err;
    int ne;
    slong i;
    /* DEPENDENCIES 3.1(b): {y1>0, y2>0, -y1-y2>0} is empty (y = (1,1,1));
       {y1>0, y2>0, -y1+3y2>0} is not. */
    slong a1[] = {1, 0, 0, 1, -1, -1};
    slong a2[] = {1, 0, 0, 1, -1, 3};
    pd_error_init(err);
    for (i = 0; i < 2; i++)
        fmpq_init(d + i);
    for (i = 0; i < 3; i++)
        fmpq_init(y + i);
    fmpq_mat_init(A, 3, 2);
    mat_set_rows(A, a1);
    ck_assert_int_eq(pd_cone_open(&ne, d, y, A, err), PD_OK);
    ck_assert_int_eq(ne, 0);
    for (i = 0; i < 3; i++)
        ck_assert(fmpq_is_one(y + i));  /* the only primitive Gordan vector */
    mat_set_rows(A, a2);
    ck_assert_int_eq(pd_cone_open(&ne, d, y, A, err), PD_OK);
    ck_assert_int_eq(ne, 1);
    check_open_answer(ne, d, y, A);
    /* NULL certificates are allowed */
    ck_assert_int_eq(pd_cone_open(&ne, NULL, NULL, A, err), PD_OK);
    ck_assert_int_eq(ne, 1);
    /* a zero row can never be > 0 */
    fmpq_zero(fmpq_mat_entry(A, 2, 0));
    fmpq_zero(fmpq_mat_entry(A, 2, 1));
    ck_assert_int_eq(pd_cone_open(&ne, d, y, A, err), PD_OK);
    ck_assert_int_eq(ne, 0);
    ck_assert(fmpq_is_zero(y) && fmpq_is_zero(y + 1) && fmpq_is_one(y + 2));
    fmpq_mat_clear(A);
    /* no rows: all of Q^2, witness 0 */
    fmpq_mat_init(A, 0, 2);
    fmpq_set_si(d, 5, 1);
    ck_assert_int_eq(pd_cone_open(&ne, d, NULL, A, err), PD_OK);
    ck_assert_int_eq(ne, 1);
    ck_assert(fmpq_is_zero(d) && fmpq_is_zero(d + 1));
    fmpq_mat_clear(A);
    /* no columns: empty, y = e_1 */
    fmpq_mat_init(A, 2, 0);
    ck_assert_int_eq(pd_cone_open(&ne, NULL, y, A, err), PD_OK);
    ck_assert_int_eq(ne, 0);
    ck_assert(fmpq_is_one(y) && fmpq_is_zero(y + 1));
    fmpq_mat_clear(A);
    /* a single direction with rational entries: witness is primitive */
    fmpq_mat_init(A, 1, 2);
    fmpq_set_si(fmpq_mat_entry(A, 0, 0), 1, 3);
    fmpq_set_si(fmpq_mat_entry(A, 0, 1), -2, 7);
    ck_assert_int_eq(pd_cone_open(&ne, d, NULL, A, err), PD_OK);
    ck_assert_int_eq(ne, 1);
    check_open_answer(ne, d, NULL, A);
    fmpq_mat_clear(A);
    for (i = 0; i < 2; i++)
        fmpq_clear(d + i);
    for (i = 0; i < 3; i++)
        fmpq_clear(y + i);
    pd_sets_cleanup();
}
END_TEST

START_TEST(open_cone_random)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j, count[2] = {0, 0};
    pd_test_randinit(st, 11);
    pd_error_init(err);
    for (it = 0; it < 300 * pd_test_mult; it++) {
        /* small shapes go through Seidel's algorithm, larger ones (n and m
           over 6) through cddlib; both answers are certified */
        slong big = (it % 5 == 4);
        slong m = big ? 7 + n_randint(st, 12) : n_randint(st, 7);
        slong n = big ? 7 + n_randint(st, 3) : 1 + n_randint(st, 4);
        fmpq_mat_t A;
        fmpq *d = _fmpq_vec_init(n), *y = _fmpq_vec_init(FLINT_MAX(m, 1));
        int ne;
        fmpq_mat_init(A, m, n);
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++)
                fmpq_set_si(fmpq_mat_entry(A, i, j),
                            (slong) n_randint(st, 7) - 3, 1 + n_randint(st, 3));
        ck_assert_int_eq(pd_cone_open(&ne, d, y, A, err), PD_OK);
        check_open_answer(ne, d, y, A);
        count[ne]++;
        fmpq_mat_clear(A);
        _fmpq_vec_clear(d, n);
        _fmpq_vec_clear(y, FLINT_MAX(m, 1));
    }
    /* both answers occur, so both certificate checks ran */
    ck_assert_int_gt(count[0], 20);
    ck_assert_int_gt(count[1], 20);
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

/* cddlib's own LP on A d >= 1 (feasible iff the open cone is non-empty):
   an independent answer for Seidel's. */
static int cdd_open_cone(const fmpq_mat_t A)
{
    slong m = fmpq_mat_nrows(A), n = fmpq_mat_ncols(A), i, j;
    dd_MatrixPtr M = dd_CreateMatrix(m, n + 1);
    dd_LPPtr lp;
    dd_ErrorType e = dd_NoError;
    int r;
    for (i = 0; i < m; i++) {
        mpq_set_si(M->matrix[i][0], -1, 1);
        for (j = 0; j < n; j++)
            fmpq_get_mpq(M->matrix[i][j + 1], fmpq_mat_entry(A, i, j));
    }
    M->representation = dd_Inequality;
    M->objective = dd_LPmin;
    lp = dd_Matrix2LP(M, &e);
    ck_assert_int_eq(e, dd_NoError);
    dd_LPSolve(lp, dd_DualSimplex, &e);
    ck_assert_int_eq(e, dd_NoError);
    r = (lp->LPS == dd_Optimal);
    dd_FreeLPData(lp);
    dd_FreeMatrix(M);
    return r;
}

START_TEST(open_cone_seidel_vs_cdd)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j, agree = 0;
    pd_test_randinit(st, 18);
    pd_error_init(err);
    cdd_ready();
    for (it = 0; it < 400 * pd_test_mult; it++) {
        slong n = 1 + n_randint(st, 5), m = 1 + n_randint(st, 12);
        fmpq_mat_t A;
        fmpz *Z = _fmpz_vec_init(m * n), *d = _fmpz_vec_init(n);
        int ne, nz;
        fmpq_mat_init(A, m, n);
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++) {
                slong v = (slong) n_randint(st, 7) - 3;
                fmpq_set_si(fmpq_mat_entry(A, i, j), v, 1);
                fmpz_set_si(Z + i * n + j, v);
            }
        ck_assert_int_eq(pd_cone_open(&ne, NULL, NULL, A, err), PD_OK);
        ck_assert_int_eq(ne, cdd_open_cone(A));
        nz = pd_cone_open_fmpz(d, Z, m, n);
        ck_assert_int_eq(nz, ne);
        /* extending a witness of the first rows gives the same answer */
        if (m > 1) {
            slong m0 = 1 + n_randint(st, m - 1);
            if (pd_cone_open_fmpz(d, Z, m0, n) == 1)
                ck_assert_int_eq(pd_cone_open_fmpz_extend(d, Z, m, n, m0), ne);
        }
        agree++;
        fmpq_mat_clear(A);
        _fmpz_vec_clear(Z, m * n);
        _fmpz_vec_clear(d, n);
    }
    ck_assert_int_eq(agree, 400 * pd_test_mult);
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

/* Many rows in few dimensions (Seidel's home ground): rows a_i with a
   known interior direction e (a_i.e > 0 by construction) are feasible;
   adding -sum a_i makes them infeasible (Gordan vector all ones). */
START_TEST(open_cone_many_rows)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j;
    pd_test_randinit(st, 16);
    pd_error_init(err);
    for (it = 0; it < 60 * pd_test_mult; it++) {
        slong n = 2 + n_randint(st, 4), m = 10 + n_randint(st, 30);
        fmpq_mat_t A, B;
        fmpq *d = _fmpq_vec_init(n), *y = _fmpq_vec_init(m + 1), *e = _fmpq_vec_init(n);
        int ne;
        for (j = 0; j < n; j++)
            fmpq_set_si(e + j, (slong) n_randint(st, 5) - 2, 1);
        fmpq_set_si(e, 1, 1);
        fmpq_mat_init(A, m, n);
        fmpq_mat_init(B, m + 1, n);
        for (i = 0; i < m; i++) {
            do {
                for (j = 0; j < n; j++)
                    fmpq_set_si(fmpq_mat_entry(A, i, j),
                                (slong) n_randint(st, 21) - 10, 1 + n_randint(st, 4));
            } while (row_dot_sgn(A, i, e) <= 0);
        }
        ck_assert_int_eq(pd_cone_open(&ne, d, y, A, err), PD_OK);
        ck_assert_int_eq(ne, 1);
        check_open_answer(ne, d, y, A);
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++) {
                fmpq_set(fmpq_mat_entry(B, i, j), fmpq_mat_entry(A, i, j));
                fmpq_sub(fmpq_mat_entry(B, m, j), fmpq_mat_entry(B, m, j),
                         fmpq_mat_entry(A, i, j));
            }
        ck_assert_int_eq(pd_cone_open(&ne, d, y, B, err), PD_OK);
        ck_assert_int_eq(ne, 0);
        check_open_answer(ne, d, y, B);
        fmpq_mat_clear(A);
        fmpq_mat_clear(B);
        _fmpq_vec_clear(d, n);
        _fmpq_vec_clear(e, n);
        _fmpq_vec_clear(y, m + 1);
    }
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

/* ---- closed cones ----------------------------------------------------- */

START_TEST(closed_cone_cases)
{
    fmpq_mat_t A;
    fmpq d[2], y[3];
    pd_error_t err;
    int z;
    slong i;
    slong a1[] = {1, 0, 0, 1, -1, -1};   /* positively spanning: {0} */
    slong a2[] = {1, 0, 0, 1, 1, 1};     /* the quadrant */
    slong a3[] = {1, 1, -1, -1, 2, 2};   /* rank 1: kernel (1,-1) */
    pd_error_init(err);
    for (i = 0; i < 2; i++)
        fmpq_init(d + i);
    for (i = 0; i < 3; i++)
        fmpq_init(y + i);
    fmpq_mat_init(A, 3, 2);
    mat_set_rows(A, a1);
    ck_assert_int_eq(pd_cone_closed_is_zero(&z, d, y, A, err), PD_OK);
    ck_assert_int_eq(z, 1);
    for (i = 0; i < 3; i++)
        ck_assert(fmpq_is_one(y + i));
    mat_set_rows(A, a2);
    ck_assert_int_eq(pd_cone_closed_is_zero(&z, d, y, A, err), PD_OK);
    ck_assert_int_eq(z, 0);
    check_closed_answer(z, d, y, A);
    mat_set_rows(A, a3);
    ck_assert_int_eq(pd_cone_closed_is_zero(&z, d, y, A, err), PD_OK);
    ck_assert_int_eq(z, 0);
    ck_assert_int_eq(fmpq_sgn(d) * fmpq_sgn(d + 1), -1);
    ck_assert(fmpz_is_pm1(fmpq_numref(d)) && fmpz_is_pm1(fmpq_numref(d + 1)));
    /* {x >= 0, -x >= 0} in Q^2 contains the y axis; in Q^1 it is {0} */
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 2, 2);
    fmpq_one(fmpq_mat_entry(A, 0, 0));
    fmpq_set_si(fmpq_mat_entry(A, 1, 0), -1, 1);
    ck_assert_int_eq(pd_cone_closed_is_zero(&z, d, NULL, A, err), PD_OK);
    ck_assert_int_eq(z, 0);
    ck_assert(fmpq_is_zero(d) && fmpz_is_pm1(fmpq_numref(d + 1)));
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 2, 1);
    fmpq_one(fmpq_mat_entry(A, 0, 0));
    fmpq_set_si(fmpq_mat_entry(A, 1, 0), -3, 2);
    ck_assert_int_eq(pd_cone_closed_is_zero(&z, NULL, y, A, err), PD_OK);
    ck_assert_int_eq(z, 1);
    ck_assert(fmpq_cmp_si(y, 3) == 0 && fmpq_cmp_si(y + 1, 2) == 0);
    fmpq_mat_clear(A);
    /* no rows in Q^2: everything; no columns: {0} */
    fmpq_mat_init(A, 0, 2);
    ck_assert_int_eq(pd_cone_closed_is_zero(&z, d, NULL, A, err), PD_OK);
    ck_assert_int_eq(z, 0);
    ck_assert(!fmpq_is_zero(d) || !fmpq_is_zero(d + 1));
    fmpq_mat_clear(A);
    fmpq_mat_init(A, 2, 0);
    ck_assert_int_eq(pd_cone_closed_is_zero(&z, NULL, y, A, err), PD_OK);
    ck_assert_int_eq(z, 1);
    ck_assert(fmpq_is_one(y) && fmpq_is_one(y + 1));
    fmpq_mat_clear(A);
    for (i = 0; i < 2; i++)
        fmpq_clear(d + i);
    for (i = 0; i < 3; i++)
        fmpq_clear(y + i);
    pd_sets_cleanup();
}
END_TEST

START_TEST(closed_cone_random)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j, count[2] = {0, 0};
    pd_test_randinit(st, 12);
    pd_error_init(err);
    for (it = 0; it < 300 * pd_test_mult; it++) {
        slong n = 1 + n_randint(st, 3), m = n_randint(st, 7);
        fmpq_mat_t A;
        fmpq *d = _fmpq_vec_init(n), *y = _fmpq_vec_init(FLINT_MAX(m, 1));
        int z, ne;
        fmpq_mat_init(A, m, n);
        for (i = 0; i < m; i++)
            for (j = 0; j < n; j++)
                fmpq_set_si(fmpq_mat_entry(A, i, j),
                            (slong) n_randint(st, 5) - 2, 1 + n_randint(st, 2));
        ck_assert_int_eq(pd_cone_closed_is_zero(&z, d, y, A, err), PD_OK);
        check_closed_answer(z, d, y, A);
        count[z]++;
        /* {0} closed cone implies an empty open cone */
        ck_assert_int_eq(pd_cone_open(&ne, NULL, NULL, A, err), PD_OK);
        if (z)
            ck_assert_int_eq(ne, 0);
        fmpq_mat_clear(A);
        _fmpq_vec_clear(d, n);
        _fmpq_vec_clear(y, FLINT_MAX(m, 1));
    }
    ck_assert_int_gt(count[0], 20);
    ck_assert_int_gt(count[1], 20);
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

/* ---- hulls ------------------------------------------------------------ */

START_TEST(hull_cases)
{
    pd_ptset_t P, V, W;
    pd_error_t err;
    /* DEPENDENCIES 3.1(a): square, centre and an edge midpoint. */
    slong sq[] = {0, 0, 2, 0, 2, 2, 0, 2, 1, 1, 1, 0, 2, 2};
    slong sqv[] = {0, 0, 0, 2, 2, 0, 2, 2};
    /* a segment in Q^2 with interior points and repeats */
    slong seg[] = {3, 3, 1, 1, 2, 2, 0, 0, 1, 1};
    slong segv[] = {0, 0, 3, 3};
    slong pt[] = {4, -1, 4, -1};
    slong cube[] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1,
                    0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
    pd_error_init(err);
    pd_ptset_init(P, 2);
    pd_ptset_init(V, 2);
    pd_ptset_init(W, 2);
    ptset_from_si(P, 7, sq);
    ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
    ptset_from_si(W, 4, sqv);
    ck_assert(pd_ptset_equal(V, W));
    ptset_from_si(P, 5, seg);
    ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
    ptset_from_si(W, 2, segv);
    ck_assert(pd_ptset_equal(V, W));
    ptset_from_si(P, 2, pt);
    ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
    ptset_from_si(W, 1, pt);
    ck_assert(pd_ptset_equal(V, W));
    pd_ptset_zero(P);
    ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
    ck_assert_int_eq(V->len, 0);
    /* a cube plus a repeated corner: the 8 corners in lex order */
    pd_ptset_clear(P);
    pd_ptset_init(P, 3);
    ptset_from_si(P, 10, cube);
    ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
    ck_assert_int_eq(V->dim, 3);
    ck_assert_int_eq(V->len, 8);
    {
        slong i, j, k;
        fmpq c[3];
        for (k = 0; k < 3; k++)
            fmpq_init(c + k);
        for (i = 0; i < 8; i++) {
            for (k = 0; k < 3; k++)
                fmpq_set_si(c + k, (i >> (2 - k)) & 1, 1);
            ck_assert_int_eq(pd_ptset_find(V, c), i);
        }
        for (k = 0; k < 3; k++)
            fmpq_clear(c + k);
        (void) j;
    }
    /* a triangle in a plane of Q^3 with its centroid */
    {
        slong tri[] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        fmpq c[3];
        slong k;
        ptset_from_si(P, 3, tri);
        for (k = 0; k < 3; k++) {
            fmpq_init(c + k);
            fmpq_set_si(c + k, 1, 3);
        }
        pd_ptset_append(P, c);
        ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
        ck_assert_int_eq(V->len, 3);
        ck_assert_int_eq(pd_ptset_find(V, c), -1);
        for (k = 0; k < 3; k++)
            fmpq_clear(c + k);
    }
    /* Q^1 and Q^0 */
    {
        slong l[] = {3, -2, 5, 0};
        pd_ptset_clear(P);
        pd_ptset_init(P, 1);
        ptset_from_si(P, 4, l);
        ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
        ck_assert_int_eq(V->len, 2);
        ck_assert_int_eq(fmpq_cmp_si(pd_ptset_entry(V, 0), -2), 0);
        ck_assert_int_eq(fmpq_cmp_si(pd_ptset_entry(V, 1), 5), 0);
        pd_ptset_clear(P);
        pd_ptset_init(P, 0);
        pd_ptset_append(P, NULL);
        pd_ptset_append(P, NULL);
        ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
        ck_assert_int_eq(V->len, 1);
    }
    pd_ptset_clear(P);
    pd_ptset_clear(V);
    pd_ptset_clear(W);
    pd_sets_cleanup();
}
END_TEST

/* Exact 2-D hull by Andrew's monotone chain (strict turns only), sorted
   lexicographically: an independent second method. */
static slong cross_sgn(const fmpq *o, const fmpq *a, const fmpq *b)
{
    fmpq_t u, v, w, z;
    slong s;
    fmpq_init(u);
    fmpq_init(v);
    fmpq_init(w);
    fmpq_init(z);
    fmpq_sub(u, a, o);
    fmpq_sub(v, b + 1, o + 1);
    fmpq_mul(u, u, v);
    fmpq_sub(w, a + 1, o + 1);
    fmpq_sub(z, b, o);
    fmpq_mul(w, w, z);
    fmpq_sub(u, u, w);
    s = fmpq_sgn(u);
    fmpq_clear(u);
    fmpq_clear(v);
    fmpq_clear(w);
    fmpq_clear(z);
    return s;
}

static void monotone_chain(pd_ptset_t H, const pd_ptset_t P)
{
    pd_ptset_t S;
    slong *st, k = 0, i, t, n;
    pd_ptset_init(S, 2);
    pd_ptset_set(S, P);
    pd_ptset_sort_unique(S);
    n = S->len;
    pd_ptset_zero(H);
    if (n <= 2) {
        pd_ptset_set(H, S);
        pd_ptset_clear(S);
        return;
    }
    st = flint_malloc(2 * n * sizeof(slong));
    for (i = 0; i < n; i++) {
        while (k >= 2 && cross_sgn(pd_ptset_entry(S, st[k - 2]),
                                   pd_ptset_entry(S, st[k - 1]),
                                   pd_ptset_entry(S, i)) <= 0)
            k--;
        st[k++] = i;
    }
    for (i = n - 2, t = k + 1; i >= 0; i--) {
        while (k >= t && cross_sgn(pd_ptset_entry(S, st[k - 2]),
                                   pd_ptset_entry(S, st[k - 1]),
                                   pd_ptset_entry(S, i)) <= 0)
            k--;
        st[k++] = i;
    }
    for (i = 0; i < k - 1; i++)
        pd_ptset_append(H, pd_ptset_entry(S, st[i]));
    pd_ptset_sort_unique(H);
    flint_free(st);
    pd_ptset_clear(S);
}

START_TEST(hull_random_2d)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i;
    pd_ptset_t P, V, H;
    pd_test_randinit(st, 13);
    pd_error_init(err);
    pd_ptset_init(P, 2);
    pd_ptset_init(V, 2);
    pd_ptset_init(H, 2);
    for (it = 0; it < 100 * pd_test_mult; it++) {
        slong m = 1 + n_randint(st, 12);
        fmpq c[2];
        fmpq_init(c);
        fmpq_init(c + 1);
        pd_ptset_zero(P);
        for (i = 0; i < m; i++) {
            fmpq_set_si(c, (slong) n_randint(st, 7) - 3, 1 + n_randint(st, 2));
            if (it % 4 == 0)   /* collinear sets now and then */
                fmpq_mul_si(c + 1, c, 2);
            else
                fmpq_set_si(c + 1, (slong) n_randint(st, 7) - 3, 1);
            pd_ptset_append(P, c);
        }
        ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
        monotone_chain(H, P);
        ck_assert(pd_ptset_equal(V, H));
        fmpq_clear(c);
        fmpq_clear(c + 1);
    }
    pd_ptset_clear(P);
    pd_ptset_clear(V);
    pd_ptset_clear(H);
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

/* cddlib's own redundancy removal (a second method in any dimension);
   duplicates removed first, since a repeated point is redundant against
   its copy. */
static void cdd_vertices(pd_ptset_t H, const pd_ptset_t P)
{
    pd_ptset_t S;
    dd_MatrixPtr M;
    dd_rowset red;
    dd_ErrorType e;
    slong i, j;
    mpq_t q;
    pd_ptset_init(S, P->dim);
    pd_ptset_set(S, P);
    pd_ptset_sort_unique(S);
    pd_ptset_zero(H);
    if (S->len <= 1) {
        pd_ptset_set(H, S);
        pd_ptset_clear(S);
        return;
    }
    mpq_init(q);
    M = dd_CreateMatrix(S->len, P->dim + 1);
    M->representation = dd_Generator;
    for (i = 0; i < S->len; i++) {
        mpq_set_si(M->matrix[i][0], 1, 1);
        for (j = 0; j < P->dim; j++)
            fmpq_get_mpq(M->matrix[i][j + 1], pd_ptset_entry(S, i) + j);
    }
    red = dd_RedundantRows(M, &e);
    ck_assert_int_eq(e, dd_NoError);
    for (i = 0; i < S->len; i++)
        if (!set_member(i + 1, red))
            pd_ptset_append(H, pd_ptset_entry(S, i));
    set_free(red);
    dd_FreeMatrix(M);
    mpq_clear(q);
    pd_ptset_clear(S);
}

START_TEST(hull_random_cdd)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j;
    pd_test_randinit(st, 14);
    pd_error_init(err);
    cdd_ready();
    for (it = 0; it < 60 * pd_test_mult; it++) {
        slong n = 1 + n_randint(st, 4), m = 1 + n_randint(st, 14);
        pd_ptset_t P, V, H;
        fmpq *c = _fmpq_vec_init(n);
        pd_ptset_init(P, n);
        pd_ptset_init(V, n);
        pd_ptset_init(H, n);
        for (i = 0; i < m; i++) {
            for (j = 0; j < n; j++)
                fmpq_set_si(c + j, (slong) n_randint(st, 3) - 1, 1 + n_randint(st, 2));
            pd_ptset_append(P, c);
        }
        ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
        /* the set_* and dd_* globals belong to the same library state */
        cdd_vertices(H, P);
        ck_assert(pd_ptset_equal(V, H));
        /* every input point lies in the hull of the vertices */
        for (i = 0; i < m; i++) {
            int in;
            fmpq *lam = _fmpq_vec_init(V->len);
            ck_assert_int_eq(pd_hull_contains(&in, lam, NULL, NULL, V,
                                              pd_ptset_entry(P, i), err), PD_OK);
            ck_assert_int_eq(in, 1);
            check_contains_answer(in, lam, NULL, NULL, V, pd_ptset_entry(P, i));
            _fmpq_vec_clear(lam, V->len);
        }
        _fmpq_vec_clear(c, n);
        pd_ptset_clear(P);
        pd_ptset_clear(V);
        pd_ptset_clear(H);
    }
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

/* Hints never change the answer: random points, hints that are good
   (the direction that made a point extreme), useless (0) or random. */
START_TEST(hull_hinted_random)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j;
    pd_test_randinit(st, 17);
    pd_error_init(err);
    for (it = 0; it < 60 * pd_test_mult; it++) {
        slong n = 2 + n_randint(st, 3), m = 4 + n_randint(st, 30);
        pd_ptset_t P, D, V, W;
        fmpq *c = _fmpq_vec_init(n);
        pd_ptset_init(P, n);
        pd_ptset_init(D, n);
        pd_ptset_init(V, n);
        pd_ptset_init(W, n);
        for (i = 0; i < m; i++) {
            for (j = 0; j < n; j++)
                fmpq_set_si(c + j, (slong) n_randint(st, 7) - 3, 1 + n_randint(st, 2));
            pd_ptset_append(P, c);
            if (i % 5 == 3)                      /* repeats */
                pd_ptset_append(P, c);
        }
        for (i = 0; i < P->len; i++) {
            slong kind = n_randint(st, 3);
            for (j = 0; j < n; j++)
                fmpq_set_si(c + j, kind == 0 ? 0 : (slong) n_randint(st, 9) - 4, 1);
            if (kind == 2)       /* p_i itself: often extreme along it */
                for (j = 0; j < n; j++)
                    fmpq_set(c + j, pd_ptset_entry(P, i) + j);
            pd_ptset_append(D, c);
        }
        ck_assert_int_eq(pd_hull_vertices(V, P, err), PD_OK);
        ck_assert_int_eq(pd_hull_vertices_hinted(W, P, D, err), PD_OK);
        ck_assert(pd_ptset_equal(V, W));
        ck_assert_int_eq(pd_hull_vertices_hinted(W, P, NULL, err), PD_OK);
        ck_assert(pd_ptset_equal(V, W));
        _fmpq_vec_clear(c, n);
        pd_ptset_clear(P);
        pd_ptset_clear(D);
        pd_ptset_clear(V);
        pd_ptset_clear(W);
    }
    /* wrong hint shapes are rejected */
    {
        pd_ptset_t P, D, V;
        slong sq[] = {0, 0, 1, 0, 0, 1, 1, 1, 2, 2};
        pd_ptset_init(P, 2);
        pd_ptset_init(D, 2);
        pd_ptset_init(V, 2);
        ptset_from_si(P, 5, sq);
        ptset_from_si(D, 2, sq);
        ck_assert_int_eq(pd_hull_vertices_hinted(V, P, D, err), PD_EINVAL);
        pd_ptset_clear(P);
        pd_ptset_clear(D);
        pd_ptset_clear(V);
    }
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

/* ---- membership ------------------------------------------------------- */

START_TEST(contains_cases)
{
    pd_ptset_t P;
    pd_error_t err;
    fmpq x[2], a[2], lam[3];
    fmpq_t a0;
    int in;
    slong i;
    slong tri[] = {0, 0, 1, 0, 0, 1};
    pd_error_init(err);
    pd_ptset_init(P, 2);
    for (i = 0; i < 2; i++) {
        fmpq_init(x + i);
        fmpq_init(a + i);
    }
    for (i = 0; i < 3; i++)
        fmpq_init(lam + i);
    fmpq_init(a0);
    ptset_from_si(P, 3, tri);
    /* (1/4, 1/4): weights (1/2, 1/4, 1/4), the only ones */
    fmpq_set_si(x, 1, 4);
    fmpq_set_si(x + 1, 1, 4);
    ck_assert_int_eq(pd_hull_contains(&in, lam, a, a0, P, x, err), PD_OK);
    ck_assert_int_eq(in, 1);
    {
        fmpq_t h, q;
        fmpq_init(h);
        fmpq_init(q);
        fmpq_set_si(h, 1, 2);
        fmpq_set_si(q, 1, 4);
        pd_assert_fmpq_eq(lam, h);
        pd_assert_fmpq_eq(lam + 1, q);
        pd_assert_fmpq_eq(lam + 2, q);
        fmpq_clear(h);
        fmpq_clear(q);
    }
    /* on the boundary: (1/2, 1/2) */
    fmpq_set_si(x, 1, 2);
    fmpq_set_si(x + 1, 1, 2);
    ck_assert_int_eq(pd_hull_contains(&in, lam, a, a0, P, x, err), PD_OK);
    ck_assert_int_eq(in, 1);
    check_contains_answer(in, lam, a, a0, P, x);
    /* outside: (1, 1) and (-1/1000, 0) */
    fmpq_set_si(x, 1, 1);
    fmpq_set_si(x + 1, 1, 1);
    ck_assert_int_eq(pd_hull_contains(&in, lam, a, a0, P, x, err), PD_OK);
    ck_assert_int_eq(in, 0);
    check_contains_answer(in, lam, a, a0, P, x);
    fmpq_set_si(x, -1, 1000);
    fmpq_set_si(x + 1, 0, 1);
    ck_assert_int_eq(pd_hull_contains(&in, NULL, a, a0, P, x, err), PD_OK);
    ck_assert_int_eq(in, 0);
    check_contains_answer(in, lam, a, a0, P, x);
    /* a segment: a point beside it, off its line, is outside */
    {
        slong seg[] = {0, 0, 2, 2};
        ptset_from_si(P, 2, seg);
        fmpq_set_si(x, 1, 1);
        fmpq_set_si(x + 1, 1, 1);
        ck_assert_int_eq(pd_hull_contains(&in, lam, a, a0, P, x, err), PD_OK);
        ck_assert_int_eq(in, 1);
        check_contains_answer(in, lam, a, a0, P, x);
        fmpq_set_si(x + 1, 1001, 1000);
        ck_assert_int_eq(pd_hull_contains(&in, lam, a, a0, P, x, err), PD_OK);
        ck_assert_int_eq(in, 0);
        check_contains_answer(in, lam, a, a0, P, x);
    }
    /* the empty set contains nothing */
    pd_ptset_zero(P);
    ck_assert_int_eq(pd_hull_contains(&in, NULL, a, a0, P, x, err), PD_OK);
    ck_assert_int_eq(in, 0);
    ck_assert(fmpq_is_zero(a) && fmpq_is_zero(a + 1) && fmpq_cmp_si(a0, -1) == 0);
    for (i = 0; i < 2; i++) {
        fmpq_clear(x + i);
        fmpq_clear(a + i);
    }
    for (i = 0; i < 3; i++)
        fmpq_clear(lam + i);
    fmpq_clear(a0);
    pd_ptset_clear(P);
    pd_sets_cleanup();
}
END_TEST

START_TEST(contains_random)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j, count[2] = {0, 0};
    pd_test_randinit(st, 15);
    pd_error_init(err);
    for (it = 0; it < 200 * pd_test_mult; it++) {
        slong n = 1 + n_randint(st, 4), m = 1 + n_randint(st, 8);
        pd_ptset_t P;
        fmpq *x = _fmpq_vec_init(n), *a = _fmpq_vec_init(n);
        fmpq *lam = _fmpq_vec_init(m);
        fmpq_t a0;
        int in;
        fmpq_init(a0);
        pd_ptset_init(P, n);
        for (i = 0; i < m; i++) {
            for (j = 0; j < n; j++)
                fmpq_set_si(x + j, (slong) n_randint(st, 5) - 2, 1);
            pd_ptset_append(P, x);
        }
        if (it % 2 == 0) {
            /* a random convex combination: must be inside */
            fmpq_t w, t, s;
            fmpq_init(w);
            fmpq_init(t);
            fmpq_init(s);
            do {
                fmpq_zero(s);
                for (j = 0; j < n; j++)
                    fmpq_zero(x + j);
                for (i = 0; i < m; i++) {
                    fmpq_set_si(w, n_randint(st, 4), 1);
                    fmpq_add(s, s, w);
                    for (j = 0; j < n; j++) {
                        fmpq_mul(t, w, pd_ptset_entry(P, i) + j);
                        fmpq_add(x + j, x + j, t);
                    }
                }
            } while (fmpq_is_zero(s));
            for (j = 0; j < n; j++)
                fmpq_div(x + j, x + j, s);
            fmpq_clear(w);
            fmpq_clear(t);
            fmpq_clear(s);
        } else {
            for (j = 0; j < n; j++)
                fmpq_set_si(x + j, (slong) n_randint(st, 9) - 4, 1 + n_randint(st, 3));
        }
        ck_assert_int_eq(pd_hull_contains(&in, lam, a, a0, P, x, err), PD_OK);
        check_contains_answer(in, lam, a, a0, P, x);
        if (it % 2 == 0)
            ck_assert_int_eq(in, 1);
        count[in]++;
        pd_ptset_clear(P);
        _fmpq_vec_clear(x, n);
        _fmpq_vec_clear(a, n);
        _fmpq_vec_clear(lam, m);
        fmpq_clear(a0);
    }
    ck_assert_int_gt(count[0], 20);
    ck_assert_int_gt(count[1], 20);
    flint_randclear(st);
    pd_sets_cleanup();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sets");
    TCase *tp = tcase_create("ptset");
    TCase *to = tcase_create("cone_open");
    TCase *tc = tcase_create("cone_closed_is_zero");
    TCase *th = tcase_create("hull_vertices");
    TCase *tm = tcase_create("hull_contains");
    pd_test_init();
    tcase_add_test(tp, ptset_sort_unique);
    tcase_add_test(to, open_cone_cases);
    tcase_add_test(to, open_cone_random);
    tcase_add_test(to, open_cone_many_rows);
    tcase_add_test(to, open_cone_seidel_vs_cdd);
    tcase_add_test(tc, closed_cone_cases);
    tcase_add_test(tc, closed_cone_random);
    tcase_add_test(th, hull_cases);
    tcase_add_test(th, hull_random_2d);
    tcase_add_test(th, hull_random_cdd);
    tcase_add_test(th, hull_hinted_random);
    tcase_add_test(tm, contains_cases);
    tcase_add_test(tm, contains_random);
    suite_add_tcase(s, tp);
    suite_add_tcase(s, to);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, th);
    suite_add_tcase(s, tm);
    {
        int rc = pd_test_run(s);
        pd_sets_cleanup();    /* cddlib's global constants */
        return rc;
    }
}
