/* grad.c: value and exact gradient of the piece P_s at a rational point, by
   reverse mode in fmpq, every nonsmooth node on its branch from s. */
#include "exact-impl.h"

pd_status_t pd_piece_grad_fmpq(fmpq *grad, fmpq_t val, const pd_prog_t P,
                               const slong *pattern, const fmpq *x,
                               pd_error_t err)
{
    pd_status_t status = PD_OK;
    fmpq *v = NULL, *bar = NULL;
    fmpq_t t;
    slong i, len = P->len;

    if (P->output < 0 || P->output >= len)
        return pd_error_set(err, PD_EINVAL, "piece gradient: the program has no output");
    if (!pd_pattern_is_valid(P, pattern))
        return pd_error_set(err, PD_EINVAL, "piece gradient: invalid pattern");

    fmpq_init(t);
    v = _fmpq_vec_init(len);
    bar = _fmpq_vec_init(len);

    for (i = 0; i < len; i++) {
        if (P->nodes[i].op == PD_OP_INPUT)
            fmpq_set(v + i, x + P->nodes[i].index);
        else
            PD_TRY(_pd_exact_node_value(v, P, i, pattern, err));
    }
    fmpq_set(val, v + P->output);

    for (i = 0; i < P->ninputs; i++)
        fmpq_zero(grad + i);
    fmpq_one(bar + P->output);
    for (i = P->output; i >= 0; i--) {
        const pd_node_struct *nd = P->nodes + i;
        const fmpq *b = bar + i;
        slong b0 = nd->slot >= 0 ? pattern[nd->slot] : 0;
        if (fmpq_is_zero(b))
            continue;
        switch (nd->op) {
        case PD_OP_CONST:
        case PD_OP_SORT:
            break;
        case PD_OP_INPUT:
            fmpq_add(grad + nd->index, grad + nd->index, b);
            break;
        case PD_OP_ADD:
            fmpq_add(bar + nd->args[0], bar + nd->args[0], b);
            fmpq_add(bar + nd->args[1], bar + nd->args[1], b);
            break;
        case PD_OP_SUB:
            fmpq_add(bar + nd->args[0], bar + nd->args[0], b);
            fmpq_sub(bar + nd->args[1], bar + nd->args[1], b);
            break;
        case PD_OP_MUL:
            fmpq_addmul(bar + nd->args[0], b, v + nd->args[1]);
            fmpq_addmul(bar + nd->args[1], b, v + nd->args[0]);
            break;
        case PD_OP_NEG:
            fmpq_sub(bar + nd->args[0], bar + nd->args[0], b);
            break;
        case PD_OP_DIV:
            fmpq_div(t, b, nd->c);
            fmpq_add(bar + nd->args[0], bar + nd->args[0], t);
            break;
        case PD_OP_POW:
            if (nd->index >= 1) {
                /* d/du u^e = e u^(e-1); u^(e-1) is no larger than u^e */
                fmpq_pow_si(t, v + nd->args[0], nd->index - 1);
                fmpq_mul_si(t, t, nd->index);
                fmpq_addmul(bar + nd->args[0], b, t);
            }
            break;
        case PD_OP_RELU:
            if (b0 == 1)
                fmpq_add(bar + nd->args[0], bar + nd->args[0], b);
            break;
        case PD_OP_ABS:
            if (b0 == 1)
                fmpq_add(bar + nd->args[0], bar + nd->args[0], b);
            else
                fmpq_sub(bar + nd->args[0], bar + nd->args[0], b);
            break;
        case PD_OP_LEAKY_RELU:
            if (b0 == 1)
                fmpq_add(bar + nd->args[0], bar + nd->args[0], b);
            else
                fmpq_addmul(bar + nd->args[0], b, nd->c);
            break;
        case PD_OP_MAX:
        case PD_OP_MIN:
            fmpq_add(bar + nd->args[b0], bar + nd->args[b0], b);
            break;
        case PD_OP_CLAMP:
        case PD_OP_HARDTANH:
        case PD_OP_RELU6:
            if (b0 == 1)
                fmpq_add(bar + nd->args[0], bar + nd->args[0], b);
            break;
        case PD_OP_SORTED:
        {
            slong a = _pd_sorted_arg(P, i, pattern);
            fmpq_add(bar + a, bar + a, b);
            break;
        }
        default:
            status = pd_error_set(err, PD_EINTERNAL, "unknown op %d at node %ld",
                                  (int) nd->op, (long) i);
            goto cleanup;
        }
    }

cleanup:
    fmpq_clear(t);
    _fmpq_vec_clear(v, len);
    _fmpq_vec_clear(bar, len);
    return status;
}
