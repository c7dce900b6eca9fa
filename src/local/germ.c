/* germ.c: a guard system at a point in shifted coordinates: the vanishing
   guards, their gradients, signs along curves (MATH.md 4). */
#include "local-impl.h"
#include <string.h>

pd_status_t _pd_germ_init(_pd_germ_t G, const fmpq_mpoly_struct *g, slong k,
                          const fmpq *x, const fmpq_mpoly_ctx_t ctx,
                          pd_error_t err)
{
    slong n = ctx->zctx->minfo->nvars, i, j, kv = 0;
    fmpq_mpoly_struct **C = NULL;
    fmpq_mpoly_struct *Cs = NULL;
    fmpq **xs = NULL;
    fmpq_t v;
    ulong *e = NULL;
    pd_status_t status = PD_OK;

    G->ctx = ctx;
    G->n = n;
    G->k = 0;
    G->kin = k;
    G->affine = 1;
    G->negative = -1;
    G->zero = -1;
    G->idx = flint_calloc(FLINT_MAX(k, 1), sizeof(slong));
    G->h = flint_malloc(FLINT_MAX(k, 1) * sizeof(fmpq_mpoly_struct));
    for (j = 0; j < FLINT_MAX(k, 1); j++)
        fmpq_mpoly_init(G->h + j, ctx);

    fmpq_init(v);
    xs = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq *));
    C = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_mpoly_struct *));
    Cs = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_mpoly_struct));
    e = flint_calloc(FLINT_MAX(n, 1), sizeof(ulong));
    for (i = 0; i < n; i++) {
        xs[i] = (fmpq *) x + i;
        fmpq_mpoly_init(Cs + i, ctx);
        fmpq_mpoly_gen(Cs + i, i, ctx);
        fmpq_mpoly_add_fmpq(Cs + i, Cs + i, x + i, ctx);
        C[i] = Cs + i;
    }

    for (j = 0; j < k; j++) {
        if (fmpq_mpoly_is_zero(g + j, ctx)) {
            if (G->zero < 0)
                G->zero = j;
            continue;
        }
        if (n > 0)
            fmpq_mpoly_evaluate_all_fmpq(v, g + j, xs, ctx);
        else
            fmpq_mpoly_get_fmpq(v, g + j, ctx);
        if (fmpq_sgn(v) < 0 && G->negative < 0)
            G->negative = j;
        if (!fmpq_is_zero(v))
            continue;
        if (n > 0) {
            if (!fmpq_mpoly_compose_fmpq_mpoly(G->h + kv, g + j, C, ctx, ctx)) {
                status = pd_error_set(err, PD_ELIMIT,
                                      "local: shifting guard %ld overflows",
                                      (long) j);
                goto cleanup;
            }
        } else {
            fmpq_mpoly_set(G->h + kv, g + j, ctx);
        }
        if (fmpq_mpoly_total_degree_si(G->h + kv, ctx) > 1)
            G->affine = 0;
        G->idx[kv++] = j;
    }
    G->k = kv;
    fmpq_mat_init(G->A, kv, n);
    for (j = 0; j < kv; j++)
        for (i = 0; i < n; i++) {
            memset(e, 0, n * sizeof(ulong));
            e[i] = 1;
            fmpq_mpoly_get_coeff_fmpq_ui(fmpq_mat_entry(G->A, j, i), G->h + j, e, ctx);
        }

cleanup:
    if (status != PD_OK)
        fmpq_mat_init(G->A, 0, n);
    for (i = 0; i < n; i++)
        fmpq_mpoly_clear(Cs + i, ctx);
    flint_free(Cs);
    flint_free(C);
    flint_free(xs);
    flint_free(e);
    fmpq_clear(v);
    return status;
}

void _pd_lowest_form(fmpq_mpoly_t L, const fmpq_mpoly_t h,
                     const fmpq_mpoly_ctx_t ctx)
{
    slong n = ctx->zctx->minfo->nvars, len = fmpq_mpoly_length(h, ctx), t, i, d;
    slong m = -1;
    ulong *e = flint_malloc(FLINT_MAX(n, 1) * sizeof(ulong));
    fmpq_t c;
    fmpq_init(c);
    for (t = 0; t < len; t++) {
        fmpq_mpoly_get_term_exp_ui(e, h, t, ctx);
        for (i = 0, d = 0; i < n; i++)
            d += (slong) e[i];
        if (m < 0 || d < m)
            m = d;
    }
    fmpq_mpoly_zero(L, ctx);
    for (t = 0; t < len; t++) {
        fmpq_mpoly_get_term_exp_ui(e, h, t, ctx);
        for (i = 0, d = 0; i < n; i++)
            d += (slong) e[i];
        if (d == m) {
            fmpq_mpoly_get_term_coeff_fmpq(c, h, t, ctx);
            fmpq_mpoly_set_coeff_fmpq_ui(L, c, e, ctx);
        }
    }
    fmpq_clear(c);
    flint_free(e);
}

