/* curves.c: MATH.md 4 step 5, witness curves x + t v_1 + t^2 v_2 + ... with
   rational coefficients, found by weighted monomial curves and by an
   order-by-order search guided by exact LPs; also candidate directions
   for open ray activity. */
#include "local-impl.h"
#include <string.h>

#define PD_MAX_CANDIDATES 48

/* Append v (n entries) to the candidate list unless already there. */
static void cand_push(fmpq **cand, slong *len, slong *alloc, const fmpq *v,
                      slong n)
{
    slong i, j;
    for (i = 0; i < *len; i++) {
        for (j = 0; j < n && fmpq_equal(*cand + i * n + j, v + j); j++)
            ;
        if (j == n)
            return;
    }
    if (*len >= *alloc) {
        slong na = FLINT_MAX(8, 2 * *alloc);
        fmpq *nc = _fmpq_vec_init(na * n);
        for (i = 0; i < *len * n; i++)
            fmpq_swap(nc + i, *cand + i);
        if (*alloc > 0)
            _fmpq_vec_clear(*cand, *alloc * n);
        *cand = nc;
        *alloc = na;
    }
    for (j = 0; j < n; j++)
        fmpq_set(*cand + *len * n + j, v + j);
    (*len)++;
}

pd_status_t _pd_candidates(fmpq **cand, slong *len, const fmpq_mat_t A,
                           const fmpq *c, pd_error_t err)
{
    slong p = fmpq_mat_nrows(A), n = fmpq_mat_ncols(A), i, j, q, r, alloc = 0;
    slong nf = 0, *forceable = NULL, nsub, sub, size, nt;
    int *eq = NULL;
    fmpq *pt = NULL, *v = NULL, *basis = NULL;
    pd_status_t status = PD_OK;

    *cand = NULL;
    *len = 0;
    if (n == 0)
        return PD_OK;
    forceable = flint_calloc(FLINT_MAX(p, 1), sizeof(slong));
    for (j = 0; j < p; j++) {
        for (i = 0; i < n && fmpq_is_zero(fmpq_mat_entry(A, j, i)); i++)
            ;
        if (i < n)
            forceable[nf++] = j;
    }
    pt = _fmpq_vec_init(n + 1);
    v = _fmpq_vec_init(n);
    basis = _fmpq_vec_init(n * n);
    eq = flint_calloc(2 * p + 1, sizeof(int));

    /* forced sets by increasing size: every subset when few, else the
       empty set, the singletons and everything */
    nsub = nf <= 4 ? (WORD(1) << nf) : nf + 2;
    for (size = 0; size <= nf && *len < PD_MAX_CANDIDATES; size++) {
        for (sub = 0; sub < nsub && *len < PD_MAX_CANDIDATES; sub++) {
            slong mask[64], nm = 0, rows;
            fmpq_mat_t M, K;
            if (nf <= 4) {
                if ((slong) __builtin_popcountl((unsigned long) sub) != size)
                    continue;
                for (q = 0; q < nf; q++)
                    if (sub & (WORD(1) << q))
                        mask[nm++] = forceable[q];
            } else {
                if (size == 0 && sub == 0) {
                    nm = 0;
                } else if (size == 1 && sub >= 1 && sub <= nf) {
                    mask[nm++] = forceable[sub - 1];
                } else if (size == nf && sub == nf + 1) {
                    for (q = 0; q < nf && q < 64; q++)
                        mask[nm++] = forceable[q];
                } else {
                    continue;
                }
            }
            rows = p + nm + 1;
            fmpq_mat_init(M, rows, n + 1);
            for (j = 0; j < p; j++) {
                for (i = 0; i < n; i++)
                    fmpq_set(fmpq_mat_entry(M, j, i), fmpq_mat_entry(A, j, i));
                fmpq_set(fmpq_mat_entry(M, j, n), c + j);
            }
            for (q = 0; q < nm; q++) {
                for (i = 0; i < n; i++)
                    fmpq_neg(fmpq_mat_entry(M, p + q, i), fmpq_mat_entry(A, mask[q], i));
                fmpq_neg(fmpq_mat_entry(M, p + q, n), c + mask[q]);
            }
            fmpq_one(fmpq_mat_entry(M, rows - 1, n));
            status = _pd_cone_relint(eq, pt, M, err);
            fmpq_mat_clear(M);
            if (status != PD_OK)
                goto cleanup;
            if (eq[rows - 1])
                continue;          /* no point with s > 0: infeasible */
            for (i = 0; i < n; i++)
                fmpq_div(v + i, pt + i, pt + n);
            cand_push(cand, len, &alloc, v, n);
            /* move along the kernel of the tight rows: keeps this order's
               signs of the tight rows, changes the higher orders */
            nt = 0;
            for (j = 0; j < p; j++)
                nt += eq[j];
            fmpq_mat_init(K, nt, n);
            for (j = 0, q = 0; j < p; j++)
                if (eq[j]) {
                    for (i = 0; i < n; i++)
                        fmpq_set(fmpq_mat_entry(K, q, i), fmpq_mat_entry(A, j, i));
                    q++;
                }
            _pd_nullspace(basis, &r, K);
            fmpq_mat_clear(K);
            for (q = 0; q < r; q++) {
                for (i = 0; i < n; i++)
                    fmpq_add(pt + i, v + i, basis + q * n + i);
                cand_push(cand, len, &alloc, pt, n);
                for (i = 0; i < n; i++)
                    fmpq_sub(pt + i, v + i, basis + q * n + i);
                cand_push(cand, len, &alloc, pt, n);
            }
        }
    }

cleanup:
    if (status != PD_OK && *cand != NULL) {
        _fmpq_vec_clear(*cand, alloc * n);
        *cand = NULL;
        *len = 0;
    } else if (*cand != NULL && alloc > *len) {
        /* shrink to exactly *len entries so the caller frees len * n */
        fmpq *nc = _fmpq_vec_init(FLINT_MAX(*len, 1) * n);
        for (i = 0; i < *len * n; i++)
            fmpq_swap(nc + i, *cand + i);
        _fmpq_vec_clear(*cand, alloc * n);
        if (*len == 0) {
            _fmpq_vec_clear(nc, n);
            nc = NULL;
        }
        *cand = nc;
    }
    flint_free(forceable);
    flint_free(eq);
    _fmpq_vec_clear(pt, n + 1);
    _fmpq_vec_clear(v, n);
    _fmpq_vec_clear(basis, n * n);
    return status;
}

