/* piece.c: node polynomials and guards of a program under a pattern grown
   node by node in topological order, with the merge rule (MATH.md 2). */
#include "exact-impl.h"
#include <string.h>

/* Upper bound on the guards of one choice of node i. */
static slong node_max_guards(const pd_node_struct *nd)
{
    switch (nd->op) {
    case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU:
        return 1;
    case PD_OP_MAX: case PD_OP_MIN: case PD_OP_SORT:
        return nd->nargs - 1;
    case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
        return 2;
    default:
        return 0;
    }
}

void pd_piece_init(pd_piece_t pc, const pd_prog_t P)
{
    slong i, nns = 0, ng = 0;
    pc->prog = P;
    pc->len = P->len;
    fmpq_mpoly_ctx_init(pc->ctx, P->ninputs, ORD_LEX);
    pc->poly = flint_malloc(FLINT_MAX(P->len, 1) * sizeof(fmpq_mpoly_struct));
    for (i = 0; i < P->len; i++) {
        fmpq_mpoly_init(pc->poly + i, pc->ctx);
        if (pd_op_is_nonsmooth(P->nodes[i].op)) {
            nns++;
            ng += node_max_guards(P->nodes + i);
        }
    }
    pc->pos = 0;
    pc->pattern = flint_calloc(FLINT_MAX(P->nslots, 1), sizeof(slong));
    pc->galloc = FLINT_MAX(ng, 1);
    pc->guard = flint_malloc(pc->galloc * sizeof(fmpq_mpoly_struct));
    for (i = 0; i < pc->galloc; i++)
        fmpq_mpoly_init(pc->guard + i, pc->ctx);
    pc->guard_node = flint_calloc(pc->galloc, sizeof(slong));
    pc->nguards = 0;
    pc->nonaffine = 0;
    pc->depth = 0;
    nns = FLINT_MAX(nns, 1);
    pc->frame_node = flint_calloc(nns, sizeof(slong));
    pc->frame_gstart = flint_calloc(nns, sizeof(slong));
    pc->frame_pos = flint_calloc(nns, sizeof(slong));
    pc->frame_flags = flint_calloc(nns, sizeof(int));
}

void pd_piece_clear(pd_piece_t pc)
{
    slong i;
    for (i = 0; i < pc->len; i++)
        fmpq_mpoly_clear(pc->poly + i, pc->ctx);
    flint_free(pc->poly);
    for (i = 0; i < pc->galloc; i++)
        fmpq_mpoly_clear(pc->guard + i, pc->ctx);
    flint_free(pc->guard);
    flint_free(pc->guard_node);
    flint_free(pc->pattern);
    flint_free(pc->frame_node);
    flint_free(pc->frame_gstart);
    flint_free(pc->frame_pos);
    flint_free(pc->frame_flags);
    fmpq_mpoly_ctx_clear(pc->ctx);
}

const fmpq_mpoly_ctx_struct *pd_piece_ctx(const pd_piece_t pc)
{
    return pc->ctx;
}

slong pd_piece_next_node(const pd_piece_t pc)
{
    slong i;
    for (i = pc->pos; i < pc->len; i++)
        if (pd_op_is_nonsmooth(pc->prog->nodes[i].op))
            return i;
    return -1;
}

