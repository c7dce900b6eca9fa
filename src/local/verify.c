/* verify.c: exact re-check of an activity certificate against the guards it
   was computed for (local.h lists what each step certifies). */
#include "local-impl.h"

/* Every guard positive along act's curve, and the curve starts at x (a
   ray when act->ray). */
static int curve_certifies(const pd_activity_t act, const fmpq_mpoly_struct *g,
                           slong k, const fmpq *x, const fmpq_mpoly_ctx_t ctx)
{
    slong i, j;
    fmpq_t c;
    int ok = 1;
    fmpq_init(c);
    for (i = 0; i < act->n && ok; i++) {
        fmpq_poly_get_coeff_fmpq(c, act->curve + i, 0);
        if (!fmpq_equal(c, x + i))
            ok = 0;
        if (act->ray && fmpq_poly_degree(act->curve + i) > 1)
            ok = 0;
    }
    for (j = 0; j < k && ok; j++)
        if (pd_local_curve_sign(NULL, g + j, act->curve, ctx) <= 0)
            ok = 0;
    fmpq_clear(c);
    return ok;
}

/* The sign of g_j along x + t s v (s = +1, -1) is <= 0. */
static int ray_refutes(const fmpq_mpoly_struct *g, slong j, const fmpq *x,
                       const fmpq *v, int s, slong n, const fmpq_mpoly_ctx_t ctx)
{
    fmpq_poly_struct *ray = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_poly_struct));
    slong i;
    int r;
    fmpq_t c;
    fmpq_init(c);
    for (i = 0; i < n; i++) {
        fmpq_poly_init(ray + i);
        fmpq_set(c, v + i);
        if (s < 0)
            fmpq_neg(c, c);
        fmpq_poly_set_coeff_fmpq(ray + i, 1, c);
        fmpq_poly_set_coeff_fmpq(ray + i, 0, x + i);
    }
    r = pd_local_curve_sign(NULL, g + j, ray, ctx) <= 0;
    for (i = 0; i < n; i++)
        fmpq_poly_clear(ray + i);
    flint_free(ray);
    fmpq_clear(c);
    return r;
}

/* If dir is +-e_v and every vanishing guard depends on z_v only, v; else
   -1 (the germ is then a cylinder over the germ on the line x + R e_v). */
static slong single_variable_dir(const _pd_germ_t G, const fmpq *dir)
{
    slong n = G->n, i, j, t, v = -1;
    ulong *e;
    int ok = 1;
    for (i = 0; i < n; i++)
        if (!fmpq_is_zero(dir + i)) {
            if (v >= 0 || !(fmpz_is_pm1(fmpq_numref(dir + i))
                            && fmpz_is_one(fmpq_denref(dir + i))))
                return -1;
            v = i;
        }
    if (v < 0)
        return -1;
    e = flint_malloc(FLINT_MAX(n, 1) * sizeof(ulong));
    for (j = 0; j < G->k && ok; j++)
        for (t = 0; t < fmpq_mpoly_length(G->h + j, G->ctx) && ok; t++) {
            fmpq_mpoly_get_term_exp_ui(e, G->h + j, t, G->ctx);
            for (i = 0; i < n; i++)
                if (i != v && e[i] != 0)
                    ok = 0;
        }
    flint_free(e);
    return ok ? v : -1;
}

/* mult >= 0, zero off the vanishing guards, sum mult_j grad_j = 0; strict:
   positive on every vanishing guard, else not all zero. */
static int multipliers_ok(const pd_activity_t act, const _pd_germ_t G, int strict)
{
    slong j, i, v;
    int ok = 1, any = 0;
    fmpq_t s;
    char *vanish = flint_calloc(FLINT_MAX(act->k, 1), 1);
    fmpq_init(s);
    for (j = 0; j < G->k; j++)
        vanish[G->idx[j]] = 1;
    for (j = 0; j < act->k && ok; j++) {
        int sg = fmpq_sgn(act->mult + j);
        if (sg < 0 || (sg > 0 && !vanish[j]) || (strict && vanish[j] && sg == 0))
            ok = 0;
        any |= sg > 0;
    }
    for (i = 0; i < G->n && ok; i++) {
        fmpq_zero(s);
        for (v = 0; v < G->k; v++)
            fmpq_addmul(s, act->mult + G->idx[v], fmpq_mat_entry(G->A, v, i));
        if (!fmpq_is_zero(s))
            ok = 0;
    }
    fmpq_clear(s);
    flint_free(vanish);
    return ok && any;
}