/* ---- weighted monomial curves z_i = c_i t^{w_i} ------------------------ */

static const char *grid_str[] = {
    "1", "-1", "2", "-2", "1/2", "-1/2", "3/2", "-3/2", "3/4", "-3/4",
    "3", "-3", "1/3", "-1/3", "0"
};
#define PD_GRID_LEN 15

/* The terms of h of least weighted degree for weights w. */
static void initial_form(fmpq_mpoly_t in, const fmpq_mpoly_t h, const slong *w,
                         const fmpq_mpoly_ctx_t ctx)
{
    slong n = ctx->zctx->minfo->nvars, len = fmpq_mpoly_length(h, ctx), t, i;
    slong best = WORD_MAX, wd;
    ulong *e = flint_malloc(FLINT_MAX(n, 1) * sizeof(ulong));
    fmpq_t c;
    fmpq_init(c);
    for (t = 0; t < len; t++) {
        fmpq_mpoly_get_term_exp_ui(e, h, t, ctx);
        for (i = 0, wd = 0; i < n; i++)
            wd += w[i] * (slong) e[i];
        best = FLINT_MIN(best, wd);
    }
    fmpq_mpoly_zero(in, ctx);
    for (t = 0; t < len; t++) {
        fmpq_mpoly_get_term_exp_ui(e, h, t, ctx);
        for (i = 0, wd = 0; i < n; i++)
            wd += w[i] * (slong) e[i];
        if (wd == best) {
            fmpq_mpoly_get_term_coeff_fmpq(c, h, t, ctx);
            fmpq_mpoly_set_coeff_fmpq_ui(in, c, e, ctx);
        }
    }
    fmpq_clear(c);
    flint_free(e);
}

