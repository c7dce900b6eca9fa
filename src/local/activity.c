/* activity.c: essential activity and open ray activity at a point, deciding in
   the order of MATH.md 4 and recording the step and its certificate. */
#include "local-impl.h"
#include <stdio.h>
#include <string.h>

const char *pd_step_name(pd_step_t step)
{
    switch (step) {
    case PD_STEP_VALUE: return "value";
    case PD_STEP_OPEN_CONE: return "open_cone";
    case PD_STEP_CLOSED_CONE: return "closed_cone";
    case PD_STEP_AFFINE: return "affine";
    case PD_STEP_ONE_VARIABLE: return "one_variable";
    case PD_STEP_CURVE: return "curve";
    case PD_STEP_COMBINATION: return "combination";
    case PD_STEP_NLQSAT: return "nlqsat";
    case PD_STEP_DIRECTION: return "direction";
    case PD_STEP_GORDAN: return "gordan";
    default: return "none";
    }
}

void pd_activity_init(pd_activity_t act)
{
    memset(act, 0, sizeof(pd_activity_struct));
    act->active = PD_UNKNOWN;
    act->witness = act->witness2 = -1;
}

void pd_activity_clear(pd_activity_t act)
{
    slong i;
    if (act->alloc_n > 0) {
        _fmpq_vec_clear(act->dir, act->alloc_n);
        for (i = 0; i < act->alloc_n; i++)
            fmpq_poly_clear(act->curve + i);
        flint_free(act->curve);
    }
    if (act->alloc_k > 0)
        _fmpq_vec_clear(act->mult, act->alloc_k);
    memset(act, 0, sizeof(pd_activity_struct));
}

void pd_activity_fit(pd_activity_t act, slong n, slong k, int ray)
{
    slong i;
    if (n > act->alloc_n) {
        if (act->alloc_n > 0) {
            _fmpq_vec_clear(act->dir, act->alloc_n);
            for (i = 0; i < act->alloc_n; i++)
                fmpq_poly_clear(act->curve + i);
            flint_free(act->curve);
        }
        act->dir = _fmpq_vec_init(n);
        act->curve = flint_malloc(n * sizeof(fmpq_poly_struct));
        for (i = 0; i < n; i++)
            fmpq_poly_init(act->curve + i);
        act->alloc_n = n;
    }
    if (k > act->alloc_k) {
        if (act->alloc_k > 0)
            _fmpq_vec_clear(act->mult, act->alloc_k);
        act->mult = _fmpq_vec_init(k);
        act->alloc_k = k;
    }
    for (i = 0; i < act->alloc_n; i++) {
        fmpq_zero(act->dir + i);
        fmpq_poly_zero(act->curve + i);
    }
    for (i = 0; i < act->alloc_k; i++)
        fmpq_zero(act->mult + i);
    act->n = n;
    act->k = k;
    act->active = PD_UNKNOWN;
    act->step = PD_STEP_NONE;
    act->witness = act->witness2 = -1;
    act->reason[0] = '\0';
    act->ray = ray;
}

static void decide(pd_activity_t act, pd_truth_t t, pd_step_t step,
                   const char *reason)
{
    act->active = t;
    act->step = step;
    snprintf(act->reason, sizeof(act->reason), "%s", reason);
}

/* curve = x + z(t) (z = NULL: the constant x) */
static void set_curve(pd_activity_t act, const fmpq *x,
                      const fmpq_poly_struct *z)
{
    slong i;
    for (i = 0; i < act->n; i++) {
        if (z != NULL)
            fmpq_poly_set(act->curve + i, z + i);
        else
            fmpq_poly_zero(act->curve + i);
        fmpq_poly_set_coeff_fmpq(act->curve + i, 0, x + i);
    }
}

/* curve = x + t d, dir = d */
static void set_ray(pd_activity_t act, const fmpq *x, const fmpq *d)
{
    slong i;
    for (i = 0; i < act->n; i++) {
        fmpq_set(act->dir + i, d + i);
        fmpq_poly_zero(act->curve + i);
        fmpq_poly_set_coeff_fmpq(act->curve + i, 1, d + i);
        fmpq_poly_set_coeff_fmpq(act->curve + i, 0, x + i);
    }
}

/* The variable every vanishing guard depends on, if they all depend on
   one and the same variable only; else -1. */
