/* backprop.c: reverse mode over Q[t] along one piece of a curve, with a
   local derivative chosen per nonsmooth node (MATH.md 5-6). */
#include "curve/curve-impl.h"

void _pd_poly_dot(fmpq_poly_t r, const fmpq_poly_struct *v,
                  const fmpq_poly_struct *dg, slong n)
{
    fmpq_poly_t s;
    slong k;
    fmpq_poly_init(s);
    fmpq_poly_zero(r);
    for (k = 0; k < n; k++) {
        fmpq_poly_mul(s, v + k, dg + k);
        fmpq_poly_add(r, r, s);
    }
    fmpq_poly_clear(s);
}

void _pd_backprop_poly(fmpq_poly_struct *v, const pd_prog_t P,
                       const fmpq_poly_struct *val, const slong *pattern,
                       const fmpq *w, const slong *woff)
{
    slong len = P->len, i, k;
    fmpq_poly_struct *adj;
    fmpq_poly_t s;
    fmpq *bw;
    slong maxargs = 1;

    for (i = 0; i < len; i++)
        maxargs = FLINT_MAX(maxargs, P->nodes[i].nargs);
    bw = _fmpq_vec_init(maxargs);
    adj = flint_malloc(len * sizeof(fmpq_poly_struct));
    for (i = 0; i < len; i++)
        fmpq_poly_init(adj + i);
    fmpq_poly_init(s);
    fmpq_poly_one(adj + P->output);

    for (i = P->output; i >= 0; i--) {
        const pd_node_struct *nd = P->nodes + i;
        const fmpq_poly_struct *a = adj + i;
        if (fmpq_poly_is_zero(a))
            continue;
        switch (nd->op) {
        case PD_OP_CONST:
        case PD_OP_INPUT:
        case PD_OP_SORT:
            break;
        case PD_OP_ADD:
            fmpq_poly_add(adj + nd->args[0], adj + nd->args[0], a);
            fmpq_poly_add(adj + nd->args[1], adj + nd->args[1], a);
            break;
        case PD_OP_SUB:
            fmpq_poly_add(adj + nd->args[0], adj + nd->args[0], a);
            fmpq_poly_sub(adj + nd->args[1], adj + nd->args[1], a);
            break;
        case PD_OP_MUL:
            fmpq_poly_mul(s, a, val + nd->args[1]);
            fmpq_poly_add(adj + nd->args[0], adj + nd->args[0], s);
            fmpq_poly_mul(s, a, val + nd->args[0]);
            fmpq_poly_add(adj + nd->args[1], adj + nd->args[1], s);
            break;
        case PD_OP_NEG:
            fmpq_poly_sub(adj + nd->args[0], adj + nd->args[0], a);
            break;
        case PD_OP_DIV:
            fmpq_poly_scalar_div_fmpq(s, a, nd->c);
            fmpq_poly_add(adj + nd->args[0], adj + nd->args[0], s);
            break;
        case PD_OP_POW:
            if (nd->index == 0)
                break;
            fmpq_poly_pow(s, val + nd->args[0], (ulong)(nd->index - 1));
            fmpq_poly_scalar_mul_si(s, s, nd->index);
            fmpq_poly_mul(s, s, a);
            fmpq_poly_add(adj + nd->args[0], adj + nd->args[0], s);
            break;
        case PD_OP_SORTED: {
            const pd_node_struct *sn = P->nodes + nd->args[0];
            slong src = sn->args[pattern[sn->slot + nd->index]];
            fmpq_poly_add(adj + src, adj + src, a);
            break;
        }
        default: {
            /* non-SORT nonsmooth node */
            const fmpq *wk;
            if (woff != NULL && woff[i] >= 0) {
                wk = w + woff[i];
            } else {
                _pd_branch_weights(bw, P, i, pattern[nd->slot]);
                wk = bw;
            }
            for (k = 0; k < nd->nargs; k++) {
                if (fmpq_is_zero(wk + k))
                    continue;
                fmpq_poly_scalar_mul_fmpq(s, a, wk + k);
                fmpq_poly_add(adj + nd->args[k], adj + nd->args[k], s);
            }
            break;
        }
        }
    }
    for (k = 0; k < P->ninputs; k++)
        fmpq_poly_swap(v + k, adj + P->input_nodes[k]);
    for (i = 0; i < len; i++)
        fmpq_poly_clear(adj + i);
    flint_free(adj);
    fmpq_poly_clear(s);
    _fmpq_vec_clear(bw, maxargs);
}
