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

/* qsort helper for the hinted hull: rows of a point list by index. */
static const pd_ptset_struct *_pd_hint_set;

static int _pd_hint_cmp(const void *a, const void *b)
{
    slong i = *(const slong *) a, j = *(const slong *) b;
    int c = pd_vec_cmp_lex(pd_ptset_entry(_pd_hint_set, i),
                           pd_ptset_entry(_pd_hint_set, j), _pd_hint_set->dim);
    return c != 0 ? c : (i > j) - (i < j);
}

/* Integer images of rational vectors under a positive scaling: comparisons
   of c.q between points, and signs, are unchanged. */
static void _pd_rows_to_fmpz(fmpz *Z, const fmpq *rows, slong len, slong dim,
                             int common)
{
    fmpz_t den;
    slong i, j;
    fmpz_init(den);
    fmpz_one(den);
    for (i = 0; i < len; i++) {
        if (!common)
            fmpz_one(den);
        if (!common || i == 0) {
            slong i0 = common ? 0 : i, i1 = common ? len : i + 1, a;
            for (a = i0; a < i1; a++)
                for (j = 0; j < dim; j++)
                    fmpz_lcm(den, den, fmpq_denref(rows + a * dim + j));
        }
        for (j = 0; j < dim; j++) {
            fmpz_divexact(Z + i * dim + j, den, fmpq_denref(rows + i * dim + j));
            fmpz_mul(Z + i * dim + j, Z + i * dim + j, fmpq_numref(rows + i * dim + j));
        }
    }
    fmpz_clear(den);
}

/* 1 iff point i of Z (u points) is the unique maximiser of c.q. */
static int _pd_unique_max(const fmpz *Z, slong u, slong dim, slong i,
                          const fmpz *c, fmpz_t s, fmpz_t t)
{
    slong q, j;
    fmpz_zero(s);
    for (j = 0; j < dim; j++)
        fmpz_addmul(s, c + j, Z + i * dim + j);
    for (q = 0; q < u; q++) {
        if (q == i)
            continue;
        fmpz_zero(t);
        for (j = 0; j < dim; j++)
            fmpz_addmul(t, c + j, Z + q * dim + j);
        if (fmpz_cmp(t, s) >= 0)
            return 0;
    }
    return 1;
}

pd_status_t pd_hull_vertices_hinted(pd_ptset_t V, const pd_ptset_t P,
                                    const pd_ptset_t dirs, pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong n = P->dim, len = P->len, u = 0, i, k;
    slong *idx = NULL, *first = NULL;
    char *state = NULL;               /* 1 vertex, 0 unknown, -1 dropped */
    fmpz *Z = NULL, *C = NULL;
    pd_ptset_t U, O;
    fmpz_t s, t;

    if (dirs == NULL || len <= 3 || n <= 1)
        return pd_hull_vertices(V, P, err);
    if (dirs->dim != n || dirs->len != len)
        return pd_error_set(err, PD_EINVAL,
                            "hull hints: %ld directions of dimension %ld for "
                            "%ld points of dimension %ld", (long) dirs->len,
                            (long) dirs->dim, (long) len, (long) n);

    pd_ptset_init(U, n);
    pd_ptset_init(O, n);
    fmpz_init(s);
    fmpz_init(t);
    /* Distinct points in canonical order; first[a] .. first[a+1] are the
       indices (into P) of the copies of distinct point a. */
    idx = flint_malloc(len * sizeof(slong));
    first = flint_malloc((len + 1) * sizeof(slong));
    for (i = 0; i < len; i++)
        idx[i] = i;
    _pd_hint_set = P;
    qsort(idx, len, sizeof(slong), _pd_hint_cmp);
    _pd_hint_set = NULL;
    for (i = 0; i < len; i++) {
        if (i == 0 || pd_vec_cmp_lex(pd_ptset_entry(P, idx[i - 1]),
                                     pd_ptset_entry(P, idx[i]), n) != 0) {
            first[u++] = i;
            pd_ptset_append(U, pd_ptset_entry(P, idx[i]));
        }
    }
    first[u] = len;

    Z = _fmpz_vec_init(u * n);
    C = _fmpz_vec_init(len * n);
    _pd_rows_to_fmpz(Z, U->coords, u, n, 1);
    _pd_rows_to_fmpz(C, dirs->coords, len, n, 0);
    state = flint_calloc(FLINT_MAX(u, 1), 1);
    {
        /* Machine integers when every dot product fits in 62 bits. */
        flint_bitcnt_t bz = 0, bc = 0;
        for (i = 0; i < u * n; i++)
            bz = FLINT_MAX(bz, fmpz_bits(Z + i));
        for (i = 0; i < len * n; i++)
            bc = FLINT_MAX(bc, fmpz_bits(C + i));
        if (bz + bc + FLINT_BIT_COUNT(n) + 1 <= 62) {
            slong *zs = flint_malloc(u * n * sizeof(slong));
            slong *cs = flint_malloc(len * n * sizeof(slong));
            for (i = 0; i < u * n; i++)
                zs[i] = fmpz_get_si(Z + i);
            for (i = 0; i < len * n; i++)
                cs[i] = fmpz_get_si(C + i);
            for (i = 0; i < u; i++)
                for (k = first[i]; k < first[i + 1] && state[i] == 0; k++) {
                    const slong *c = cs + idx[k] * n;
                    slong q, j, sp = 0;
                    int uniq = 1;
                    for (j = 0; j < n; j++)
                        sp += c[j] * zs[i * n + j];
                    for (q = 0; q < u && uniq; q++) {
                        slong sq = 0;
                        if (q == i)
                            continue;
                        for (j = 0; j < n; j++)
                            sq += c[j] * zs[q * n + j];
                        if (sq >= sp)
                            uniq = 0;
                    }
                    if (uniq)
                        state[i] = 1;
                }
            flint_free(zs);
            flint_free(cs);
        } else {
            for (i = 0; i < u; i++)
                for (k = first[i]; k < first[i + 1] && state[i] == 0; k++)
                    if (_pd_unique_max(Z, u, n, i, C + idx[k] * n, s, t))
                        state[i] = 1;
        }
    }

    /* The rest by LP against the points still kept. */
    for (i = 0; i < u; i++) {
        int inside;
        if (state[i] != 0)
            continue;
        pd_ptset_zero(O);
        for (k = 0; k < u; k++)
            if (k != i && state[k] >= 0)
                pd_ptset_append(O, pd_ptset_entry(U, k));
        PD_TRY(pd_hull_contains(&inside, NULL, NULL, NULL, O,
                                pd_ptset_entry(U, i), err));
        state[i] = inside ? -1 : 1;
    }
    pd_ptset_zero(V);
    if (V->dim != n) {
        pd_ptset_clear(V);
        pd_ptset_init(V, n);
    }
    for (i = 0; i < u; i++)
        if (state[i] > 0)
            pd_ptset_append(V, pd_ptset_entry(U, i));

cleanup:
    flint_free(idx);
    flint_free(first);
    flint_free(state);
    if (Z != NULL)
        _fmpz_vec_clear(Z, u * n);
    if (C != NULL)
        _fmpz_vec_clear(C, len * n);
    fmpz_clear(s);
    fmpz_clear(t);
    pd_ptset_clear(U);
    pd_ptset_clear(O);
    return status;
}
