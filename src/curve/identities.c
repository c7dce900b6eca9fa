/* identities.c: the chain rule (f o gamma)' = <v, gamma'> as identities in
   Q[t] on one interval, for the backprop field's vertex choices, the
   Clarke pieces and a convention (MATH.md 6). */
#include "curve/identities.h"
#include "pathdiff/subdiff.h"
#include <string.h>

/* 1 if <v, dg> == df; r receives <v, dg>. */
static int identity_holds(fmpq_poly_t r, const fmpq_poly_struct *v,
                          const fmpq_poly_struct *dg, slong n,
                          const fmpq_poly_t df)
{
    _pd_poly_dot(r, v, dg, n);
    return fmpq_poly_equal(r, df);
}

void _pd_curve_cex_record(pd_curve_cex_struct *cex, pd_curve_check_t check,
                          slong interval, const fmpq_t t,
                          const fmpq_poly_struct *v, slong n,
                          const fmpq_poly_t lhs_poly,
                          const fmpq_poly_t rhs_poly, const slong *pattern,
                          slong nslots)
{
    slong k;
    if (cex->found)
        return;
    cex->found = 1;
    cex->check = check;
    cex->interval = interval;
    fmpq_set(cex->t, t);
    cex->n = n;
    cex->nslots = nslots;
    cex->v = _fmpq_vec_init(FLINT_MAX(n, 1));
    cex->vpoly = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_poly_struct));
    for (k = 0; k < n; k++) {
        fmpq_poly_init(cex->vpoly + k);
        fmpq_poly_set(cex->vpoly + k, v + k);
        fmpq_poly_evaluate_fmpq(cex->v + k, v + k, t);
    }
    fmpq_poly_set(cex->lhs_poly, lhs_poly);
    fmpq_poly_set(cex->rhs_poly, rhs_poly);
    fmpq_poly_evaluate_fmpq(cex->lhs, lhs_poly, t);
    fmpq_poly_evaluate_fmpq(cex->rhs, rhs_poly, t);
    cex->pattern = flint_calloc(FLINT_MAX(nslots, 1), sizeof(slong));
    if (pattern != NULL)
        memcpy(cex->pattern, pattern, nslots * sizeof(slong));
}

/* ---------------------------------------------------------------------- */
/* Active choices of a tied node on an interval                           */
/* ---------------------------------------------------------------------- */

/* The active choices of nonsmooth node i at the piece's sample (the same
   on the whole interval), each ns = pd_prog_node_nslots slots, into a
   growable array; returns their number, or -1 if over `limit`. */