static slong single_variable(const _pd_germ_t G)
{
    slong n = G->n, j, t, i, v = -1;
    ulong *e = flint_malloc(FLINT_MAX(n, 1) * sizeof(ulong));
    for (j = 0; j < G->k && v != -2; j++)
        for (t = 0; t < fmpq_mpoly_length(G->h + j, G->ctx) && v != -2; t++) {
            fmpq_mpoly_get_term_exp_ui(e, G->h + j, t, G->ctx);
            for (i = 0; i < n; i++)
                if (e[i] != 0) {
                    if (v == -1)
                        v = i;
                    else if (v != i)
                        v = -2;
                }
        }
    flint_free(e);
    return v < 0 ? -1 : v;
}

/* Step 4, one variable v (n = 1, or every vanishing guard depends on v
   only, so the set is a cylinder over a germ on the line): the
   lowest-order term of h_j(s t e_v) for s = +1, -1. */
static void one_variable(pd_activity_t act, const _pd_germ_t G, const fmpq *x,
                         slong v)
{
    slong j, t, len, low, plus = -1, minus = -1;
    ulong *e = flint_malloc(FLINT_MAX(G->n, 1) * sizeof(ulong));
    fmpq_t c;
    fmpq_init(c);
    for (j = 0; j < G->k; j++) {
        int sp, sm;
        len = fmpq_mpoly_length(G->h + j, G->ctx);
        low = -1;
        for (t = 0; t < len; t++) {
            fmpq_mpoly_get_term_exp_ui(e, G->h + j, t, G->ctx);
            if (low < 0 || (slong) e[v] < low) {
                low = (slong) e[v];
                fmpq_mpoly_get_term_coeff_fmpq(c, G->h + j, t, G->ctx);
            }
        }
        sp = fmpq_sgn(c);
        sm = (low & 1) ? -sp : sp;
        if (sp <= 0 && plus < 0)
            plus = G->idx[j];
        if (sm <= 0 && minus < 0)
            minus = G->idx[j];
    }
    _pd_qvec_zero(act->dir, act->n);
    if (plus < 0 || minus < 0) {
        fmpq_set_si(act->dir + v, plus < 0 ? 1 : -1, 1);
        set_ray(act, x, act->dir);
        decide(act, PD_TRUE, PD_STEP_ONE_VARIABLE,
               plus < 0 ? "one variable: every guard is positive on one side (+)"
                        : "one variable: every guard is positive on one side (-)");
    } else {
        fmpq_one(act->dir + v);
        act->witness = plus;
        act->witness2 = minus;
        decide(act, PD_FALSE, PD_STEP_ONE_VARIABLE,
               "one variable: a guard is negative or zero on each side");
    }
    fmpq_clear(c);
    flint_free(e);
}

/* Step VALUE.  Returns 1 if it decided. */
static int value_step(pd_activity_t act, const _pd_germ_t G, const fmpq *x)
{
    char buf[128];
    if (G->zero >= 0) {
        act->witness = G->zero;
        snprintf(buf, sizeof(buf), "guard %ld is identically zero", (long) G->zero);
        decide(act, PD_FALSE, PD_STEP_VALUE, buf);
        return 1;
    }
    if (G->negative >= 0) {
        act->witness = G->negative;
        snprintf(buf, sizeof(buf), "guard %ld is negative at the point",
                 (long) G->negative);
        decide(act, PD_FALSE, PD_STEP_VALUE, buf);
        return 1;
    }
    if (G->k == 0) {
        if (act->ray && G->n > 0) {
            fmpq_one(act->dir);
            set_ray(act, x, act->dir);
        } else {
            set_curve(act, x, NULL);
        }
        decide(act, PD_TRUE, PD_STEP_VALUE, "no guard vanishes at the point");
        return 1;
    }
    return 0;
}

/* The steps shared by both questions: VALUE, 1, 2, 3, 4.  Returns 1 if one
   of them decided. */