/* Polynomial of smooth node i (or SORTED) from its arguments. */
static pd_status_t smooth_poly(pd_piece_t pc, slong i, pd_error_t err)
{
    const pd_node_struct *nd = pc->prog->nodes + i;
    fmpq_mpoly_struct *r = pc->poly + i, *p = pc->poly;
    const fmpq_mpoly_ctx_struct *ctx = pc->ctx;

    switch (nd->op) {
    case PD_OP_CONST:
        fmpq_mpoly_set_fmpq(r, nd->c, ctx);
        break;
    case PD_OP_INPUT:
        fmpq_mpoly_gen(r, nd->index, ctx);
        break;
    case PD_OP_ADD:
        fmpq_mpoly_add(r, p + nd->args[0], p + nd->args[1], ctx);
        break;
    case PD_OP_SUB:
        fmpq_mpoly_sub(r, p + nd->args[0], p + nd->args[1], ctx);
        break;
    case PD_OP_MUL:
    {
        slong d0 = fmpq_mpoly_total_degree_si(p + nd->args[0], ctx);
        slong d1 = fmpq_mpoly_total_degree_si(p + nd->args[1], ctx);
        if (d0 + d1 > PD_PIECE_MAX_DEGREE)
            return pd_error_set(err, PD_ELIMIT,
                                "piece polynomial of degree %ld exceeds the limit %ld",
                                (long) (d0 + d1), (long) PD_PIECE_MAX_DEGREE);
        fmpq_mpoly_mul(r, p + nd->args[0], p + nd->args[1], ctx);
        break;
    }
    case PD_OP_NEG:
        fmpq_mpoly_neg(r, p + nd->args[0], ctx);
        break;
    case PD_OP_DIV:
        fmpq_mpoly_scalar_div_fmpq(r, p + nd->args[0], nd->c, ctx);
        break;
    case PD_OP_POW:
    {
        const fmpq_mpoly_struct *a = p + nd->args[0];
        slong d = fmpq_mpoly_total_degree_si(a, ctx);
        if (d > 0 && (nd->index > PD_PIECE_MAX_DEGREE
                      || d * nd->index > PD_PIECE_MAX_DEGREE))
            return pd_error_set(err, PD_ELIMIT,
                                "piece polynomial of degree %ld^%ld exceeds the limit %ld",
                                (long) d, (long) nd->index,
                                (long) PD_PIECE_MAX_DEGREE);
        if (d <= 0 && !fmpq_mpoly_is_zero(a, ctx)) {
            /* a constant: an exact rational power */
            fmpq_t c;
            double bits;
            fmpq_init(c);
            fmpq_mpoly_get_fmpq(c, a, ctx);
            bits = (double) (fmpz_bits(fmpq_numref(c)) + fmpz_bits(fmpq_denref(c)));
            if (nd->index > 1 && bits * (double) nd->index > PD_EXACT_MAX_POW_BITS) {
                fmpq_clear(c);
                return pd_error_set(err, PD_ELIMIT,
                                    "power ^%ld of a %ld-bit constant is too large",
                                    (long) nd->index, (long) bits);
            }
            fmpq_pow_si(c, c, nd->index);
            fmpq_mpoly_set_fmpq(r, c, ctx);
            fmpq_clear(c);
        } else if (!fmpq_mpoly_pow_ui(r, a, (ulong) nd->index, ctx)) {
            return pd_error_set(err, PD_ELIMIT, "piece polynomial power too large");
        }
        break;
    }
    case PD_OP_SORTED:
        fmpq_mpoly_set(r, p + _pd_sorted_arg(pc->prog, i, pc->pattern), ctx);
        break;
    default:
        return pd_error_set(err, PD_EINTERNAL, "node %ld is not smooth", (long) i);
    }
    return PD_OK;
}

/* Compute the smooth nodes from pos up to (excluding) the next nonsmooth
   node or the end. */
static pd_status_t advance_smooth(pd_piece_t pc, pd_error_t err)
{
    pd_status_t status;
    while (pc->pos < pc->len && !pd_op_is_nonsmooth(pc->prog->nodes[pc->pos].op)) {
        status = smooth_poly(pc, pc->pos, err);
        if (status != PD_OK)
            return status;
        pc->pos++;
    }
    return PD_OK;
}

/* Append guard a - b (b may be NULL: a alone; negate: -(a)) of node i.
   Returns 1 if the guard is identically zero (dropped). */
static int add_guard(pd_piece_t pc, slong i, const fmpq_mpoly_t a,
                     const fmpq_mpoly_t b, int negate)
{
    fmpq_mpoly_struct *g = pc->guard + pc->nguards;
    if (b != NULL)
        fmpq_mpoly_sub(g, a, b, pc->ctx);
    else if (negate)
        fmpq_mpoly_neg(g, a, pc->ctx);
    else
        fmpq_mpoly_set(g, a, pc->ctx);
    if (fmpq_mpoly_is_zero(g, pc->ctx))
        return 1;
    pc->guard_node[pc->nguards] = i;
    if (fmpq_mpoly_total_degree_si(g, pc->ctx) > 1)
        pc->nonaffine++;
    pc->nguards++;
    return 0;
}