/* x negative at guard j (or g_j identically zero): the VALUE no. */
static int value_refutes(const fmpq_mpoly_struct *g, slong k, slong j,
                         const fmpq *x, const fmpq_mpoly_ctx_t ctx)
{
    slong n = ctx->zctx->minfo->nvars, i;
    int ok;
    fmpq_t v;
    fmpq **xs;
    if (j < 0 || j >= k)
        return 0;
    if (fmpq_mpoly_is_zero(g + j, ctx))
        return 1;
    xs = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq *));
    fmpq_init(v);
    for (i = 0; i < n; i++)
        xs[i] = (fmpq *) x + i;
    if (n > 0)
        fmpq_mpoly_evaluate_all_fmpq(v, g + j, xs, ctx);
    else
        fmpq_mpoly_get_fmpq(v, g + j, ctx);
    ok = fmpq_sgn(v) < 0;
    fmpq_clear(v);
    flint_free(xs);
    return ok;
}

/* Open ray activity (act->ray): the certificates of local.h on the lowest
   forms L_j of the vanishing guards. */
static int ray_verify(const pd_activity_t act, const fmpq_mpoly_struct *g,
                      slong k, const fmpq *x, const fmpq_mpoly_ctx_t ctx,
                      const _pd_germ_t G)
{
    slong n = G->n, i, j;
    int ok = 0;
    _pd_germ_t L;

    if (act->active == PD_FALSE && act->step == PD_STEP_VALUE)
        return value_refutes(g, k, act->witness, x, ctx);
    if (G->negative >= 0 || G->zero >= 0)
        return 0;
    if (act->active == PD_TRUE && act->step == PD_STEP_VALUE)
        return G->k == 0 && curve_certifies(act, g, k, x, ctx);
    _pd_germ_lowest(L, G);
    if (act->active == PD_TRUE) {
        switch (act->step) {
        case PD_STEP_OPEN_CONE:
        case PD_STEP_DIRECTION:
        case PD_STEP_ONE_VARIABLE:
        {
            fmpq_t c;
            fmpq_init(c);
            ok = n > 0 && !_pd_qvec_is_zero(act->dir, n)
                 && _pd_forms_positive(L, act->dir)
                 && curve_certifies(act, g, k, x, ctx);
            /* the curve is the ray x + t dir */
            for (i = 0; i < n && ok; i++) {
                fmpq_poly_get_coeff_fmpq(c, act->curve + i, 1);
                ok = fmpq_equal(c, act->dir + i);
            }
            fmpq_clear(c);
            break;
        }
        default:
            ok = 0;
        }
        goto cleanup;
    }
    if (act->active != PD_FALSE)
        goto cleanup;
    switch (act->step) {
    case PD_STEP_GORDAN:
    {
        /* multipliers only on guards with a linear lowest form */
        int lin_only = 1;
        for (j = 0; j < G->k && lin_only; j++)
            if (fmpq_sgn(act->mult + G->idx[j]) != 0
                && fmpq_mpoly_total_degree_si(L->h + j, ctx) != 1)
                lin_only = 0;
        ok = lin_only && multipliers_ok(act, G, 0);
        break;
    }
    case PD_STEP_ONE_VARIABLE:
        ok = single_variable_dir(G, act->dir) >= 0
             && act->witness >= 0 && act->witness < k
             && act->witness2 >= 0 && act->witness2 < k
             && ray_refutes(g, act->witness, x, act->dir, 1, n, ctx)
             && ray_refutes(g, act->witness2, x, act->dir, -1, n, ctx);
        break;
    case PD_STEP_COMBINATION:
    {
        /* p = sum mult_j L_j over the vanishing guards; none elsewhere */
        fmpq_mpoly_t p, q;
        char *vanish = flint_calloc(FLINT_MAX(k, 1), 1);
        int any = 0;
        ok = 1;
        fmpq_mpoly_init(p, ctx);
        fmpq_mpoly_init(q, ctx);
        for (j = 0; j < G->k; j++)
            vanish[G->idx[j]] = 1;
        for (j = 0; j < k && ok; j++) {
            int sg = fmpq_sgn(act->mult + j);
            if (sg < 0 || (sg > 0 && !vanish[j]))
                ok = 0;
        }
        for (j = 0; j < G->k && ok; j++) {
            const fmpq *y = act->mult + G->idx[j];
            if (fmpq_sgn(y) <= 0)
                continue;
            any = 1;
            fmpq_mpoly_scalar_mul_fmpq(q, L->h + j, y, ctx);
            fmpq_mpoly_add(p, p, q, ctx);
        }
        ok = ok && any && _pd_combination_check(p, ctx);
        fmpq_mpoly_clear(p, ctx);
        fmpq_mpoly_clear(q, ctx);
        flint_free(vanish);
        break;
    }
    default:
        ok = 0;
    }

cleanup:
    _pd_germ_clear(L);
    return ok;
}

