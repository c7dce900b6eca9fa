/* eval.c: exact node values at a rational point, the tied nodes and the
   canonical active pattern (MATH.md 2), and the active choices of a node. */
#include "exact-impl.h"
#include <string.h>

void pd_eval_init(pd_eval_t ev, const pd_prog_t P)
{
    slong i;
    ev->prog = P;
    ev->len = P->len;
    ev->ninputs = P->ninputs;
    ev->nslots = P->nslots;
    ev->point = _fmpq_vec_init(FLINT_MAX(P->ninputs, 1));
    ev->val = _fmpq_vec_init(FLINT_MAX(P->len, 1));
    ev->tied = flint_calloc(FLINT_MAX(P->len, 1), sizeof(int));
    ev->pattern = flint_calloc(FLINT_MAX(P->nslots, 1), sizeof(slong));
    for (i = 0; i < P->len; i++)
        if (P->nodes[i].op == PD_OP_SORT) {
            slong j;
            for (j = 0; j < P->nodes[i].nargs; j++)
                ev->pattern[P->nodes[i].slot + j] = j;
        }
    ev->ntied = 0;
    ev->valid = 0;
}

void pd_eval_clear(pd_eval_t ev)
{
    _fmpq_vec_clear(ev->point, FLINT_MAX(ev->ninputs, 1));
    _fmpq_vec_clear(ev->val, FLINT_MAX(ev->len, 1));
    flint_free(ev->tied);
    flint_free(ev->pattern);
}

/* Stable sort of the argument indices of SORT node nd by value (insertion
   sort: stable, and k is small in practice).  Writes the permutation to
   perm and returns 1 if two arguments are equal. */
static int sort_stable(slong *perm, const pd_node_struct *nd, const fmpq *val)
{
    slong j, m, k = nd->nargs;
    int tie = 0;
    for (j = 0; j < k; j++) {
        slong a = j;
        for (m = j; m > 0
                 && fmpq_cmp(val + nd->args[perm[m - 1]], val + nd->args[a]) > 0;
             m--)
            perm[m] = perm[m - 1];
        perm[m] = a;
    }
    for (j = 0; j + 1 < k; j++)
        if (fmpq_equal(val + nd->args[perm[j]], val + nd->args[perm[j + 1]]))
            tie = 1;
    return tie;
}

/* Canonical choice and tie flag of nonsmooth node i from its arguments. */
static int node_choose(slong *choice, const pd_node_struct *nd,
                       const fmpq *val)
{
    const fmpq *u = val + nd->args[0];
    slong j, best, count;
    int c;

    switch (nd->op) {
    case PD_OP_RELU:
    case PD_OP_ABS:
    case PD_OP_LEAKY_RELU:
        c = fmpq_sgn(u);
        choice[0] = c > 0 ? 1 : 0;
        return c == 0;
    case PD_OP_MAX:
    case PD_OP_MIN:
        best = 0;
        count = 1;
        for (j = 1; j < nd->nargs; j++) {
            c = fmpq_cmp(val + nd->args[j], val + nd->args[best]);
            if (nd->op == PD_OP_MIN)
                c = -c;
            if (c > 0) {
                best = j;
                count = 1;
            } else if (c == 0) {
                count++;
            }
        }
        choice[0] = best;
        return count > 1;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
    {
        int clo = fmpq_cmp(u, nd->c), chi = fmpq_cmp(u, nd->c2);
        if (clo <= 0)
            choice[0] = 0;
        else if (chi <= 0)
            choice[0] = 1;
        else
            choice[0] = 2;
        return clo == 0 || chi == 0;
    }
    case PD_OP_SORT:
        return sort_stable(choice, nd, val);
    default:
        return 0;
    }
}