void _pd_germ_lowest(_pd_germ_t L, const _pd_germ_t G)
{
    slong j, k = G->k;
    L->ctx = G->ctx;
    L->n = G->n;
    L->k = k;
    L->kin = k;
    L->affine = 1;
    L->negative = -1;
    L->zero = -1;
    L->idx = flint_calloc(FLINT_MAX(k, 1), sizeof(slong));
    L->h = flint_malloc(FLINT_MAX(k, 1) * sizeof(fmpq_mpoly_struct));
    for (j = 0; j < FLINT_MAX(k, 1); j++)
        fmpq_mpoly_init(L->h + j, G->ctx);
    for (j = 0; j < k; j++) {
        L->idx[j] = G->idx[j];
        _pd_lowest_form(L->h + j, G->h + j, G->ctx);
        if (fmpq_mpoly_total_degree_si(L->h + j, G->ctx) > 1)
            L->affine = 0;
    }
    /* the linear part of h_j is its lowest form when non-zero */
    fmpq_mat_init_set(L->A, G->A);
}

void _pd_germ_clear(_pd_germ_t G)
{
    slong j;
    for (j = 0; j < FLINT_MAX(G->kin, 1); j++)
        fmpq_mpoly_clear(G->h + j, G->ctx);
    flint_free(G->h);
    flint_free(G->idx);
    fmpq_mat_clear(G->A);
}

int _pd_poly_low_sign(slong *order, const fmpq_poly_t p)
{
    slong i, len = fmpq_poly_length(p);
    for (i = 0; i < len; i++)
        if (!fmpz_is_zero(p->coeffs + i)) {
            if (order != NULL)
                *order = i;
            /* the denominator of an fmpq_poly is positive */
            return fmpz_sgn(p->coeffs + i);
        }
    if (order != NULL)
        *order = -1;
    return 0;
}

int _pd_germ_curve_sign(slong *order, const fmpq_mpoly_t h,
                        const fmpq_poly_struct *z, const fmpq_mpoly_ctx_t ctx)
{
    return pd_local_curve_sign(order, h, z, ctx);
}

int pd_local_curve_sign(slong *order, const fmpq_mpoly_t g,
                        const fmpq_poly_struct *gamma,
                        const fmpq_mpoly_ctx_t ctx)
{
    slong n = ctx->zctx->minfo->nvars, i;
    fmpq_poly_t p;
    fmpq_poly_struct **C;
    int s;
    fmpq_poly_init(p);
    if (n == 0) {
        fmpq_t c;
        fmpq_init(c);
        fmpq_mpoly_get_fmpq(c, g, ctx);
        fmpq_poly_set_fmpq(p, c);
        fmpq_clear(c);
    } else {
        C = flint_malloc(n * sizeof(fmpq_poly_struct *));
        for (i = 0; i < n; i++)
            C[i] = (fmpq_poly_struct *) gamma + i;
        fmpq_mpoly_compose_fmpq_poly(p, g, C, ctx);
        flint_free(C);
    }
    s = _pd_poly_low_sign(order, p);
    fmpq_poly_clear(p);
    return s;
}

void _pd_mat_row_dot(fmpq_t r, const fmpq_mat_t A, slong j, const fmpq *v)
{
    slong i;
    fmpq_zero(r);
    for (i = 0; i < fmpq_mat_ncols(A); i++)
        fmpq_addmul(r, fmpq_mat_entry(A, j, i), v + i);
}

/* Scale v (n entries) to a primitive integer vector (v != 0). */
static void vec_primitive(fmpq *v, slong n)
{
    fmpz_t l, g;
    slong i;
    fmpz_init(l);
    fmpz_init(g);
    fmpz_one(l);
    for (i = 0; i < n; i++)
        fmpz_lcm(l, l, fmpq_denref(v + i));
    for (i = 0; i < n; i++)
        fmpq_mul_fmpz(v + i, v + i, l);
    fmpz_zero(g);
    for (i = 0; i < n; i++)
        fmpz_gcd(g, g, fmpq_numref(v + i));
    if (!fmpz_is_zero(g) && !fmpz_is_one(g))
        for (i = 0; i < n; i++)
            fmpq_div_fmpz(v + i, v + i, g);
    fmpz_clear(l);
    fmpz_clear(g);
}