static int first_order(pd_activity_t act, const _pd_germ_t G, const fmpq *x,
                       pd_status_t *status, pd_error_t err)
{
    slong n = G->n, k = G->k, j;
    fmpq *d = NULL, *y = NULL;
    int ne, zero, done = 0;

    *status = PD_OK;
    if (value_step(act, G, x))
        return 1;
    d = _fmpq_vec_init(FLINT_MAX(n, 1));
    y = _fmpq_vec_init(k);
    /* 1: the open cone */
    *status = pd_cone_open(&ne, d, y, G->A, err);
    if (*status != PD_OK)
        goto cleanup;
    if (ne) {
        set_ray(act, x, d);
        decide(act, PD_TRUE, PD_STEP_OPEN_CONE,
               "first order: a direction makes every tied guard increase");
        done = 1;
        goto cleanup;
    }
    /* 2: the closed cone is {0} */
    {
        fmpq *y2 = _fmpq_vec_init(k);
        *status = pd_cone_closed_is_zero(&zero, NULL, y2, G->A, err);
        if (*status == PD_OK && zero) {
            for (j = 0; j < k; j++)
                fmpq_set(act->mult + G->idx[j], y2 + j);
            decide(act, PD_FALSE, PD_STEP_CLOSED_CONE,
                   "first order: no direction keeps every tied guard from decreasing");
            done = 1;
        }
        _fmpq_vec_clear(y2, k);
        if (*status != PD_OK || done)
            goto cleanup;
    }
    /* 3: affine guards, Gordan's certificate from step 1 */
    if (G->affine) {
        for (j = 0; j < k; j++)
            fmpq_set(act->mult + G->idx[j], y + j);
        decide(act, PD_FALSE, PD_STEP_AFFINE,
               "affine guards: the open cone is empty (Gordan multipliers)");
        done = 1;
        goto cleanup;
    }
    /* 4: one variable */
    {
        slong v = single_variable(G);
        if (v >= 0) {
            one_variable(act, G, x, v);
            done = 1;
        }
    }

cleanup:
    _fmpq_vec_clear(d, FLINT_MAX(n, 1));
    _fmpq_vec_clear(y, k);
    return done;
}

static const pd_limits_struct *limits_or_default(const pd_limits_struct *lim,
                                                 pd_limits_t def)
{
    if (lim != NULL)
        return lim;
    pd_limits_init(def);
    return def;
}

/* After a decision: the certificate must pass its own exact re-check. */
static pd_status_t self_check(pd_activity_t act, const fmpq_mpoly_struct *g,
                              slong k, const fmpq *x,
                              const fmpq_mpoly_ctx_t ctx, pd_error_t err)
{
    if (act->active == PD_UNKNOWN || act->step == PD_STEP_NLQSAT)
        return PD_OK;
    if (!pd_activity_verify(act, g, k, x, ctx)) {
        act->active = PD_UNKNOWN;
        return pd_error_set(err, PD_EINTERNAL,
                            "local: the %s certificate failed its exact re-check",
                            pd_step_name(act->step));
    }
    return PD_OK;
}

/* Step 5' (shared by essential and ray activity): a non-negative
   combination of the tied guards (of their lowest forms, for rays: G is
   then the germ of the lowest forms) that is <= 0 near x refutes.  *found
   is set when it decided. */
static pd_status_t step_combination(int *found, pd_activity_t act,
                                    const _pd_germ_struct *G, pd_error_t err)
{
    slong i;
    pd_status_t status;
    fmpq *y = _fmpq_vec_init(G->k);
    status = _pd_combination(found, y, G, err);
    if (status == PD_OK && *found) {
        for (i = 0; i < G->k; i++)
            fmpq_set(act->mult + G->idx[i], y + i);
        decide(act, PD_FALSE, PD_STEP_COMBINATION, act->ray
               ? "a non-negative combination of the lowest forms of the tied guards is <= 0 everywhere"
               : "a non-negative combination of the tied guards is <= 0 near the point");
    }
    _fmpq_vec_clear(y, G->k);
    return status;
}

/* Step 6 (shared): Z3 nlqsat on the closed formula (ray = 0) or on the
   lowest-order terms along rays (ray = 1); undecided says `what` failed. */