int pd_activity_verify(const pd_activity_t act, const fmpq_mpoly_struct *g,
                       slong k, const fmpq *x, const fmpq_mpoly_ctx_t ctx)
{
    _pd_germ_t G;
    slong n = ctx->zctx->minfo->nvars, i, j;
    int ok = 0;

    if (act->active == PD_UNKNOWN || act->n != n || act->k != k)
        return 0;
    if (_pd_germ_init(G, g, k, x, ctx, NULL) != PD_OK) {
        _pd_germ_clear(G);
        return 0;
    }
    if (act->ray) {
        ok = ray_verify(act, g, k, x, ctx, G);
        goto cleanup;
    }
    if (act->step == PD_STEP_DIRECTION || act->step == PD_STEP_GORDAN)
        goto cleanup;               /* open ray activity only */
    if (act->active == PD_TRUE && act->step != PD_STEP_NLQSAT) {
        ok = curve_certifies(act, g, k, x, ctx);
        if (ok && act->step == PD_STEP_VALUE)
            ok = G->k == 0;
        if (ok && act->step == PD_STEP_OPEN_CONE) {
            fmpq_t t;
            fmpq_init(t);
            for (j = 0; j < G->k && ok; j++) {
                _pd_mat_row_dot(t, G->A, j, act->dir);
                ok = fmpq_sgn(t) > 0;
            }
            fmpq_clear(t);
        }
        if (ok && act->step == PD_STEP_ONE_VARIABLE)
            ok = single_variable_dir(G, act->dir) >= 0;
        if (act->step == PD_STEP_CLOSED_CONE || act->step == PD_STEP_AFFINE
            || act->step == PD_STEP_COMBINATION || act->step == PD_STEP_NONE)
            ok = 0;
        goto cleanup;
    }
    if (act->active != PD_FALSE)
        goto cleanup;
    switch (act->step) {
    case PD_STEP_VALUE:
        j = act->witness;
        if (j >= 0 && j < k) {
            ok = fmpq_mpoly_is_zero(g + j, ctx);
            if (!ok) {
                /* else the witness must be negative at x */
                fmpq_t v;
                fmpq **xs = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq *));
                fmpq_init(v);
                for (i = 0; i < n; i++)
                    xs[i] = (fmpq *) x + i;
                if (n > 0)
                    fmpq_mpoly_evaluate_all_fmpq(v, g + j, xs, ctx);
                else
                    fmpq_mpoly_get_fmpq(v, g + j, ctx);
                ok = fmpq_sgn(v) < 0;
                fmpq_clear(v);
                flint_free(xs);
            }
        }
        break;
    case PD_STEP_CLOSED_CONE:
    {
        fmpq_mat_t R;
        ok = G->negative < 0 && G->zero < 0 && multipliers_ok(act, G, 1);
        if (ok) {
            fmpq_mat_init(R, G->k, n);
            ok = fmpq_mat_rref(R, G->A) == n;
            fmpq_mat_clear(R);
        }
        break;
    }
    case PD_STEP_AFFINE:
        ok = G->negative < 0 && G->zero < 0 && G->affine && multipliers_ok(act, G, 0);
        break;
    case PD_STEP_ONE_VARIABLE:
        ok = G->negative < 0 && G->zero < 0
             && single_variable_dir(G, act->dir) >= 0
             && act->witness >= 0 && act->witness < k
             && act->witness2 >= 0 && act->witness2 < k
             && ray_refutes(g, act->witness, x, act->dir, 1, n, ctx)
             && ray_refutes(g, act->witness2, x, act->dir, -1, n, ctx);
        break;
    case PD_STEP_COMBINATION:
    {
        /* p = sum mult_j g_j(x + z), shifted guard by guard */
        fmpq_mpoly_t p, q;
        fmpq_mpoly_struct **C = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_mpoly_struct *));
        fmpq_mpoly_struct *Cs = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_mpoly_struct));
        int any = 0;
        ok = 1;
        fmpq_mpoly_init(p, ctx);
        fmpq_mpoly_init(q, ctx);
        for (i = 0; i < n; i++) {
            fmpq_mpoly_init(Cs + i, ctx);
            fmpq_mpoly_gen(Cs + i, i, ctx);
            fmpq_mpoly_add_fmpq(Cs + i, Cs + i, x + i, ctx);
            C[i] = Cs + i;
        }
        for (j = 0; j < k && ok; j++) {
            int sg = fmpq_sgn(act->mult + j);
            if (sg < 0)
                ok = 0;
            if (sg <= 0)
                continue;
            any = 1;
            if (n > 0)
                ok = fmpq_mpoly_compose_fmpq_mpoly(q, g + j, C, ctx, ctx);
            else
                fmpq_mpoly_set(q, g + j, ctx);
            fmpq_mpoly_scalar_mul_fmpq(q, q, act->mult + j, ctx);
            fmpq_mpoly_add(p, p, q, ctx);
        }
        ok = ok && any && _pd_combination_check(p, ctx);
        for (i = 0; i < n; i++)
            fmpq_mpoly_clear(Cs + i, ctx);
        flint_free(Cs);
        flint_free(C);
        fmpq_mpoly_clear(p, ctx);
        fmpq_mpoly_clear(q, ctx);
        break;
    }
    default:
        ok = 0;
    }

cleanup:
    _pd_germ_clear(G);
    return ok;
}
