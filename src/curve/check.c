/* check.c: the check along a curve (MATH.md 6): compose, then on every
   interval the chain-rule identities, then the integral form and the
   verdict. */
#include "curve/identities.h"
#include "curve/integral.h"
#include <string.h>

const char *pd_curve_check_name(pd_curve_check_t c)
{
    switch (c) {
    case PD_CURVE_CLARKE:
        return "clarke";
    case PD_CURVE_FIELD:
        return "field";
    case PD_CURVE_CONVENTION:
        return "convention";
    default:
        return "?";
    }
}

static void cex_init(pd_curve_cex_struct *cex)
{
    cex->found = 0;
    cex->check = PD_CURVE_CONVENTION;
    cex->interval = -1;
    fmpq_init(cex->t);
    cex->n = cex->nslots = 0;
    cex->v = NULL;
    cex->vpoly = NULL;
    fmpq_init(cex->lhs);
    fmpq_init(cex->rhs);
    fmpq_poly_init(cex->lhs_poly);
    fmpq_poly_init(cex->rhs_poly);
    cex->pattern = NULL;
}

static void cex_clear(pd_curve_cex_struct *cex)
{
    slong k;
    fmpq_clear(cex->t);
    if (cex->v != NULL)
        _fmpq_vec_clear(cex->v, FLINT_MAX(cex->n, 1));
    if (cex->vpoly != NULL) {
        for (k = 0; k < cex->n; k++)
            fmpq_poly_clear(cex->vpoly + k);
        flint_free(cex->vpoly);
    }
    fmpq_clear(cex->lhs);
    fmpq_clear(cex->rhs);
    fmpq_poly_clear(cex->lhs_poly);
    fmpq_poly_clear(cex->rhs_poly);
    flint_free(cex->pattern);
}

static void interval_init(pd_curve_interval_struct *I, slong n, slong nslots)
{
    slong k;
    fmpq_init(I->sample);
    I->pattern = flint_calloc(FLINT_MAX(nslots, 1), sizeof(slong));
    I->ntied = 0;
    I->tied = NULL;
    I->tie_kind = NULL;
    fmpq_poly_init(I->f);
    fmpq_poly_init(I->df);
    for (k = 0; k < PD_CURVE_NCHECKS; k++)
        I->holds[k] = PD_UNKNOWN;
    I->clarke_pieces = I->clarke_undecided = I->field_choices = 0;
    I->conv_grad = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_poly_struct));
    for (k = 0; k < n; k++)
        fmpq_poly_init(I->conv_grad + k);
}

static void interval_clear(pd_curve_interval_struct *I, slong n)
{
    slong k;
    fmpq_clear(I->sample);
    flint_free(I->pattern);
    flint_free(I->tied);
    flint_free(I->tie_kind);
    fmpq_poly_clear(I->f);
    fmpq_poly_clear(I->df);
    for (k = 0; k < n; k++)
        fmpq_poly_clear(I->conv_grad + k);
    flint_free(I->conv_grad);
}

void pd_curve_result_init(pd_curve_result_t R)
{
    slong k;
    R->n = R->nslots = 0;
    R->npoints = 0;
    R->points = NULL;
    R->nintervals = 0;
    R->intervals = NULL;
    for (k = 0; k < PD_CURVE_NCHECKS; k++)
        R->holds[k] = PD_UNKNOWN;
    R->integral.holds = PD_UNKNOWN;
    fmpq_init(R->integral.lhs);
    R->integral.rhs_exact = 0;
    pd_realalg_init(R->integral.rhs);
    fmpq_init(R->integral.rhs_lo);
    fmpq_init(R->integral.rhs_hi);
    R->conservative = PD_UNKNOWN;
    cex_init(&R->cex);
    R->conv_name = NULL;
}

void pd_curve_result_clear(pd_curve_result_t R)
{
    slong k;
    for (k = 0; k < R->npoints; k++)
        pd_realalg_clear(R->points + k);
    flint_free(R->points);
    for (k = 0; k < R->nintervals; k++)
        interval_clear(R->intervals + k, R->n);
    flint_free(R->intervals);
    fmpq_clear(R->integral.lhs);
    pd_realalg_clear(R->integral.rhs);
    fmpq_clear(R->integral.rhs_lo);
    fmpq_clear(R->integral.rhs_hi);
    cex_clear(&R->cex);
    flint_free(R->conv_name);
    R->points = NULL;
    R->intervals = NULL;
    R->npoints = R->nintervals = 0;
    R->conv_name = NULL;
}

slong pd_curve_result_nbreakpoints(const pd_curve_result_t R)
{
    return FLINT_MAX(R->npoints - 2, 0);
}

const pd_realalg_struct *pd_curve_result_breakpoint(const pd_curve_result_t R,
                                                    slong j)
{
    return R->points + 1 + j;
}

