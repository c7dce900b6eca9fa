/* guards.c: first-order data of the guards at a point without polynomials:
   values and gradients by reverse mode, for piecewise-affine programs. */
#include "pd-impl.h"
#include "pathdiff/exact.h"
#include "subdiff/subdiff-impl.h"

int _pd_prog_is_piecewise_affine(const pd_prog_t P)
{
    /* konst[i]: node i does not depend on any input.  Every node is then
       piecewise affine when every product has a constant factor and every
       power of a non-constant has exponent <= 1 (MATH.md 4, step 3). */
    char *konst = flint_malloc(FLINT_MAX(P->len, 1));
    slong i, a;
    int ok = 1;
    for (i = 0; i < P->len && ok; i++) {
        const pd_node_struct *nd = P->nodes + i;
        if (nd->op == PD_OP_INPUT) {
            konst[i] = 0;
            continue;
        }
        konst[i] = 1;
        for (a = 0; a < nd->nargs; a++)
            konst[i] &= konst[nd->args[a]];
        if (nd->op == PD_OP_MUL && !konst[nd->args[0]] && !konst[nd->args[1]])
            ok = 0;
        if (nd->op == PD_OP_POW && !konst[nd->args[0]] && nd->index > 1)
            ok = 0;
    }
    flint_free(konst);
    return ok;
}

void _pd_node_grad(fmpq *grad, fmpq *adj, const pd_prog_t P, const fmpq *val,
                   const slong *pattern, slong u)
{
    slong m, k, n = P->ninputs;
    fmpq_t t;
    fmpq_init(t);
    for (k = 0; k < n; k++)
        fmpq_zero(grad + k);
    for (m = 0; m <= u; m++)
        fmpq_zero(adj + m);
    fmpq_one(adj + u);
    for (m = u; m >= 0; m--) {
        const pd_node_struct *nd = P->nodes + m;
        const fmpq *w = adj + m;
        const slong *c = (nd->slot >= 0) ? pattern + nd->slot : NULL;
        if (fmpq_is_zero(w))
            continue;
        switch (nd->op) {
        case PD_OP_INPUT:
            fmpq_add(grad + nd->index, grad + nd->index, w);
            break;
        case PD_OP_ADD:
            fmpq_add(adj + nd->args[0], adj + nd->args[0], w);
            fmpq_add(adj + nd->args[1], adj + nd->args[1], w);
            break;
        case PD_OP_SUB:
            fmpq_add(adj + nd->args[0], adj + nd->args[0], w);
            fmpq_sub(adj + nd->args[1], adj + nd->args[1], w);
            break;
        case PD_OP_NEG:
            fmpq_sub(adj + nd->args[0], adj + nd->args[0], w);
            break;
        case PD_OP_MUL:
            fmpq_addmul(adj + nd->args[0], w, val + nd->args[1]);
            fmpq_addmul(adj + nd->args[1], w, val + nd->args[0]);
            break;
        case PD_OP_DIV:
            fmpq_div(t, w, nd->c);
            fmpq_add(adj + nd->args[0], adj + nd->args[0], t);
            break;
        case PD_OP_POW:
            if (nd->index >= 1) {
                fmpq_pow_si(t, val + nd->args[0], nd->index - 1);
                fmpq_mul_si(t, t, nd->index);
                fmpq_addmul(adj + nd->args[0], w, t);
            }
            break;
        case PD_OP_RELU:
            if (c[0] == 1)
                fmpq_add(adj + nd->args[0], adj + nd->args[0], w);
            break;
        case PD_OP_ABS:
            if (c[0] == 1)
                fmpq_add(adj + nd->args[0], adj + nd->args[0], w);
            else
                fmpq_sub(adj + nd->args[0], adj + nd->args[0], w);
            break;
        case PD_OP_LEAKY_RELU:
            if (c[0] == 1)
                fmpq_add(adj + nd->args[0], adj + nd->args[0], w);
            else
                fmpq_addmul(adj + nd->args[0], w, nd->c);
            break;
        case PD_OP_MAX:
        case PD_OP_MIN:
            fmpq_add(adj + nd->args[c[0]], adj + nd->args[c[0]], w);
            break;
        case PD_OP_CLAMP:
        case PD_OP_HARDTANH:
        case PD_OP_RELU6:
            if (c[0] == 1)
                fmpq_add(adj + nd->args[0], adj + nd->args[0], w);
            break;
        case PD_OP_SORTED:
        {
            /* the (index+1)-th smallest of SORT node s is argument p[index] */
            const pd_node_struct *s = P->nodes + nd->args[0];
            slong arg = s->args[pattern[s->slot + nd->index]];
            fmpq_add(adj + arg, adj + arg, w);
            break;
        }
        default:                       /* CONST, SORT */
            break;
        }
    }
    fmpq_clear(t);
}