static pd_status_t weighted_search(int *found, fmpq_poly_struct *curve,
                                   const _pd_germ_t G, const pd_limits_t lim,
                                   slong *budget, pd_error_t err)
{
    slong n = G->n, k = G->k, W, i, j, nw, *w = NULL, *ci = NULL;
    fmpq *grid = NULL, *cv = NULL, **cp = NULL;
    fmpq_mpoly_struct *in = NULL;
    fmpq_t val;
    pd_status_t status = PD_OK;

    *found = 0;
    if (n == 0 || k == 0)
        return PD_OK;
    W = FLINT_MAX(1, FLINT_MIN(lim->curve_order, 4));
    grid = _fmpq_vec_init(PD_GRID_LEN);
    for (i = 0; i < PD_GRID_LEN; i++)
        fmpq_set_str(grid + i, grid_str[i], 10);
    w = flint_calloc(n, sizeof(slong));
    ci = flint_calloc(n, sizeof(slong));
    cv = _fmpq_vec_init(n);
    cp = flint_malloc(n * sizeof(fmpq *));
    for (i = 0; i < n; i++)
        cp[i] = cv + i;
    in = flint_malloc(k * sizeof(fmpq_mpoly_struct));
    for (j = 0; j < k; j++)
        fmpq_mpoly_init(in + j, G->ctx);
    fmpq_init(val);

    /* weights by increasing sum: every w in [1, W]^n */
    nw = 1;
    for (i = 0; i < n; i++)
        nw *= W;
    for (slong total = n; total <= n * W && !*found; total++) {
        slong code;
        for (code = 0; code < nw && !*found; code++) {
            slong s = 0, g = 0, rest = code;
            for (i = 0; i < n; i++) {
                w[i] = 1 + rest % W;
                rest /= W;
                s += w[i];
                g = n_gcd(g, w[i]);
            }
            if (s != total || g != 1)
                continue;
            for (j = 0; j < k; j++)
                initial_form(in + j, G->h + j, w, G->ctx);
            /* coefficients: odometer over the grid; the first non-zero
               coordinate is +-1 (t -> lambda t rescales the others), and a
               zero coordinate only with weight 1 (its weight is moot) */
            for (i = 0; i < n; i++)
                ci[i] = 0;
            for (;;) {
                slong first = -1;
                int ok = 1;
                for (i = 0; i < n; i++) {
                    fmpq_set(cv + i, grid + ci[i]);
                    if (fmpq_is_zero(cv + i)) {
                        if (w[i] != 1)
                            ok = 0;
                    } else if (first < 0) {
                        first = i;
                        if (ci[i] > 1)
                            ok = 0;
                    }
                }
                if (first < 0)
                    ok = 0;
                if (ok) {
                    if (--*budget < 0)
                        goto done;
                    for (j = 0; j < k && ok; j++) {
                        fmpq_mpoly_evaluate_all_fmpq(val, in + j, cp, G->ctx);
                        if (fmpq_sgn(val) < 0)
                            ok = 0;
                        else if (fmpq_is_zero(val)) {
                            /* the initial form does not decide: the exact
                               sign along the curve does */
                            for (i = 0; i < n; i++) {
                                fmpq_poly_zero(curve + i);
                                fmpq_poly_set_coeff_fmpq(curve + i, w[i], cv + i);
                            }
                            if (_pd_germ_curve_sign(NULL, G->h + j, curve, G->ctx) <= 0)
                                ok = 0;
                        }
                    }
                    if (ok) {
                        for (i = 0; i < n; i++) {
                            fmpq_poly_zero(curve + i);
                            fmpq_poly_set_coeff_fmpq(curve + i, w[i], cv + i);
                        }
                        *found = 1;
                        goto done;
                    }
                }
                for (i = 0; i < n; i++) {
                    if (++ci[i] < PD_GRID_LEN)
                        break;
                    ci[i] = 0;
                }
                if (i == n)
                    break;
            }
            if (pd_limits_expired(lim)) {
                status = pd_error_set(err, PD_ELIMIT, "time limit reached");
                goto done;
            }
        }
    }

done:
    fmpq_clear(val);
    for (j = 0; j < k; j++)
        fmpq_mpoly_clear(in + j, G->ctx);
    flint_free(in);
    flint_free(cp);
    _fmpq_vec_clear(cv, n);
    flint_free(w);
    flint_free(ci);
    _fmpq_vec_clear(grid, PD_GRID_LEN);
    return status;
}

/* ---- order-by-order search -------------------------------------------- */

typedef struct {
    const _pd_germ_struct *G;
    const pd_limits_struct *lim;
    slong order_max;
    slong *budget;
    fmpq_poly_struct *curve;
    pd_error_struct *err;
} search_t;