/* The polynomial and guards of nonsmooth node i under choice; returns the
   push flags. */
static int nonsmooth_poly(pd_piece_t pc, slong i, const slong *choice)
{
    const pd_node_struct *nd = pc->prog->nodes + i;
    const fmpq_mpoly_ctx_struct *ctx = pc->ctx;
    fmpq_mpoly_struct *r = pc->poly + i, *p = pc->poly;
    const fmpq_mpoly_struct *u = p + nd->args[0];
    slong b = choice[0], j;
    int flags = 0;

    switch (nd->op) {
    case PD_OP_RELU:
    case PD_OP_ABS:
    case PD_OP_LEAKY_RELU:
        if (add_guard(pc, i, u, NULL, b == 0))
            flags |= PD_PIECE_DEGENERATE | (b == 1 ? PD_PIECE_REDUNDANT : 0);
        if (b == 1)
            fmpq_mpoly_set(r, u, ctx);
        else if (nd->op == PD_OP_RELU)
            fmpq_mpoly_zero(r, ctx);
        else if (nd->op == PD_OP_ABS)
            fmpq_mpoly_neg(r, u, ctx);
        else
            fmpq_mpoly_scalar_mul_fmpq(r, u, nd->c, ctx);
        break;
    case PD_OP_MAX:
    case PD_OP_MIN:
        for (j = 0; j < nd->nargs; j++) {
            int zero;
            if (j == b)
                continue;
            if (nd->op == PD_OP_MAX)
                zero = add_guard(pc, i, p + nd->args[b], p + nd->args[j], 0);
            else
                zero = add_guard(pc, i, p + nd->args[j], p + nd->args[b], 0);
            if (zero)
                flags |= PD_PIECE_DEGENERATE | (j < b ? PD_PIECE_REDUNDANT : 0);
        }
        fmpq_mpoly_set(r, p + nd->args[b], ctx);
        break;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
    {
        fmpq_mpoly_t lo, hi;
        fmpq_mpoly_init(lo, ctx);
        fmpq_mpoly_init(hi, ctx);
        fmpq_mpoly_set_fmpq(lo, nd->c, ctx);
        fmpq_mpoly_set_fmpq(hi, nd->c2, ctx);
        if (b == 0) {
            if (add_guard(pc, i, lo, u, 0))
                flags |= PD_PIECE_DEGENERATE;
            fmpq_mpoly_set(r, lo, ctx);
        } else if (b == 1) {
            if (add_guard(pc, i, u, lo, 0))
                flags |= PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT;
            if (add_guard(pc, i, hi, u, 0))
                flags |= PD_PIECE_DEGENERATE;
            fmpq_mpoly_set(r, u, ctx);
        } else {
            if (add_guard(pc, i, u, hi, 0))
                flags |= PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT;
            fmpq_mpoly_set(r, hi, ctx);
        }
        fmpq_mpoly_clear(lo, ctx);
        fmpq_mpoly_clear(hi, ctx);
        break;
    }
    case PD_OP_SORT:
        for (j = 0; j + 1 < nd->nargs; j++)
            if (add_guard(pc, i, p + nd->args[choice[j + 1]],
                          p + nd->args[choice[j]], 0))
                flags |= PD_PIECE_DEGENERATE
                         | (choice[j] > choice[j + 1] ? PD_PIECE_REDUNDANT : 0);
        fmpq_mpoly_zero(r, ctx);
        break;
    default:
        break;
    }
    return flags;
}