void _pd_nullspace(fmpq *basis, slong *r, const fmpq_mat_t M)
{
    slong m = fmpq_mat_nrows(M), n = fmpq_mat_ncols(M), rank, i, j, f, cnt = 0;
    slong *pivot;
    int *is_pivot;
    fmpq_mat_t R;

    if (m == 0) {
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                fmpq_set_si(basis + i * n + j, i == j, 1);
        *r = n;
        return;
    }
    fmpq_mat_init(R, m, n);
    rank = fmpq_mat_rref(R, M);
    pivot = flint_calloc(FLINT_MAX(rank, 1), sizeof(slong));
    is_pivot = flint_calloc(FLINT_MAX(n, 1), sizeof(int));
    for (i = 0, j = 0; i < rank; i++) {
        while (fmpq_is_zero(fmpq_mat_entry(R, i, j)))
            j++;
        pivot[i] = j;
        is_pivot[j] = 1;
    }
    for (f = 0; f < n; f++) {
        fmpq *v;
        if (is_pivot[f])
            continue;
        v = basis + cnt * n;
        for (j = 0; j < n; j++)
            fmpq_zero(v + j);
        fmpq_one(v + f);
        for (i = 0; i < rank; i++)
            fmpq_neg(v + pivot[i], fmpq_mat_entry(R, i, f));
        vec_primitive(v, n);
        cnt++;
    }
    *r = cnt;
    flint_free(pivot);
    flint_free(is_pivot);
    fmpq_mat_clear(R);
}

pd_status_t _pd_cone_relint(int *eq, fmpq *d, const fmpq_mat_t A,
                            pd_error_t err)
{
    slong m = fmpq_mat_nrows(A), n = fmpq_mat_ncols(A), i, j, c, r, nr, ne;
    fmpq *basis = NULL, *w = NULL, *y = NULL;
    slong *rows = NULL;
    fmpq_mat_t B, AE;
    pd_status_t status = PD_OK;
    int nonempty;

    for (j = 0; j < m; j++)
        eq[j] = 0;
    for (i = 0; i < n; i++)
        fmpq_zero(d + i);
    basis = _fmpq_vec_init(FLINT_MAX(n * n, 1));
    w = _fmpq_vec_init(FLINT_MAX(n, 1));
    y = _fmpq_vec_init(FLINT_MAX(m, 1));
    rows = flint_calloc(FLINT_MAX(m, 1), sizeof(slong));
    /* L starts as Q^n */
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            fmpq_set_si(basis + i * n + j, i == j, 1);
    r = n;

    for (;;) {
        nr = 0;
        for (j = 0; j < m; j++)
            if (!eq[j])
                rows[nr++] = j;
        if (nr == 0)
            break;
        if (r == 0) {
            for (j = 0; j < nr; j++)
                eq[rows[j]] = 1;
            break;
        }
        /* B = A_R N^T */
        fmpq_mat_init(B, nr, r);
        for (j = 0; j < nr; j++)
            for (c = 0; c < r; c++)
                _pd_mat_row_dot(fmpq_mat_entry(B, j, c), A, rows[j], basis + c * n);
        status = pd_cone_open(&nonempty, w, y, B, err);
        fmpq_mat_clear(B);
        if (status != PD_OK)
            goto cleanup;
        if (nonempty) {
            for (i = 0; i < n; i++) {
                fmpq_zero(d + i);
                for (c = 0; c < r; c++)
                    fmpq_addmul(d + i, w + c, basis + c * n + i);
            }
            break;
        }
        for (j = 0; j < nr; j++)
            if (fmpq_sgn(y + j) > 0)
                eq[rows[j]] = 1;
        /* L = kernel of the equality rows */
        ne = 0;
        for (j = 0; j < m; j++)
            ne += eq[j];
        fmpq_mat_init(AE, ne, n);
        for (j = 0, c = 0; j < m; j++)
            if (eq[j]) {
                for (i = 0; i < n; i++)
                    fmpq_set(fmpq_mat_entry(AE, c, i), fmpq_mat_entry(A, j, i));
                c++;
            }
        _pd_nullspace(basis, &r, AE);
        fmpq_mat_clear(AE);
    }

cleanup:
    _fmpq_vec_clear(basis, FLINT_MAX(n * n, 1));
    _fmpq_vec_clear(w, FLINT_MAX(n, 1));
    _fmpq_vec_clear(y, FLINT_MAX(m, 1));
    flint_free(rows);
    return status;
}