/* Extend curve (terms below t^m fixed) so that the pending guards become
   positive.  Returns 1 on success, 0 if not found, -1 on error/limit. */
static int dfs(search_t *S, slong m, const int *pending, pd_status_t *status)
{
    const _pd_germ_struct *G = S->G;
    slong n = G->n, k = G->k, np = 0, j, i, q, len = 0;
    slong *rows = NULL;
    fmpq *c = NULL, *cand = NULL;
    fmpq_mat_t A;
    fmpq_poly_t p;
    fmpq_t t;
    int *next = NULL, res = 0;

    for (j = 0; j < k; j++)
        np += pending[j];
    if (np == 0)
        return 1;
    if (m > S->order_max || *S->budget <= 0)
        return 0;
    if (pd_limits_expired(S->lim)) {
        *status = pd_error_set(S->err, PD_ELIMIT, "time limit reached");
        return -1;
    }

    rows = flint_calloc(np, sizeof(slong));
    c = _fmpq_vec_init(np);
    next = flint_calloc(k, sizeof(int));
    fmpq_poly_init(p);
    fmpq_init(t);
    fmpq_mat_init(A, np, n);
    for (j = 0, q = 0; j < k; j++)
        if (pending[j])
            rows[q++] = j;
    /* c_j: the coefficient of t^m in h_j along the curve so far */
    for (q = 0; q < np; q++) {
        fmpq_poly_struct **C = flint_malloc(n * sizeof(fmpq_poly_struct *));
        for (i = 0; i < n; i++)
            C[i] = S->curve + i;
        fmpq_mpoly_compose_fmpq_poly(p, G->h + rows[q], C, G->ctx);
        flint_free(C);
        fmpq_poly_get_coeff_fmpq(c + q, p, m);
        for (i = 0; i < n; i++)
            fmpq_set(fmpq_mat_entry(A, q, i), fmpq_mat_entry(G->A, rows[q], i));
    }
    *status = _pd_candidates(&cand, &len, A, c, S->err);
    if (*status != PD_OK) {
        res = -1;
        goto cleanup;
    }
    for (q = 0; q < len && res == 0; q++) {
        const fmpq *v = cand + q * n;
        int ok = 1;
        if (--*S->budget < 0)
            break;
        for (j = 0; j < k; j++)
            next[j] = 0;
        for (i = 0; i < np && ok; i++) {
            _pd_mat_row_dot(t, A, i, v);
            fmpq_add(t, t, c + i);
            if (fmpq_sgn(t) < 0)
                ok = 0;
            else if (fmpq_is_zero(t))
                next[rows[i]] = 1;
        }
        if (!ok)
            continue;
        for (i = 0; i < n; i++)
            fmpq_poly_set_coeff_fmpq(S->curve + i, m, v + i);
        res = dfs(S, m + 1, next, status);
        if (res == 0) {
            fmpq_zero(t);
            for (i = 0; i < n; i++)
                fmpq_poly_set_coeff_fmpq(S->curve + i, m, t);
        }
    }

cleanup:
    if (cand != NULL)
        _fmpq_vec_clear(cand, len * n);
    fmpq_mat_clear(A);
    fmpq_poly_clear(p);
    fmpq_clear(t);
    flint_free(next);
    _fmpq_vec_clear(c, np);
    flint_free(rows);
    return res;
}

pd_status_t _pd_curve_search(int *found, fmpq_poly_struct *curve,
                             const _pd_germ_t G, const pd_limits_t lim,
                             slong *budget, pd_error_t err)
{
    slong n = G->n, i, j;
    int *pending, r;
    pd_status_t status = PD_OK;

    *found = 0;
    if (n == 0 || G->k == 0)
        return PD_OK;
    status = weighted_search(found, curve, G, lim, budget, err);
    if (status != PD_OK || *found)
        return status;

    for (i = 0; i < n; i++)
        fmpq_poly_zero(curve + i);
    pending = flint_calloc(G->k, sizeof(int));
    for (j = 0; j < G->k; j++)
        pending[j] = 1;
    {
        search_t S;
        S.G = G;
        S.lim = lim;
        S.order_max = FLINT_MAX(1, lim->curve_order);
        S.budget = budget;
        S.curve = curve;
        S.err = err;
        r = dfs(&S, 1, pending, &status);
    }
    flint_free(pending);
    if (r < 0)
        return status;
    *found = (r == 1);
    if (!*found)
        for (i = 0; i < n; i++)
            fmpq_poly_zero(curve + i);
    return PD_OK;
}