pd_status_t pd_eval_fmpq(pd_eval_t ev, const pd_prog_t P, const fmpq *x,
                         pd_error_t err)
{
    slong i;
    pd_status_t status = PD_OK;

    ev->valid = 0;
    if (P != ev->prog || P->len != ev->len || P->ninputs != ev->ninputs
        || P->nslots != ev->nslots)
        return pd_error_set(err, PD_EINVAL,
                            "eval: the program changed since pd_eval_init");
    if (P->output < 0 || P->output >= P->len)
        return pd_error_set(err, PD_EINVAL, "eval: the program has no output");

    for (i = 0; i < P->ninputs; i++)
        fmpq_set(ev->point + i, x + i);
    ev->ntied = 0;
    for (i = 0; i < P->len; i++) {
        const pd_node_struct *nd = P->nodes + i;
        ev->tied[i] = 0;
        if (nd->op == PD_OP_INPUT) {
            fmpq_set(ev->val + i, x + nd->index);
            continue;
        }
        if (nd->slot >= 0) {
            ev->tied[i] = node_choose(ev->pattern + nd->slot, nd, ev->val);
            ev->ntied += ev->tied[i];
        }
        status = _pd_exact_node_value(ev->val, P, i, ev->pattern, err);
        if (status != PD_OK)
            return status;
    }
    ev->valid = 1;
    return PD_OK;
}

const fmpq *pd_eval_output(const pd_eval_t ev)
{
    return ev->val + ev->prog->output;
}

int pd_eval_is_tied(const pd_eval_t ev, slong i)
{
    return i >= 0 && i < ev->len && ev->tied[i];
}

int pd_eval_branch_is_active(const pd_eval_t ev, slong i, slong b)
{
    const pd_node_struct *nd;
    const fmpq *u;
    slong j;

    if (i < 0 || i >= ev->len)
        return 0;
    nd = ev->prog->nodes + i;
    if (!pd_op_is_nonsmooth(nd->op) || nd->op == PD_OP_SORT
        || b < 0 || b >= pd_prog_nbranches(ev->prog, i))
        return 0;
    u = ev->val + nd->args[0];
    switch (nd->op) {
    case PD_OP_RELU:
    case PD_OP_ABS:
    case PD_OP_LEAKY_RELU:
        return b == 1 ? fmpq_sgn(u) >= 0 : fmpq_sgn(u) <= 0;
    case PD_OP_MAX:
    case PD_OP_MIN:
        for (j = 0; j < nd->nargs; j++) {
            int c = fmpq_cmp(ev->val + nd->args[j], ev->val + nd->args[b]);
            if (nd->op == PD_OP_MIN)
                c = -c;
            if (c > 0)
                return 0;
        }
        return 1;
    default: /* clamp family */
        if (b == 0)
            return fmpq_cmp(u, nd->c) <= 0;
        if (b == 2)
            return fmpq_cmp(u, nd->c2) >= 0;
        return fmpq_cmp(u, nd->c) >= 0 && fmpq_cmp(u, nd->c2) <= 0;
    }
}

int pd_eval_perm_is_active(const pd_eval_t ev, slong i, const slong *perm)
{
    const pd_node_struct *nd;
    slong j;

    if (i < 0 || i >= ev->len)
        return 0;
    nd = ev->prog->nodes + i;
    if (nd->op != PD_OP_SORT || !pd_choice_is_valid(ev->prog, i, perm))
        return 0;
    for (j = 0; j + 1 < nd->nargs; j++)
        if (fmpq_cmp(ev->val + nd->args[perm[j]],
                     ev->val + nd->args[perm[j + 1]]) > 0)
            return 0;
    return 1;
}

int pd_eval_choice_is_active(const pd_eval_t ev, slong i, const slong *choice)
{
    if (i >= 0 && i < ev->len && ev->prog->nodes[i].op == PD_OP_SORT)
        return pd_eval_perm_is_active(ev, i, choice);
    return pd_eval_branch_is_active(ev, i, choice[0]);
}