static slong active_choices(slong **out, const _pd_cpiece_struct *pc,
                            const pd_prog_t P, slong i, slong limit)
{
    const pd_node_struct *nd = P->nodes + i;
    slong nargs = nd->nargs, ns = pd_prog_node_nslots(P, i), k, count = 0;
    fmpq *av = _fmpq_vec_init(nargs);
    slong *canon = flint_malloc(ns * sizeof(slong));

    for (k = 0; k < nargs; k++)
        fmpq_poly_evaluate_fmpq(av + k, pc->val + nd->args[k], pc->sample);
    _pd_node_choice_fmpq(canon, P, i, av);
    *out = NULL;
    if (nd->op != PD_OP_SORT) {
        /* branches whose value equals the node's value at the sample */
        slong nb = pd_prog_nbranches(P, i), b;
        *out = flint_malloc(nb * sizeof(slong));
        for (b = 0; b < nb; b++) {
            int active;
            switch (nd->op) {
            case PD_OP_MAX:
            case PD_OP_MIN:
                active = fmpq_equal(av + b, av + canon[0]);
                break;
            case PD_OP_CLAMP:
            case PD_OP_HARDTANH:
            case PD_OP_RELU6:
                active = (b == 0 && fmpq_cmp(av, nd->c) <= 0) ||
                         (b == 1 && fmpq_cmp(av, nd->c) >= 0 &&
                          fmpq_cmp(av, nd->c2) <= 0) ||
                         (b == 2 && fmpq_cmp(av, nd->c2) >= 0);
                break;
            default: /* relu, abs, leaky_relu */
                active = (b == 1 && fmpq_sgn(av) >= 0) ||
                         (b == 0 && fmpq_sgn(av) <= 0);
                break;
            }
            if (active)
                (*out)[count++] = b;
        }
    } else {
        /* permutations of each block of equal entries of the stable order */
        slong total = 1, j, s, e, c;
        slong *cur;
        for (s = 0; s < nargs; s = e) {
            for (e = s + 1;
                 e < nargs && fmpq_equal(av + canon[e], av + canon[s]); e++)
                ;
            for (j = 2; j <= e - s; j++) {
                if (total > limit / j) {
                    total = -1;
                    break;
                }
                total *= j;
            }
            if (total < 0)
                break;
        }
        if (total < 0 || total > limit) {
            count = -1;
            goto done;
        }
        *out = flint_malloc(total * ns * sizeof(slong));
        cur = flint_malloc(ns * sizeof(slong));
        memcpy(cur, canon, ns * sizeof(slong));
        for (c = 0; c < total; c++) {
            memcpy(*out + c * ns, cur, ns * sizeof(slong));
            /* advance: the odometer of next permutations, last block
               fastest; a block that wraps returns to ascending order */
            for (e = nargs; e > 0; e = s) {
                slong a, b2, tmp;
                for (s = e - 1;
                     s > 0 && fmpq_equal(av + canon[s - 1], av + canon[e - 1]);
                     s--)
                    ;
                /* next permutation of cur[s..e) */
                for (a = e - 2; a >= s && cur[a] > cur[a + 1]; a--)
                    ;
                if (a >= s) {
                    for (b2 = e - 1; cur[b2] < cur[a]; b2--)
                        ;
                    tmp = cur[a];
                    cur[a] = cur[b2];
                    cur[b2] = tmp;
                    for (a = a + 1, b2 = e - 1; a < b2; a++, b2--) {
                        tmp = cur[a];
                        cur[a] = cur[b2];
                        cur[b2] = tmp;
                    }
                    break;
                }
                /* wrap: back to ascending (the stable order) */
                memcpy(cur + s, canon + s, (e - s) * sizeof(slong));
            }
        }
        flint_free(cur);
        count = total;
    }
done:
    _fmpq_vec_clear(av, nargs);
    flint_free(canon);
    return count;
}

/* ---------------------------------------------------------------------- */
/* Backprop field                                                          */
/* ---------------------------------------------------------------------- */

/* Forward mode, node by node: with exact tangents on the arguments, does
   every active choice of every tied node give the exact tangent of the
   node?  If so, by induction every vertex choice of the field satisfies
   the chain rule along the interval. */
static int field_nodewise(const _pd_cpiece_struct *pc, const pd_prog_t P,
                          slong **choices, const slong *nchoices,
                          const slong *tied, slong ntied)
{
    slong j, c, k, maxargs = 1;
    fmpq_poly_t a, s, ti;
    fmpq *w;
    int ok = 1;

    for (j = 0; j < ntied; j++)
        maxargs = FLINT_MAX(maxargs, P->nodes[tied[j]].nargs);
    w = _fmpq_vec_init(maxargs);
    fmpq_poly_init(a);
    fmpq_poly_init(s);
    fmpq_poly_init(ti);
    for (j = 0; j < ntied && ok; j++) {
        slong i = tied[j];
        const pd_node_struct *nd = P->nodes + i;
        slong ns = pd_prog_node_nslots(P, i);
        if (nd->op == PD_OP_SORT) {
            /* entry j of the sorted vector reads args[perm[j]]: its tangent
               must not depend on which sorting permutation is used */
            for (c = 1; c < nchoices[j] && ok; c++)
                for (k = 0; k < ns && ok; k++) {
                    fmpq_poly_derivative(
                        a, pc->val + nd->args[choices[j][c * ns + k]]);
                    fmpq_poly_derivative(s, pc->val + nd->args[choices[j][k]]);
                    ok = fmpq_poly_equal(a, s);
                }
            continue;
        }
        fmpq_poly_derivative(ti, pc->val + i);
        for (c = 0; c < nchoices[j] && ok; c++) {
            _pd_branch_weights(w, P, i, choices[j][c]);
            fmpq_poly_zero(a);
            for (k = 0; k < nd->nargs; k++) {
                fmpq_poly_derivative(s, pc->val + nd->args[k]);
                fmpq_poly_scalar_mul_fmpq(s, s, w + k);
                fmpq_poly_add(a, a, s);
            }
            ok = fmpq_poly_equal(a, ti);
        }
    }
    fmpq_poly_clear(a);
    fmpq_poly_clear(s);
    fmpq_poly_clear(ti);
    _fmpq_vec_clear(w, maxargs);
    return ok;
}