/* ---- candidate directions for open ray activity ---------------------- */

int _pd_forms_positive(const _pd_germ_t L, const fmpq *d)
{
    slong n = L->n, i, j;
    fmpq **ds = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq *));
    fmpq_t v;
    int ok = 1;
    fmpq_init(v);
    for (i = 0; i < n; i++)
        ds[i] = (fmpq *) d + i;
    for (j = 0; j < L->k && ok; j++) {
        if (n > 0)
            fmpq_mpoly_evaluate_all_fmpq(v, L->h + j, ds, L->ctx);
        else
            fmpq_mpoly_get_fmpq(v, L->h + j, L->ctx);
        ok = fmpq_sgn(v) > 0;
    }
    fmpq_clear(v);
    flint_free(ds);
    return ok;
}

/* A fixed-seed generator, so that answers do not depend on FLINT's. */
static ulong lcg_next(ulong *s)
{
    *s = *s * UWORD(6364136223846793005) + UWORD(1442695040888963407);
    return *s >> 33;
}

pd_status_t _pd_direction_search(int *found, fmpq *d, const _pd_germ_t L,
                                 const fmpq *d0, const pd_limits_t lim,
                                 slong *budget, pd_error_t err)
{
    slong n = L->n, i, *ci = NULL, tries = 0;
    fmpq *grid = NULL;
    fmpq_t r;
    ulong seed = 20240601;
    pd_status_t status = PD_OK;

    *found = 0;
    if (n == 0)
        return PD_OK;
    fmpq_init(r);
    if (d0 != NULL && !_pd_qvec_is_zero(d0, n) && --*budget >= 0
        && _pd_forms_positive(L, d0)) {
        _pd_qvec_set(d, d0, n);
        *found = 1;
        goto cleanup;
    }
    /* a grid of directions (the first non-zero coordinate +-1) */
    grid = _fmpq_vec_init(PD_GRID_LEN);
    for (i = 0; i < PD_GRID_LEN; i++)
        fmpq_set_str(grid + i, grid_str[i], 10);
    ci = flint_calloc(n, sizeof(slong));
    for (;;) {
        slong first = -1;
        int ok = 1;
        for (i = 0; i < n; i++) {
            fmpq_set(d + i, grid + ci[i]);
            if (!fmpq_is_zero(d + i) && first < 0) {
                first = i;
                if (ci[i] > 1)
                    ok = 0;
            }
        }
        if (first >= 0 && ok) {
            if (--*budget < 0)
                goto cleanup;
            if (_pd_forms_positive(L, d)) {
                *found = 1;
                goto cleanup;
            }
        }
        for (i = 0; i < n; i++) {
            if (++ci[i] < PD_GRID_LEN)
                break;
            ci[i] = 0;
        }
        if (i == n)
            break;
    }
    /* pseudo-random directions, and the same as perturbations of d0 */
    while (--*budget >= 0) {
        int shift = (d0 != NULL) && (tries & 1);
        if ((++tries & 255) == 0 && pd_limits_expired(lim)) {
            status = pd_error_set(err, PD_ELIMIT, "time limit reached");
            goto cleanup;
        }
        for (i = 0; i < n; i++) {
            fmpq_set_si(r, (slong) (lcg_next(&seed) % 41) - 20,
                        1 + lcg_next(&seed) % 8);
            if (shift) {
                fmpz_mul_ui(fmpq_denref(r), fmpq_denref(r), 8);
                fmpq_canonicalise(r);
                fmpq_add(d + i, d0 + i, r);
            } else {
                fmpq_set(d + i, r);
            }
        }
        if (!_pd_qvec_is_zero(d, n) && _pd_forms_positive(L, d)) {
            *found = 1;
            goto cleanup;
        }
    }

cleanup:
    if (!*found)
        _pd_qvec_zero(d, n);
    if (grid != NULL)
        _fmpq_vec_clear(grid, PD_GRID_LEN);
    flint_free(ci);
    fmpq_clear(r);
    return status;
}
