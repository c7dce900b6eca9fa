/* compose.c: the program composed with a polynomial curve (MATH.md 6):
   node polynomials in t, piece by piece, splitting at the real roots of
   the guards in topological order. */
#include "curve/curve-impl.h"
#include <string.h>

static void piece_init(_pd_cpiece_struct *p, slong len, slong nslots)
{
    slong i;
    qqbar_init(p->lo);
    qqbar_init(p->hi);
    fmpq_init(p->sample);
    p->val = flint_malloc(FLINT_MAX(len, 1) * sizeof(fmpq_poly_struct));
    for (i = 0; i < len; i++)
        fmpq_poly_init(p->val + i);
    p->tied = flint_calloc(FLINT_MAX(len, 1), sizeof(int));
    p->pattern = flint_calloc(FLINT_MAX(nslots, 1), sizeof(slong));
}

static void piece_clear(_pd_cpiece_struct *p, slong len)
{
    slong i;
    qqbar_clear(p->lo);
    qqbar_clear(p->hi);
    fmpq_clear(p->sample);
    for (i = 0; i < len; i++)
        fmpq_poly_clear(p->val + i);
    flint_free(p->val);
    flint_free(p->tied);
    flint_free(p->pattern);
}

/* dst gets src's node data for nodes below upto (dst initialised). */
static void piece_copy_upto(_pd_cpiece_struct *dst,
                            const _pd_cpiece_struct *src, slong upto,
                            slong nslots)
{
    slong i;
    for (i = 0; i < upto; i++)
        fmpq_poly_set(dst->val + i, src->val + i);
    memcpy(dst->tied, src->tied, upto * sizeof(int));
    memcpy(dst->pattern, src->pattern, nslots * sizeof(slong));
}

void _pd_compose_init(_pd_compose_t C, const pd_prog_t P)
{
    C->len = P->len;
    C->nslots = P->nslots;
    C->done = 0;
    C->npieces = 0;
    C->alloc = 0;
    C->pieces = NULL;
}

void _pd_compose_clear(_pd_compose_t C)
{
    slong j;
    for (j = 0; j < C->npieces; j++)
        piece_clear(C->pieces + j, C->len);
    flint_free(C->pieces);
    C->pieces = NULL;
    C->npieces = C->alloc = 0;
}

/* Append an initialised piece to a list. */
static _pd_cpiece_struct *list_push(_pd_cpiece_struct **v, slong *n,
                                    slong *alloc, slong len, slong nslots)
{
    if (*n == *alloc) {
        *alloc = FLINT_MAX(8, 2 * *alloc);
        *v = flint_realloc(*v, *alloc * sizeof(_pd_cpiece_struct));
    }
    piece_init(*v + *n, len, nslots);
    return *v + (*n)++;
}

/* ---------------------------------------------------------------------- */
/* Choices at exact values                                                 */
/* ---------------------------------------------------------------------- */