pd_status_t _pd_curve_check_field(pd_curve_interval_struct *I,
                                  pd_curve_cex_struct *cex, slong index,
                                  const _pd_cpiece_struct *pc,
                                  const pd_prog_t P, const fmpq_poly_struct *dg,
                                  pd_error_t err)
{
    slong n = P->ninputs, j, k, total = 1;
    slong **choices = NULL, *nchoices = NULL, *digit = NULL, *pattern = NULL;
    fmpq_poly_struct *v = NULL;
    fmpq_poly_t r;
    pd_status_t status = PD_OK;
    int too_many = 0;

    fmpq_poly_init(r);
    choices = flint_calloc(FLINT_MAX(I->ntied, 1), sizeof(slong *));
    nchoices = flint_calloc(FLINT_MAX(I->ntied, 1), sizeof(slong));
    digit = flint_calloc(FLINT_MAX(I->ntied, 1), sizeof(slong));
    for (j = 0; j < I->ntied; j++) {
        nchoices[j] = active_choices(choices + j, pc, P, I->tied[j],
                                     PD_CURVE_MAX_CHOICES);
        if (nchoices[j] < 0) {
            too_many = 1;
            break;
        }
        if (total > PD_CURVE_MAX_CHOICES / nchoices[j])
            too_many = 1;
        else
            total *= nchoices[j];
    }
    if (too_many) {
        /* more vertex choices than PD_CURVE_MAX_CHOICES: prove the field
           node by node.  A sort with too many permutations has nchoices -1:
           its tied entries are identical polynomials, so every sorting
           permutation gives the same tangents; skip it. */
        I->field_choices = 0;
        for (k = 0; k < I->ntied; k++) {
            if (k > j)
                nchoices[k] = active_choices(choices + k, pc, P, I->tied[k],
                                             PD_CURVE_MAX_CHOICES);
            if (nchoices[k] < 0)
                nchoices[k] = 0;
        }
        if (!field_nodewise(pc, P, choices, nchoices, I->tied, I->ntied)) {
            status =
                pd_error_set(err, PD_EINTERNAL,
                             "internal error: a vertex of a primitive's Clarke "
                             "Jacobian broke the chain rule along the curve");
            goto cleanup;
        }
        I->holds[PD_CURVE_FIELD] = PD_TRUE;
        goto cleanup;
    }

    /* every vertex choice, as an odometer over the tied nodes */
    v = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_poly_struct));
    for (k = 0; k < n; k++)
        fmpq_poly_init(v + k);
    pattern = flint_malloc(FLINT_MAX(P->nslots, 1) * sizeof(slong));
    memcpy(pattern, pc->pattern, P->nslots * sizeof(slong));
    I->holds[PD_CURVE_FIELD] = PD_TRUE;
    I->field_choices = total;
    for (;;) {
        for (j = 0; j < I->ntied; j++) {
            slong i = I->tied[j], ns = pd_prog_node_nslots(P, i);
            memcpy(pattern + P->nodes[i].slot, choices[j] + digit[j] * ns,
                   ns * sizeof(slong));
        }
        _pd_backprop_poly(v, P, pc->val, pattern, NULL, NULL);
        if (!identity_holds(r, v, dg, n, I->df)) {
            I->holds[PD_CURVE_FIELD] = PD_FALSE;
            _pd_curve_cex_record(cex, PD_CURVE_FIELD, index, I->sample, v, n,
                                 I->df, r, pattern, P->nslots);
            break;
        }
        for (j = I->ntied - 1; j >= 0; j--) {
            if (++digit[j] < nchoices[j])
                break;
            digit[j] = 0;
        }
        if (j < 0)
            break;
    }