static pd_status_t step_z3(pd_activity_t act, const _pd_germ_struct *G,
                           int ray, int flags, const pd_limits_t lim,
                           const char *what, pd_error_t err)
{
    pd_status_t status = PD_OK;
    pd_truth_t t;
    char reason[PD_ACTIVITY_REASON_LEN - 64];
    char buf[PD_ACTIVITY_REASON_LEN];
    if (flags & PD_LOCAL_NO_Z3) {
        snprintf(buf, sizeof(buf), "%s (Z3 not requested)", what);
        decide(act, PD_UNKNOWN, PD_STEP_NONE, buf);
        return PD_OK;
    }
    if (pd_limits_expired(lim)) {
        decide(act, PD_UNKNOWN, PD_STEP_NONE, "time limit reached");
        return pd_error_set(err, PD_ELIMIT, "time limit reached");
    }
    status = _pd_z3_decide(&t, reason, sizeof(reason), G, ray, lim, err);
    if (status == PD_OK) {
        if (t == PD_UNKNOWN) {
            snprintf(buf, sizeof(buf), "%s; %s", what, reason);
            decide(act, PD_UNKNOWN, PD_STEP_NONE, buf);
        } else {
            decide(act, t, PD_STEP_NLQSAT, reason);
        }
    }
    return status;
}

pd_status_t pd_local_activity(pd_activity_t act, const fmpq_mpoly_struct *g,
                              slong k, const fmpq *x,
                              const fmpq_mpoly_ctx_t ctx,
                              const pd_limits_t lim_in, int flags,
                              pd_error_t err)
{
    pd_limits_t def;
    const pd_limits_struct *lim = limits_or_default(lim_in, def);
    slong n = ctx->zctx->minfo->nvars, i, budget;
    _pd_germ_t G;
    pd_status_t status = PD_OK;
    fmpq_poly_struct *z = NULL;
    int found;

    if (k < 0)
        return pd_error_set(err, PD_EINVAL, "local: negative number of guards");
    pd_activity_fit(act, n, k, 0);
    if (pd_limits_expired(lim)) {
        decide(act, PD_UNKNOWN, PD_STEP_NONE, "time limit reached");
        return pd_error_set(err, PD_ELIMIT, "time limit reached");
    }
    status = _pd_germ_init(G, g, k, x, ctx, err);
    if (status != PD_OK) {
        _pd_germ_clear(G);
        return status;
    }
    if (flags & PD_LOCAL_ONLY_Z3) {
        if (value_step(act, G, x))
            goto cleanup;
        goto z3;
    }
    if (first_order(act, G, x, &status, err) || status != PD_OK)
        goto cleanup;
    if (flags & PD_LOCAL_FIRST_ORDER) {
        decide(act, PD_UNKNOWN, PD_STEP_NONE, "first-order steps do not decide");
        goto cleanup;
    }

    /* 5: witness curves */
    z = flint_malloc(n * sizeof(fmpq_poly_struct));
    for (i = 0; i < n; i++)
        fmpq_poly_init(z + i);
    budget = lim->curve_budget;
    status = _pd_curve_search(&found, z, G, lim, &budget, err);
    if (status != PD_OK)
        goto cleanup;
    if (found) {
        set_curve(act, x, z);
        decide(act, PD_TRUE, PD_STEP_CURVE,
               "a witness curve along which every tied guard is positive");
        goto cleanup;
    }
    /* 5': a combination <= 0 near the point */
    status = step_combination(&found, act, G, err);
    if (status != PD_OK || found)
        goto cleanup;
    /* 6: Z3 */
z3:
    status = step_z3(act, G, 0, flags, lim, "undecided by steps 1-5", err);

cleanup:
    if (z != NULL) {
        for (i = 0; i < n; i++)
            fmpq_poly_clear(z + i);
        flint_free(z);
    }
    _pd_germ_clear(G);
    if (status == PD_OK)
        status = self_check(act, g, k, x, ctx, err);
    else if (status == PD_ELIMIT)
        decide(act, PD_UNKNOWN, PD_STEP_NONE, "time limit reached");
    return status;
}

/* Open ray activity (local.h, MATH.md 5): is there a direction d with
   L_j(d) > 0 for the lowest form L_j of every tied guard? */