slong pd_curve_result_locate(const pd_curve_result_t R, const fmpq_t t)
{
    slong lo = 0, hi = R->npoints - 1, mid;
    int c;
    if (R->npoints < 2)
        return -1;
    /* invariant: points[lo] < t < points[hi] once the ends are checked */
    if (pd_realalg_cmp_fmpq(R->points + lo, t) >= 0 ||
        pd_realalg_cmp_fmpq(R->points + hi, t) <= 0)
        return -1;
    while (hi - lo > 1) {
        mid = (lo + hi) / 2;
        c = pd_realalg_cmp_fmpq(R->points + mid, t);
        if (c == 0)
            return -1;
        if (c < 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* What tied node i can reveal on piece pc (MATH.md 6). */
static pd_curve_tie_kind_t tie_kind(const _pd_cpiece_struct *pc,
                                    const pd_prog_t P, slong i)
{
    const pd_node_struct *nd = P->nodes + i;
    slong j, k;
    switch (nd->op) {
    case PD_OP_MAX:
    case PD_OP_MIN:
        return fmpq_poly_degree(pc->val + i) >= 1 ? PD_CURVE_TIE_CHANGING
                                                  : PD_CURVE_TIE_CONSTANT;
    case PD_OP_SORT:
        /* changing if two identical entries are not constant */
        for (j = 0; j < nd->nargs; j++)
            for (k = j + 1; k < nd->nargs; k++)
                if (fmpq_poly_equal(pc->val + nd->args[j],
                                    pc->val + nd->args[k]) &&
                    fmpq_poly_degree(pc->val + nd->args[j]) >= 1)
                    return PD_CURVE_TIE_CHANGING;
        return PD_CURVE_TIE_CONSTANT;
    default:
        return PD_CURVE_TIE_ONE_ARG;
    }
}

pd_status_t pd_curve_check(pd_curve_result_t R, const pd_prog_t P,
                           const pd_curve_t g, const pd_conv_t C,
                           const pd_limits_t lim, pd_error_t err)
{
    _pd_compose_t comp;
    pd_limits_t dlim;
    const pd_limits_struct *L = lim;
    fmpq_poly_struct *dg = NULL;
    slong n = P->ninputs, k, i, K;
    pd_status_t status = PD_OK;

    pd_curve_result_clear(R);
    pd_curve_result_init(R);
    if (L == NULL) {
        pd_limits_init(dlim);
        L = dlim;
    }
    _pd_compose_init(comp, P);
    status = _pd_compose_run(comp, P, g, L, err);
    if (status != PD_OK)
        goto cleanup;

    R->n = n;
    R->nslots = P->nslots;
    R->conv_name = _pd_strdup(pd_conv_name(C));
    K = comp->npieces;
    R->npoints = K + 1;
    R->points = flint_malloc(R->npoints * sizeof(pd_realalg_struct));
    for (k = 0; k <= K; k++)
        pd_realalg_init(R->points + k);
    pd_realalg_set_fmpq(R->points + 0, g->a);
    for (k = 1; k < K; k++)
        _pd_realalg_set_qqbar(R->points + k, comp->pieces[k].lo);
    pd_realalg_set_fmpq(R->points + K, g->b);
    R->nintervals = K;
    R->intervals = flint_malloc(K * sizeof(pd_curve_interval_struct));
    for (k = 0; k < K; k++)
        interval_init(R->intervals + k, n, P->nslots);

    dg = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_poly_struct));
    for (i = 0; i < n; i++) {
        fmpq_poly_init(dg + i);
        fmpq_poly_derivative(dg + i, g->coord + i);
    }

    for (k = 0; k < K && status == PD_OK; k++) {
        pd_curve_interval_struct *I = R->intervals + k;
        const _pd_cpiece_struct *pc = comp->pieces + k;
        if (pd_limits_expired(L)) {
            status = pd_error_set(err, PD_ELIMIT,
                                  "time limit reached along the curve");
            break;
        }
        fmpq_set(I->sample, pc->sample);
        memcpy(I->pattern, pc->pattern, P->nslots * sizeof(slong));
        fmpq_poly_set(I->f, pc->val + P->output);
        fmpq_poly_derivative(I->df, I->f);
        I->tied = flint_malloc(FLINT_MAX(P->len, 1) * sizeof(slong));
        I->tie_kind =
            flint_malloc(FLINT_MAX(P->len, 1) * sizeof(pd_curve_tie_kind_t));
        for (i = 0; i < P->len; i++)
            if (pc->tied[i]) {
                I->tied[I->ntied] = i;
                I->tie_kind[I->ntied] = tie_kind(pc, P, i);
                I->ntied++;
            }
        status = _pd_curve_check_clarke(I, &R->cex, k, pc, P, g, dg, L, err);
        if (status == PD_OK)
            status = _pd_curve_check_field(I, &R->cex, k, pc, P, dg, err);
        if (status == PD_OK)
            status =
                _pd_curve_check_convention(I, &R->cex, k, pc, P, C, dg, err);
    }
    if (status != PD_OK)
        goto cleanup;

    status = _pd_curve_integral(&R->integral, R, g, dg, err);
    if (status != PD_OK)
        goto cleanup;

    for (i = 0; i < PD_CURVE_NCHECKS; i++) {
        R->holds[i] = PD_TRUE;
        for (k = 0; k < K; k++) {
            if (R->intervals[k].holds[i] == PD_FALSE)
                R->holds[i] = PD_FALSE;
            else if (R->intervals[k].holds[i] == PD_UNKNOWN &&
                     R->holds[i] == PD_TRUE)
                R->holds[i] = PD_UNKNOWN;
        }
    }
    R->conservative = R->integral.holds;
    for (i = 0; i < PD_CURVE_NCHECKS; i++) {
        if (R->holds[i] == PD_FALSE)
            R->conservative = PD_FALSE;
        else if (R->holds[i] == PD_UNKNOWN && R->conservative == PD_TRUE)
            R->conservative = PD_UNKNOWN;
    }

cleanup:
    if (dg != NULL) {
        for (i = 0; i < n; i++)
            fmpq_poly_clear(dg + i);
        flint_free(dg);
    }
    _pd_compose_clear(comp);
    if (status != PD_OK) {
        pd_curve_result_clear(R);
        pd_curve_result_init(R);
    }
    return status;
}