pd_status_t pd_piece_push(pd_piece_t pc, const slong *choice, pd_error_t err)
{
    slong i, pos0 = pc->pos, ns;
    const pd_node_struct *nd;
    pd_status_t status;

    i = pd_piece_next_node(pc);
    if (i < 0)
        return pd_error_set(err, PD_EINVAL, "piece: no nonsmooth node left to choose");
    if (!pd_choice_is_valid(pc->prog, i, choice))
        return pd_error_set(err, PD_EINVAL, "piece: invalid choice for node %ld",
                            (long) i);
    status = advance_smooth(pc, err);
    if (status != PD_OK) {
        pc->pos = pos0;
        return status;
    }
    nd = pc->prog->nodes + i;
    ns = pd_prog_node_nslots(pc->prog, i);
    memcpy(pc->pattern + nd->slot, choice, ns * sizeof(slong));
    pc->frame_node[pc->depth] = i;
    pc->frame_gstart[pc->depth] = pc->nguards;
    pc->frame_pos[pc->depth] = pos0;
    pc->frame_flags[pc->depth] = nonsmooth_poly(pc, i, choice);
    pc->depth++;
    pc->pos = i + 1;
    return PD_OK;
}

void pd_piece_pop(pd_piece_t pc)
{
    slong j, g0;
    if (pc->depth == 0)
        return;
    pc->depth--;
    g0 = pc->frame_gstart[pc->depth];
    for (j = g0; j < pc->nguards; j++)
        if (fmpq_mpoly_total_degree_si(pc->guard + j, pc->ctx) > 1)
            pc->nonaffine--;
    pc->nguards = g0;
    /* the smooth nodes before the popped node stay valid */
    pc->pos = pc->frame_node[pc->depth];
}

void pd_piece_reset(pd_piece_t pc)
{
    while (pc->depth > 0)
        pd_piece_pop(pc);
    pc->pos = 0;
}

slong pd_piece_last_node(const pd_piece_t pc)
{
    return pc->depth > 0 ? pc->frame_node[pc->depth - 1] : -1;
}

slong pd_piece_last_gstart(const pd_piece_t pc)
{
    return pc->depth > 0 ? pc->frame_gstart[pc->depth - 1] : 0;
}

int pd_piece_last_flags(const pd_piece_t pc)
{
    return pc->depth > 0 ? pc->frame_flags[pc->depth - 1] : 0;
}

pd_status_t pd_piece_complete(pd_piece_t pc, pd_error_t err)
{
    if (pc->prog->output < 0 || pc->prog->output >= pc->len)
        return pd_error_set(err, PD_EINVAL, "piece: the program has no output");
    if (pd_piece_next_node(pc) >= 0)
        return pd_error_set(err, PD_EINVAL,
                            "piece: nonsmooth node %ld has no choice yet",
                            (long) pd_piece_next_node(pc));
    return advance_smooth(pc, err);
}

pd_status_t pd_piece_set_pattern(pd_piece_t pc, const slong *pattern,
                                 pd_error_t err)
{
    slong i;
    pd_status_t status;
    pd_piece_reset(pc);
    if (!pd_pattern_is_valid(pc->prog, pattern))
        return pd_error_set(err, PD_EINVAL, "piece: invalid pattern");
    while ((i = pd_piece_next_node(pc)) >= 0) {
        status = pd_piece_push(pc, pattern + pc->prog->nodes[i].slot, err);
        if (status != PD_OK)
            return status;
    }
    return pd_piece_complete(pc, err);
}

int pd_piece_is_complete(const pd_piece_t pc)
{
    return pc->pos == pc->len;
}

const fmpq_mpoly_struct *pd_piece_node_poly(const pd_piece_t pc, slong i)
{
    return pc->poly + i;
}

const fmpq_mpoly_struct *pd_piece_output(const pd_piece_t pc)
{
    return pc->poly + pc->prog->output;
}

slong pd_piece_nguards(const pd_piece_t pc)
{
    return pc->nguards;
}

const fmpq_mpoly_struct *pd_piece_guard(const pd_piece_t pc, slong j)
{
    return pc->guard + j;
}

slong pd_piece_guard_node(const pd_piece_t pc, slong j)
{
    return pc->guard_node[j];
}

int pd_piece_is_affine(const pd_piece_t pc)
{
    return pc->nonaffine == 0;
}