pd_status_t pd_local_ray_activity(pd_activity_t act,
                                  const fmpq_mpoly_struct *g, slong k,
                                  const fmpq *x, const fmpq_mpoly_ctx_t ctx,
                                  const pd_limits_t lim_in, int flags,
                                  pd_error_t err)
{
    pd_limits_t def;
    const pd_limits_struct *lim = limits_or_default(lim_in, def);
    slong n = ctx->zctx->minfo->nvars, i, j, nlin = 0, budget;
    _pd_germ_t G, L;
    pd_status_t status = PD_OK;
    fmpq *d = NULL, *y = NULL;
    slong *lin = NULL;
    int have_L = 0, have_d0 = 0, found;

    if (k < 0)
        return pd_error_set(err, PD_EINVAL, "local: negative number of guards");
    pd_activity_fit(act, n, k, 1);
    if (pd_limits_expired(lim)) {
        decide(act, PD_UNKNOWN, PD_STEP_NONE, "time limit reached");
        return pd_error_set(err, PD_ELIMIT, "time limit reached");
    }
    status = _pd_germ_init(G, g, k, x, ctx, err);
    if (status != PD_OK) {
        _pd_germ_clear(G);
        return status;
    }
    if (value_step(act, G, x))
        goto cleanup;
    _pd_germ_lowest(L, G);
    have_L = 1;
    if (flags & PD_LOCAL_ONLY_Z3)
        goto z3;

    /* the linear lowest forms: the guards with a non-zero gradient */
    d = _fmpq_vec_init(FLINT_MAX(n, 1));
    y = _fmpq_vec_init(FLINT_MAX(G->k, 1));
    lin = flint_malloc(FLINT_MAX(G->k, 1) * sizeof(slong));
    for (j = 0; j < G->k; j++) {
        for (i = 0; i < n; i++)
            if (!fmpq_is_zero(fmpq_mat_entry(G->A, j, i)))
                break;
        if (i < n)
            lin[nlin++] = j;
    }
    if (nlin > 0) {
        fmpq_mat_t B;
        int ne;
        fmpq_mat_init(B, nlin, n);
        for (j = 0; j < nlin; j++)
            for (i = 0; i < n; i++)
                fmpq_set(fmpq_mat_entry(B, j, i), fmpq_mat_entry(G->A, lin[j], i));
        status = pd_cone_open(&ne, d, y, B, err);
        fmpq_mat_clear(B);
        if (status != PD_OK)
            goto cleanup;
        if (!ne) {
            /* Gordan: no d makes the linear forms positive */
            for (j = 0; j < nlin; j++)
                fmpq_set(act->mult + G->idx[lin[j]], y + j);
            decide(act, PD_FALSE, PD_STEP_GORDAN, nlin == G->k
                   ? "the linear lowest forms have an empty open cone (Gordan multipliers)"
                   : "the linear lowest forms alone have an empty open cone (Gordan multipliers)");
            goto cleanup;
        }
        if (nlin == G->k) {
            set_ray(act, x, d);
            decide(act, PD_TRUE, PD_STEP_OPEN_CONE,
                   "first order: a direction makes every tied guard increase");
            goto cleanup;
        }
        have_d0 = 1;
    }
    /* one variable: complete */
    {
        slong v = single_variable(G);
        if (v >= 0) {
            one_variable(act, G, x, v);
            goto cleanup;
        }
    }
    if (flags & PD_LOCAL_FIRST_ORDER) {
        decide(act, PD_UNKNOWN, PD_STEP_NONE, "first-order steps do not decide");
        goto cleanup;
    }
    /* candidate directions */
    budget = lim->curve_budget;
    status = _pd_direction_search(&found, d, L, have_d0 ? d : NULL, lim,
                                  &budget, err);
    if (status != PD_OK)
        goto cleanup;
    if (found) {
        set_ray(act, x, d);
        decide(act, PD_TRUE, PD_STEP_DIRECTION,
               "a direction at which every lowest form of a tied guard is positive");
        goto cleanup;
    }
    /* a combination of the lowest forms <= 0 everywhere */
    status = step_combination(&found, act, L, err);
    if (status != PD_OK || found)
        goto cleanup;
z3:
    status = step_z3(act, L, 1, flags, lim,
                     "no direction found and none refuted", err);

cleanup:
    if (d != NULL)
        _fmpq_vec_clear(d, FLINT_MAX(n, 1));
    if (y != NULL)
        _fmpq_vec_clear(y, FLINT_MAX(G->k, 1));
    flint_free(lin);
    if (have_L)
        _pd_germ_clear(L);
    _pd_germ_clear(G);
    if (status == PD_OK)
        status = self_check(act, g, k, x, ctx, err);
    else if (status == PD_ELIMIT)
        decide(act, PD_UNKNOWN, PD_STEP_NONE, "time limit reached");
    return status;
}