cleanup:
    if (v != NULL) {
        for (k = 0; k < n; k++)
            fmpq_poly_clear(v + k);
        flint_free(v);
    }
    for (j = 0; j < I->ntied; j++)
        flint_free(choices[j]);
    flint_free(choices);
    flint_free(nchoices);
    flint_free(digit);
    flint_free(pattern);
    fmpq_poly_clear(r);
    return status;
}

/* ---------------------------------------------------------------------- */
/* Convention                                                              */
/* ---------------------------------------------------------------------- */

pd_status_t _pd_curve_check_convention(pd_curve_interval_struct *I,
                                       pd_curve_cex_struct *cex, slong index,
                                       const _pd_cpiece_struct *pc,
                                       const pd_prog_t P, const pd_conv_t C,
                                       const fmpq_poly_struct *dg,
                                       pd_error_t err)
{
    slong n = P->ninputs, i, k, nw = 0, maxargs = 1;
    slong *woff, *pattern;
    fmpq *w, *av;
    fmpq_poly_t r;
    pd_status_t status = PD_OK;

    woff = flint_malloc(FLINT_MAX(P->len, 1) * sizeof(slong));
    for (i = 0; i < P->len; i++) {
        const pd_node_struct *nd = P->nodes + i;
        woff[i] = -1;
        maxargs = FLINT_MAX(maxargs, nd->nargs);
        if (pd_op_is_nonsmooth(nd->op) && nd->op != PD_OP_SORT) {
            woff[i] = nw;
            nw += nd->nargs;
        }
    }
    w = _fmpq_vec_init(FLINT_MAX(nw, 1));
    av = _fmpq_vec_init(maxargs);
    pattern = flint_malloc(FLINT_MAX(P->nslots, 1) * sizeof(slong));
    memcpy(pattern, pc->pattern, P->nslots * sizeof(slong));
    fmpq_poly_init(r);

    /* the convention's local derivatives at gamma(sample): ties are
       constant on the open interval, so they hold on all of it */
    for (i = 0; i < P->len && status == PD_OK; i++) {
        const pd_node_struct *nd = P->nodes + i;
        if (!pd_op_is_nonsmooth(nd->op))
            continue;
        for (k = 0; k < nd->nargs; k++)
            fmpq_poly_evaluate_fmpq(av + k, pc->val + nd->args[k], pc->sample);
        if (nd->op == PD_OP_SORT)
            status =
                pd_conv_local_fmpq(NULL, pattern + nd->slot, C, P, i, av, err);
        else
            status = pd_conv_local_fmpq(w + woff[i], NULL, C, P, i, av, err);
    }
    if (status != PD_OK)
        goto cleanup;
    _pd_backprop_poly(I->conv_grad, P, pc->val, pattern, w, woff);
    if (identity_holds(r, I->conv_grad, dg, n, I->df)) {
        I->holds[PD_CURVE_CONVENTION] = PD_TRUE;
    } else {
        I->holds[PD_CURVE_CONVENTION] = PD_FALSE;
        _pd_curve_cex_record(cex, PD_CURVE_CONVENTION, index, I->sample,
                             I->conv_grad, n, I->df, r, NULL, P->nslots);
    }
cleanup:
    fmpq_poly_clear(r);
    flint_free(woff);
    flint_free(pattern);
    _fmpq_vec_clear(w, FLINT_MAX(nw, 1));
    _fmpq_vec_clear(av, maxargs);
    return status;
}