slong _pd_guards_at(fmpq *gval, fmpq *ggrad, int *flags, fmpq *work,
                    fmpq *adj, const pd_prog_t P, const fmpq *val,
                    const slong *pattern, slong i)
{
    const pd_node_struct *nd = P->nodes + i;
    const slong *c = pattern + nd->slot;
    slong n = P->ninputs, nn = FLINT_MAX(n, 1), j, k, ng = 0;
    fmpq *ga = work, *gb = work + nn;
    /* guard a - b - lo_c, negated when neg (b < 0: no b; lo_c NULL: no
       constant); zero = 1 when it is identically zero (value 0 and
       gradient 0: an affine function) */
#define GUARD(a, b, neg, lo_c)                                               \
    do {                                                                     \
        fmpq *gv = gval + ng, *gg = ggrad + ng * nn;                         \
        _pd_node_grad(ga, adj, P, val, pattern, (a));                        \
        fmpq_set(gv, val + (a));                                             \
        for (k = 0; k < n; k++)                                              \
            fmpq_set(gg + k, ga + k);                                        \
        if ((b) >= 0) {                                                      \
            _pd_node_grad(gb, adj, P, val, pattern, (b));                    \
            fmpq_sub(gv, gv, val + (b));                                     \
            for (k = 0; k < n; k++)                                          \
                fmpq_sub(gg + k, gg + k, gb + k);                            \
        }                                                                    \
        if ((lo_c) != NULL)                                                  \
            fmpq_sub(gv, gv, (lo_c));                                        \
        if (neg) {                                                           \
            fmpq_neg(gv, gv);                                                \
            for (k = 0; k < n; k++)                                          \
                fmpq_neg(gg + k, gg + k);                                    \
        }                                                                    \
        zero = fmpq_is_zero(gv) && _pd_qvec_is_zero_sd(gg, n);               \
        ng++;                                                                \
    } while (0)
    int zero;

    *flags = 0;
    switch (nd->op) {
    case PD_OP_RELU:
    case PD_OP_ABS:
    case PD_OP_LEAKY_RELU:
        GUARD(nd->args[0], -1, c[0] == 0, (const fmpq *) NULL);
        if (zero)
            *flags |= PD_PIECE_DEGENERATE | (c[0] == 1 ? PD_PIECE_REDUNDANT : 0);
        break;
    case PD_OP_MAX:
    case PD_OP_MIN:
        for (j = 0; j < nd->nargs; j++) {
            if (j == c[0])
                continue;
            if (nd->op == PD_OP_MAX)
                GUARD(nd->args[c[0]], nd->args[j], 0, (const fmpq *) NULL);
            else
                GUARD(nd->args[j], nd->args[c[0]], 0, (const fmpq *) NULL);
            if (zero)
                *flags |= PD_PIECE_DEGENERATE | (j < c[0] ? PD_PIECE_REDUNDANT : 0);
        }
        break;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
        if (c[0] == 0) {
            GUARD(nd->args[0], -1, 1, nd->c);          /* lo - u         */
            if (zero)
                *flags |= PD_PIECE_DEGENERATE;
        } else if (c[0] == 1) {
            GUARD(nd->args[0], -1, 0, nd->c);          /* u - lo         */
            if (zero)
                *flags |= PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT;
            GUARD(nd->args[0], -1, 1, nd->c2);         /* hi - u         */
            if (zero)
                *flags |= PD_PIECE_DEGENERATE;
        } else {
            GUARD(nd->args[0], -1, 0, nd->c2);         /* u - hi         */
            if (zero)
                *flags |= PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT;
        }
        break;
    case PD_OP_SORT:
        for (j = 0; j + 1 < nd->nargs; j++) {
            GUARD(nd->args[c[j + 1]], nd->args[c[j]], 0, (const fmpq *) NULL);
            if (zero)
                *flags |= PD_PIECE_DEGENERATE
                          | (c[j] > c[j + 1] ? PD_PIECE_REDUNDANT : 0);
        }
        break;
    default:
        break;
    }
#undef GUARD
    return ng;
}
