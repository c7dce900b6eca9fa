/* combination.c: a sound refutation beyond first order (local.h,
   COMBINATION): a non-negative combination p = sum y_j h_j of the shifted
   guards that is <= 0 near the point, so the guards cannot all be
   positive there.  p <= 0 near 0 is read off its monomials: each one is
   even with a negative coefficient, or is a multiple (componentwise >=,
   not equal) of such an "anchor" term, which then dominates it. */
#include "local-impl.h"
#include <string.h>

static int exp_even(const ulong *e, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (e[i] & 1)
            return 0;
    return 1;
}

/* mu <= nu componentwise and mu != nu */
static int exp_divides_strict(const ulong *mu, const ulong *nu, slong n)
{
    slong i;
    int diff = 0;
    for (i = 0; i < n; i++) {
        if (mu[i] > nu[i])
            return 0;
        diff |= (mu[i] != nu[i]);
    }
    return diff;
}

int _pd_combination_check(const fmpq_mpoly_t p, const fmpq_mpoly_ctx_t ctx)
{
    slong n = ctx->zctx->minfo->nvars, len = fmpq_mpoly_length(p, ctx), t, u;
    ulong *e = flint_malloc(FLINT_MAX(len, 1) * FLINT_MAX(n, 1) * sizeof(ulong));
    int *anchor = flint_calloc(FLINT_MAX(len, 1), sizeof(int));
    int ok = 1;
    fmpq_t c;
    fmpq_init(c);
    for (t = 0; t < len; t++) {
        fmpq_mpoly_get_term_exp_ui(e + t * n, p, t, ctx);
        fmpq_mpoly_get_term_coeff_fmpq(c, p, t, ctx);
        anchor[t] = exp_even(e + t * n, n) && fmpq_sgn(c) < 0;
    }
    for (t = 0; t < len && ok; t++) {
        if (anchor[t])
            continue;
        ok = 0;
        for (u = 0; u < len && !ok; u++)
            if (anchor[u] && exp_divides_strict(e + u * n, e + t * n, n))
                ok = 1;
    }
    fmpq_clear(c);
    flint_free(e);
    flint_free(anchor);
    return ok;
}

/* Categories of the monomials in the LP. */
#define CAT_FREE 0      /* dominated by an anchor candidate: unconstrained */
#define CAT_EVEN 1      /* p_mu <= 0 (a slack variable)                    */
#define CAT_ZERO 2      /* p_mu = 0                                        */

pd_status_t _pd_combination(int *found, fmpq *y, const _pd_germ_t G,
                            pd_error_t err)
{
    slong n = G->n, k = G->k, nm = 0, am = 0, j, t, u, i, len;
    ulong *mon = NULL, *e = NULL;
    fmpq *coef = NULL;          /* nm x k */
    int *cat = NULL;
    fmpq *w = NULL;
    fmpq_mpoly_t p, q;
    fmpq_t c;
    pd_status_t status = PD_OK;
    slong round;

    *found = 0;
    if (k == 0)
        return PD_OK;
    fmpq_mpoly_init(p, G->ctx);
    fmpq_mpoly_init(q, G->ctx);
    fmpq_init(c);
    e = flint_malloc(FLINT_MAX(n, 1) * sizeof(ulong));
    /* the monomials of every h_j */
    for (j = 0; j < k; j++) {
        len = fmpq_mpoly_length(G->h + j, G->ctx);
        for (t = 0; t < len; t++) {
            fmpq_mpoly_get_term_exp_ui(e, G->h + j, t, G->ctx);
            for (u = 0; u < nm; u++)
                if (memcmp(mon + u * n, e, n * sizeof(ulong)) == 0)
                    break;
            if (u == nm) {
                if (nm == am) {
                    am = FLINT_MAX(16, 2 * am);
                    mon = flint_realloc(mon, am * FLINT_MAX(n, 1) * sizeof(ulong));
                }
                memcpy(mon + nm * n, e, n * sizeof(ulong));
                nm++;
            }
        }
    }
    coef = _fmpq_vec_init(FLINT_MAX(nm * k, 1));
    cat = flint_calloc(FLINT_MAX(nm, 1), sizeof(int));
    for (u = 0; u < nm; u++)
        for (j = 0; j < k; j++)
            fmpq_mpoly_get_coeff_fmpq_ui(coef + u * k + j, G->h + j, mon + u * n, G->ctx);
    /* anchors: the minimal even monomials; what they dominate is free */
    for (u = 0; u < nm; u++) {
        int dominated = 0;
        for (t = 0; t < nm && !dominated; t++)
            if (exp_even(mon + t * n, n) && exp_divides_strict(mon + t * n, mon + u * n, n))
                dominated = 1;
        cat[u] = dominated ? CAT_FREE : (exp_even(mon + u * n, n) ? CAT_EVEN : CAT_ZERO);
    }

    for (round = 0; round <= nm; round++) {
        slong ncol = 0, nslack = 0, col, rows;
        fmpq_mat_t M;
        int nonempty, moved = 0;
        for (u = 0; u < nm; u++) {
            ncol += cat[u] != CAT_FREE;
            nslack += cat[u] == CAT_EVEN;
        }
        rows = k + nslack;
        fmpq_mat_init(M, rows, ncol);
        for (u = 0, col = 0, i = k; u < nm; u++) {
            if (cat[u] == CAT_FREE)
                continue;
            for (j = 0; j < k; j++)
                fmpq_set(fmpq_mat_entry(M, j, col), coef + u * k + j);
            if (cat[u] == CAT_EVEN)
                fmpq_one(fmpq_mat_entry(M, i++, col));
            col++;
        }
        w = _fmpq_vec_init(rows);
        status = pd_cone_open(&nonempty, NULL, w, M, err);
        fmpq_mat_clear(M);
        if (status != PD_OK || nonempty) {
            _fmpq_vec_clear(w, rows);
            w = NULL;
            break;
        }
        /* p = sum y_j h_j */
        fmpq_mpoly_zero(p, G->ctx);
        for (j = 0; j < k; j++) {
            fmpq_mpoly_scalar_mul_fmpq(q, G->h + j, w + j, G->ctx);
            fmpq_mpoly_add(p, p, q, G->ctx);
        }
        if (!fmpq_mpoly_is_zero(p, G->ctx) || !_pd_qvec_is_zero(w, k)) {
            if (_pd_combination_check(p, G->ctx) && !_pd_qvec_is_zero(w, k)) {
                _pd_qvec_set(y, w, k);
                *found = 1;
                _fmpq_vec_clear(w, rows);
                w = NULL;
                break;
            }
        }
        /* free monomials left undominated: constrain them and retry */
        for (u = 0; u < nm; u++) {
            if (cat[u] != CAT_FREE)
                continue;
            fmpq_mpoly_get_coeff_fmpq_ui(c, p, mon + u * n, G->ctx);
            if (!fmpq_is_zero(c)) {
                cat[u] = exp_even(mon + u * n, n) ? CAT_EVEN : CAT_ZERO;
                moved = 1;
            }
        }
        _fmpq_vec_clear(w, rows);
        w = NULL;
        if (!moved)
            break;
    }

    _fmpq_vec_clear(coef, FLINT_MAX(nm * k, 1));
    flint_free(cat);
    flint_free(mon);
    flint_free(e);
    fmpq_mpoly_clear(p, G->ctx);
    fmpq_mpoly_clear(q, G->ctx);
    fmpq_clear(c);
    return status;
}