slong pd_eval_active_branches(slong *branches, const pd_eval_t ev, slong i)
{
    slong b, nb, count = 0;
    if (i < 0 || i >= ev->len || !pd_op_is_nonsmooth(ev->prog->nodes[i].op)
        || ev->prog->nodes[i].op == PD_OP_SORT)
        return 0;
    nb = pd_prog_nbranches(ev->prog, i);
    for (b = 0; b < nb; b++)
        if (pd_eval_branch_is_active(ev, i, b))
            branches[count++] = b;
    return count;
}

void pd_eval_choice_first(slong *choice, const pd_eval_t ev, slong i)
{
    const pd_node_struct *nd = ev->prog->nodes + i;
    memcpy(choice, ev->pattern + nd->slot,
           pd_prog_node_nslots(ev->prog, i) * sizeof(slong));
}

/* Next permutation of a[0..n) in lexicographic order; 0 if a was the
   last (a unchanged). */
static int next_perm(slong *a, slong n)
{
    slong j, m, t;
    for (j = n - 2; j >= 0 && a[j] > a[j + 1]; j--)
        ;
    if (j < 0)
        return 0;
    for (m = n - 1; a[m] < a[j]; m--)
        ;
    t = a[j]; a[j] = a[m]; a[m] = t;
    for (j = j + 1, m = n - 1; j < m; j++, m--) {
        t = a[j]; a[j] = a[m]; a[m] = t;
    }
    return 1;
}

static int cmp_slong(const void *a, const void *b)
{
    slong x = *(const slong *) a, y = *(const slong *) b;
    return (x > y) - (x < y);
}

int pd_eval_choice_next(slong *choice, const pd_eval_t ev, slong i)
{
    const pd_node_struct *nd = ev->prog->nodes + i;
    slong b, nb, k, start, end, s, bstart;

    if (nd->op != PD_OP_SORT) {
        nb = pd_prog_nbranches(ev->prog, i);
        for (b = choice[0] + 1; b < nb; b++)
            if (pd_eval_branch_is_active(ev, i, b)) {
                choice[0] = b;
                return 1;
            }
        return 0;
    }
    /* SORT: the blocks of equal values sit at fixed positions; the next
       active permutation advances the rightmost block that has a next
       arrangement and resets every block to its right to ascending. */
    k = nd->nargs;
    end = k;
    while (end > 0) {
        start = end - 1;
        while (start > 0 && fmpq_equal(ev->val + nd->args[choice[start - 1]],
                                       ev->val + nd->args[choice[end - 1]]))
            start--;
        if (next_perm(choice + start, end - start)) {
            /* reset the blocks to the right */
            for (s = end; s < k; s = bstart) {
                bstart = s + 1;
                while (bstart < k
                       && fmpq_equal(ev->val + nd->args[choice[bstart]],
                                     ev->val + nd->args[choice[s]]))
                    bstart++;
                qsort(choice + s, bstart - s, sizeof(slong), cmp_slong);
            }
            return 1;
        }
        end = start;
    }
    return 0;
}

slong pd_eval_choice_count(const pd_eval_t ev, slong i)
{
    const pd_node_struct *nd = ev->prog->nodes + i;
    slong j, s, run, f, count = 1;
    slong *perm;

    if (!pd_op_is_nonsmooth(nd->op))
        return 1;
    if (nd->op != PD_OP_SORT) {
        count = 0;
        for (j = 0; j < pd_prog_nbranches(ev->prog, i); j++)
            count += pd_eval_branch_is_active(ev, i, j);
        return count;
    }
    perm = ev->pattern + nd->slot;
    for (j = 0; j < nd->nargs; j = s) {
        s = j + 1;
        while (s < nd->nargs && fmpq_equal(ev->val + nd->args[perm[s]],
                                           ev->val + nd->args[perm[j]]))
            s++;
        for (run = 2; run <= s - j; run++) {
            f = run;
            if (count > WORD_MAX / f)
                return WORD_MAX;
            count *= f;
        }
    }
    return count;
}