/* ---------------------------------------------------------------------- */
/* Clarke                                                                  */
/* ---------------------------------------------------------------------- */

pd_status_t _pd_curve_check_clarke(pd_curve_interval_struct *I,
                                   pd_curve_cex_struct *cex, slong index,
                                   const _pd_cpiece_struct *pc,
                                   const pd_prog_t P, const pd_curve_t g,
                                   const fmpq_poly_struct *dg,
                                   const pd_limits_t lim, pd_error_t err)
{
    slong n = P->ninputs, k, j, m, ndist = 0;
    fmpq *x, *vt;
    fmpq_poly_struct *v, *seen = NULL;
    fmpq_poly_t r;
    pd_clarke_t Cl;
    pd_status_t status;

    x = _fmpq_vec_init(FLINT_MAX(n, 1));
    vt = _fmpq_vec_init(FLINT_MAX(n, 1));
    v = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq_poly_struct));
    for (k = 0; k < n; k++) {
        fmpq_poly_init(v + k);
        fmpq_poly_evaluate_fmpq(x + k, g->coord + k, pc->sample);
    }
    fmpq_poly_init(r);
    pd_clarke_init(Cl);
    status = pd_clarke_at(Cl, P, x, lim, err);
    if (status != PD_OK)
        goto cleanup;
    I->holds[PD_CURVE_CLARKE] = PD_TRUE;
    I->clarke_undecided = Cl->undecided;
    seen =
        flint_malloc(FLINT_MAX(Cl->npieces * n, 1) * sizeof(fmpq_poly_struct));
    for (j = 0; j < Cl->npieces; j++) {
        const pd_clarke_piece_struct *pcs = Cl->pieces + j;
        int dup = 0;
        if (pcs->essentially_active == PD_FALSE)
            continue;
        _pd_backprop_poly(v, P, pc->val, pcs->pattern, NULL, NULL);
        /* the piece gradient along the curve must agree with Clarke's
           exact gradient at the sample: the two computations meet here */
        for (k = 0; k < n; k++) {
            fmpq_poly_evaluate_fmpq(vt + k, v + k, pc->sample);
            if (!fmpq_equal(vt + k, pcs->gradient + k)) {
                status = pd_error_set(
                    err, PD_EINTERNAL,
                    "internal error: piece gradient along the curve "
                    "differs from the Clarke gradient at t = sample");
                goto cleanup;
            }
        }
        for (m = 0; m < ndist && !dup; m++) {
            dup = 1;
            for (k = 0; k < n && dup; k++)
                dup = fmpq_poly_equal(seen + m * n + k, v + k);
        }
        if (!dup) {
            for (k = 0; k < n; k++) {
                fmpq_poly_init(seen + ndist * n + k);
                fmpq_poly_set(seen + ndist * n + k, v + k);
            }
            ndist++;
        }
        if (!identity_holds(r, v, dg, n, I->df)) {
            if (I->holds[PD_CURVE_CLARKE] == PD_TRUE)
                _pd_curve_cex_record(cex, PD_CURVE_CLARKE, index, I->sample, v,
                                     n, I->df, r, pcs->pattern, P->nslots);
            I->holds[PD_CURVE_CLARKE] = PD_FALSE;
        }
    }
    I->clarke_pieces = ndist;
cleanup:
    if (seen != NULL) {
        for (k = 0; k < ndist * n; k++)
            fmpq_poly_clear(seen + k);
        flint_free(seen);
    }
    pd_clarke_clear(Cl);
    fmpq_poly_clear(r);
    for (k = 0; k < n; k++)
        fmpq_poly_clear(v + k);
    flint_free(v);
    _fmpq_vec_clear(x, FLINT_MAX(n, 1));
    _fmpq_vec_clear(vt, FLINT_MAX(n, 1));
    return status;
}