typedef struct {
    const fmpq *val;
    slong idx;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    int c = fmpq_cmp(x->val, y->val);
    if (c != 0)
        return c;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

int _pd_node_choice_fmpq(slong *choice, const pd_prog_t P, slong i,
                         const fmpq *argval)
{
    const pd_node_struct *nd = P->nodes + i;
    slong k, best;
    int c, tied = 0;

    switch (nd->op) {
    case PD_OP_RELU:
    case PD_OP_ABS:
    case PD_OP_LEAKY_RELU:
        c = fmpq_sgn(argval + 0);
        choice[0] = c > 0;
        return c == 0;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6: {
        int clo = fmpq_cmp(argval + 0, nd->c);
        int chi = fmpq_cmp(argval + 0, nd->c2);
        if (clo < 0) {
            choice[0] = 0;
        } else if (clo == 0) {
            choice[0] = 0;
            tied = 1;
        } else if (chi < 0) {
            choice[0] = 1;
        } else {
            choice[0] = chi == 0 ? 1 : 2;
            tied = chi == 0;
        }
        return tied;
    }
    case PD_OP_MAX:
    case PD_OP_MIN:
        best = 0;
        for (k = 1; k < nd->nargs; k++) {
            c = fmpq_cmp(argval + k, argval + best);
            if (nd->op == PD_OP_MIN)
                c = -c;
            if (c > 0) {
                best = k;
                tied = 0;
            } else if (c == 0) {
                tied = 1;
            }
        }
        choice[0] = best;
        return tied;
    case PD_OP_SORT: {
        ranked *r = flint_malloc(nd->nargs * sizeof(ranked));
        for (k = 0; k < nd->nargs; k++) {
            r[k].val = argval + k;
            r[k].idx = k;
        }
        qsort(r, nd->nargs, sizeof(ranked), ranked_cmp);
        for (k = 0; k < nd->nargs; k++) {
            choice[k] = r[k].idx;
            if (k > 0 && fmpq_equal(r[k].val, r[k - 1].val))
                tied = 1;
        }
        flint_free(r);
        return tied;
    }
    default:
        return 0;
    }
}

void _pd_branch_weights(fmpq *w, const pd_prog_t P, slong i, slong b)
{
    const pd_node_struct *nd = P->nodes + i;
    slong k;
    switch (nd->op) {
    case PD_OP_RELU:
        fmpq_set_si(w + 0, b == 1, 1);
        break;
    case PD_OP_ABS:
        fmpq_set_si(w + 0, b == 1 ? 1 : -1, 1);
        break;
    case PD_OP_LEAKY_RELU:
        if (b == 1)
            fmpq_one(w + 0);
        else
            fmpq_set(w + 0, nd->c);
        break;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
        fmpq_set_si(w + 0, b == 1, 1);
        break;
    case PD_OP_MAX:
    case PD_OP_MIN:
        for (k = 0; k < nd->nargs; k++)
            fmpq_set_si(w + k, k == b, 1);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Node polynomials                                                        */
/* ---------------------------------------------------------------------- */

static pd_status_t degree_check(const fmpq_poly_t p, slong i, pd_error_t err)
{
    if (fmpq_poly_degree(p) > PD_CURVE_MAX_DEGREE)
        return pd_error_set(err, PD_ELIMIT,
                            "node %ld has degree over %ld along the curve",
                            (long)i, (long)PD_CURVE_MAX_DEGREE);
    return PD_OK;
}

/* The polynomial of smooth node i on piece pc (its arguments are done). */
static pd_status_t smooth_node(_pd_cpiece_struct *pc, const pd_prog_t P,
                               const pd_curve_t g, slong i, pd_error_t err)
{
    const pd_node_struct *nd = P->nodes + i;
    fmpq_poly_struct *r = pc->val + i;
    const fmpq_poly_struct *a0 = nd->nargs > 0 ? pc->val + nd->args[0] : NULL;
    const fmpq_poly_struct *a1 = nd->nargs > 1 ? pc->val + nd->args[1] : NULL;

    switch (nd->op) {
    case PD_OP_CONST:
        fmpq_poly_set_fmpq(r, nd->c);
        break;
    case PD_OP_INPUT:
        fmpq_poly_set(r, g->coord + nd->index);
        break;
    case PD_OP_ADD:
        fmpq_poly_add(r, a0, a1);
        break;
    case PD_OP_SUB:
        fmpq_poly_sub(r, a0, a1);
        break;
    case PD_OP_MUL:
        if (fmpq_poly_degree(a0) + fmpq_poly_degree(a1) > PD_CURVE_MAX_DEGREE)
            return pd_error_set(err, PD_ELIMIT,
                                "node %ld has degree over %ld along the curve",
                                (long)i, (long)PD_CURVE_MAX_DEGREE);
        fmpq_poly_mul(r, a0, a1);
        break;
    case PD_OP_NEG:
        fmpq_poly_neg(r, a0);
        break;
    case PD_OP_DIV:
        fmpq_poly_scalar_div_fmpq(r, a0, nd->c);
        break;
    case PD_OP_POW:
        if (fmpq_poly_degree(a0) > 0 &&
            nd->index > PD_CURVE_MAX_DEGREE / fmpq_poly_degree(a0))
            return pd_error_set(err, PD_ELIMIT,
                                "node %ld has degree over %ld along the curve",
                                (long)i, (long)PD_CURVE_MAX_DEGREE);
        fmpq_poly_pow(r, a0, (ulong)nd->index);
        break;
    case PD_OP_SORTED: {
        const pd_node_struct *s = P->nodes + nd->args[0];
        slong src = s->args[pc->pattern[s->slot + nd->index]];
        fmpq_poly_set(r, pc->val + src);
        break;
    }
    default:
        return pd_error_set(err, PD_EINTERNAL, "node %ld is not smooth",
                            (long)i);
    }
    return degree_check(r, i, err);
}

/* The polynomial of nonsmooth node i (not SORT) under branch b. */
static void branch_value(fmpq_poly_t r, const _pd_cpiece_struct *pc,
                         const pd_prog_t P, slong i, slong b)
{
    const pd_node_struct *nd = P->nodes + i;
    const fmpq_poly_struct *u = pc->val + nd->args[0];
    switch (nd->op) {
    case PD_OP_RELU:
        if (b == 1)
            fmpq_poly_set(r, u);
        else
            fmpq_poly_zero(r);
        break;
    case PD_OP_ABS:
        if (b == 1)
            fmpq_poly_set(r, u);
        else
            fmpq_poly_neg(r, u);
        break;
    case PD_OP_LEAKY_RELU:
        if (b == 1)
            fmpq_poly_set(r, u);
        else
            fmpq_poly_scalar_mul_fmpq(r, u, nd->c);
        break;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
        if (b == 0)
            fmpq_poly_set_fmpq(r, nd->c);
        else if (b == 1)
            fmpq_poly_set(r, u);
        else
            fmpq_poly_set_fmpq(r, nd->c2);
        break;
    case PD_OP_MAX:
    case PD_OP_MIN:
        fmpq_poly_set(r, pc->val + nd->args[b]);
        break;
    default:
        fmpq_poly_zero(r);
        break;
    }
}

/* The polynomials whose real roots may change node i's choice or tie:
   the argument (relu, abs, leaky_relu), its distances to the bounds
   (clamp family), the pairwise differences (max, min, sort).  Zero and
   constant polynomials are left out. */
static slong guard_polys(fmpq_poly_struct *G, const _pd_cpiece_struct *pc,
                         const pd_prog_t P, slong i)
{
    const pd_node_struct *nd = P->nodes + i;
    slong k, j, m = 0;
    fmpq_poly_t c;

    fmpq_poly_init(c);
    switch (nd->op) {
    case PD_OP_RELU:
    case PD_OP_ABS:
    case PD_OP_LEAKY_RELU:
        fmpq_poly_set(G + m++, pc->val + nd->args[0]);
        break;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
        fmpq_poly_set_fmpq(c, nd->c);
        fmpq_poly_sub(G + m++, pc->val + nd->args[0], c);
        if (!fmpq_equal(nd->c, nd->c2)) {
            fmpq_poly_set_fmpq(c, nd->c2);
            fmpq_poly_sub(G + m++, pc->val + nd->args[0], c);
        }
        break;
    default:
        for (k = 0; k < nd->nargs; k++)
            for (j = k + 1; j < nd->nargs; j++)
                fmpq_poly_sub(G + m++, pc->val + nd->args[k],
                              pc->val + nd->args[j]);
        break;
    }
    fmpq_poly_clear(c);
    /* drop constants (zero included): they have no roots */
    for (k = 0, j = 0; k < m; k++)
        if (fmpq_poly_degree(G + k) >= 1)
            fmpq_poly_swap(G + j++, G + k);
    return j;
}

/* For max/min: is r (a root of some guard) a point where node i is tied at
   gamma(r) while it is not on the piece to its left (choice `left`)?  Some
   argument not identical to the chosen one reaches its value at r. */
static int max_tie_point(const _pd_cpiece_struct *pc, const pd_prog_t P,
                         slong i, slong left, const qqbar_t r)
{
    const pd_node_struct *nd = P->nodes + i;
    fmpq_poly_t d;
    slong k;
    int tie = 0;
    fmpq_poly_init(d);
    for (k = 0; k < nd->nargs && !tie; k++) {
        fmpq_poly_sub(d, pc->val + nd->args[k], pc->val + nd->args[left]);
        if (fmpq_poly_degree(d) < 1)
            continue;
        if (_pd_qqbar_sgn_fmpq_poly(d, r) == 0)
            tie = 1;
    }
    fmpq_poly_clear(d);
    return tie;
}

/* Split piece pc at node i into out.  The last sub-piece takes over pc's
   node arrays (pc is discarded by the caller afterwards), the others copy
   them. */
static pd_status_t split_node(_pd_cpiece_struct **out, slong *nout, slong *aout,
                              _pd_cpiece_struct *pc, const pd_prog_t P, slong i,
                              pd_error_t err)
{
    const pd_node_struct *nd = P->nodes + i;
    slong ns = pd_prog_node_nslots(P, i), nargs = nd->nargs;
    slong ng, k, j, m = 0, malloc_ = 0, nsub, start;
    fmpq_poly_struct *G;
    qqbar_ptr roots = NULL;
    fmpq *argval;
    slong *choice;
    int *tied;
    fmpq *samples;
    pd_status_t status = PD_OK;

    G = flint_malloc(FLINT_MAX(1, nargs * nargs + 2) *
                     sizeof(fmpq_poly_struct));
    for (k = 0; k < nargs * nargs + 2; k++)
        fmpq_poly_init(G + k);
    ng = guard_polys(G, pc, P, i);
    for (k = 0; k < ng; k++)
        _pd_qqbar_roots_open(&roots, &m, &malloc_, G + k, pc->lo, pc->hi);
    m = _pd_qqbar_sort_unique(roots, m);

    nsub = m + 1;
    argval = _fmpq_vec_init(nargs);
    choice = flint_malloc(nsub * FLINT_MAX(ns, 1) * sizeof(slong));
    tied = flint_malloc(nsub * sizeof(int));
    samples = _fmpq_vec_init(nsub);

    /* sub-piece k runs from (k == 0 ? lo : roots[k-1]) to
       (k == m ? hi : roots[k]) */
    for (k = 0; k < nsub; k++) {
        const qqbar_struct *lo = k == 0 ? pc->lo : roots + k - 1;
        const qqbar_struct *hi = k == m ? pc->hi : roots + k;
        if (m == 0)
            fmpq_set(samples + k, pc->sample);
        else
            _pd_qqbar_simplest_between(samples + k, lo, hi);
        for (j = 0; j < nargs; j++)
            fmpq_poly_evaluate_fmpq(argval + j, pc->val + nd->args[j],
                                    samples + k);
        tied[k] = _pd_node_choice_fmpq(choice + k * ns, P, i, argval);
    }

    /* Merge neighbours with the same choice and tie across a root that is
       not a tie point (only max/min can have such roots: every root of the
       other guards ties the node). */
    start = 0;
    for (k = 0; k < nsub; k++) {
        int merge_next = 0;
        _pd_cpiece_struct *q;
        if (k + 1 < nsub && (nd->op == PD_OP_MAX || nd->op == PD_OP_MIN) &&
            choice[k] == choice[k + 1] && tied[k] == tied[k + 1] &&
            !max_tie_point(pc, P, i, choice[k], roots + k))
            merge_next = 1;
        if (merge_next)
            continue;
        /* emit sub-pieces start..k as one piece */
        q = list_push(out, nout, aout, P->len, P->nslots);
        if (k == nsub - 1) {
            fmpq_poly_struct *tv = q->val;
            int *tt = q->tied;
            slong *tp = q->pattern;
            q->val = pc->val;
            q->tied = pc->tied;
            q->pattern = pc->pattern;
            pc->val = tv;
            pc->tied = tt;
            pc->pattern = tp;
        } else {
            piece_copy_upto(q, pc, i, P->nslots);
        }
        qqbar_set(q->lo, start == 0 ? pc->lo : roots + start - 1);
        qqbar_set(q->hi, k == m ? pc->hi : roots + k);
        if (start == k)
            fmpq_set(q->sample, samples + k);
        else
            _pd_qqbar_simplest_between(q->sample, q->lo, q->hi);
        memcpy(q->pattern + nd->slot, choice + k * ns, ns * sizeof(slong));
        q->tied[i] = tied[k];
        if (nd->op != PD_OP_SORT)
            branch_value(q->val + i, q, P, i, choice[k * ns]);
        status = degree_check(q->val + i, i, err);
        if (status != PD_OK)
            break;
        start = k + 1;
    }

    for (k = 0; k < nargs * nargs + 2; k++)
        fmpq_poly_clear(G + k);
    flint_free(G);
    for (k = 0; k < malloc_; k++)
        qqbar_clear(roots + k);
    flint_free(roots);
    _fmpq_vec_clear(argval, nargs);
    _fmpq_vec_clear(samples, nsub);
    flint_free(choice);
    flint_free(tied);
    return status;
}

pd_status_t _pd_compose_run(_pd_compose_t C, const pd_prog_t P,
                            const pd_curve_t g, const pd_limits_t lim,
                            pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong i, j;
    _pd_cpiece_struct *p;

    if (P->output < 0)
        return pd_error_set(err, PD_EINVAL, "the program has no output");
    if (g->n != P->ninputs)
        return pd_error_set(err, PD_EINVAL,
                            "curve has %ld coordinates, the program %ld inputs",
                            (long)g->n, (long)P->ninputs);
    if (fmpq_cmp(g->a, g->b) >= 0)
        return pd_error_set(err, PD_EINVAL, "empty parameter range");
    _pd_compose_clear(C);
    C->len = P->len;
    C->nslots = P->nslots;
    p = list_push(&C->pieces, &C->npieces, &C->alloc, P->len, P->nslots);
    qqbar_set_fmpq(p->lo, g->a);
    qqbar_set_fmpq(p->hi, g->b);
    _pd_qqbar_simplest_between(p->sample, p->lo, p->hi);

    for (i = 0; i < P->len; i++) {
        if (lim != NULL && pd_limits_expired(lim))
            return pd_error_set(err, PD_ELIMIT,
                                "time limit reached along the curve");
        if (!pd_op_is_nonsmooth(P->nodes[i].op)) {
            for (j = 0; j < C->npieces; j++) {
                status = smooth_node(C->pieces + j, P, g, i, err);
                if (status != PD_OK)
                    return status;
            }
        } else {
            _pd_cpiece_struct *out = NULL;
            slong nout = 0, aout = 0;
            for (j = 0; j < C->npieces && status == PD_OK; j++)
                status =
                    split_node(&out, &nout, &aout, C->pieces + j, P, i, err);
            if (status == PD_OK && lim != NULL && lim->max_pieces > 0 &&
                nout > lim->max_pieces)
                status = pd_error_set(
                    err, PD_ELIMIT,
                    "more than %ld intervals along the curve (--max-pieces)",
                    (long)lim->max_pieces);
            _pd_compose_clear(C);
            C->pieces = out;
            C->npieces = nout;
            C->alloc = aout;
            if (status != PD_OK)
                return status;
        }
        C->done = i + 1;
    }
    return PD_OK;
}
