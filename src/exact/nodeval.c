/* nodeval.c: the exact value of one node under a given branch choice, shared
   by evaluation at a point and by piece gradients. */
#include "exact-impl.h"

pd_status_t _pd_exact_node_value(fmpq *val, const pd_prog_t P, slong i,
                                 const slong *pattern, pd_error_t err)
{
    const pd_node_struct *nd = P->nodes + i;
    fmpq *r = val + i;
    slong b = pattern != NULL && nd->slot >= 0 ? pattern[nd->slot] : 0;

    switch (nd->op) {
    case PD_OP_CONST:
        fmpq_set(r, nd->c);
        break;
    case PD_OP_INPUT:
        /* inputs are filled by the caller */
        break;
    case PD_OP_ADD:
        fmpq_add(r, val + nd->args[0], val + nd->args[1]);
        break;
    case PD_OP_SUB:
        fmpq_sub(r, val + nd->args[0], val + nd->args[1]);
        break;
    case PD_OP_MUL:
        fmpq_mul(r, val + nd->args[0], val + nd->args[1]);
        break;
    case PD_OP_NEG:
        fmpq_neg(r, val + nd->args[0]);
        break;
    case PD_OP_DIV:
        /* c != 0 is a program invariant (pd_prog_add_node checks it) */
        fmpq_div(r, val + nd->args[0], nd->c);
        break;
    case PD_OP_POW:
    {
        const fmpq *a = val + nd->args[0];
        double bits = (double) (fmpz_bits(fmpq_numref(a))
                                + fmpz_bits(fmpq_denref(a)));
        if (nd->index > 1 && bits * (double) nd->index > PD_EXACT_MAX_POW_BITS)
            return pd_error_set(err, PD_ELIMIT,
                                "power ^%ld of a %ld-bit rational is too large",
                                (long) nd->index, (long) bits);
        fmpq_pow_si(r, a, nd->index);
        break;
    }
    case PD_OP_RELU:
        if (b == 1)
            fmpq_set(r, val + nd->args[0]);
        else
            fmpq_zero(r);
        break;
    case PD_OP_ABS:
        if (b == 1)
            fmpq_set(r, val + nd->args[0]);
        else
            fmpq_neg(r, val + nd->args[0]);
        break;
    case PD_OP_LEAKY_RELU:
        if (b == 1)
            fmpq_set(r, val + nd->args[0]);
        else
            fmpq_mul(r, val + nd->args[0], nd->c);
        break;
    case PD_OP_MAX:
    case PD_OP_MIN:
        fmpq_set(r, val + nd->args[b]);
        break;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
        if (b == 0)
            fmpq_set(r, nd->c);
        else if (b == 1)
            fmpq_set(r, val + nd->args[0]);
        else
            fmpq_set(r, nd->c2);
        break;
    case PD_OP_SORT:
        fmpq_zero(r);
        break;
    case PD_OP_SORTED:
        fmpq_set(r, val + _pd_sorted_arg(P, i, pattern));
        break;
    default:
        return pd_error_set(err, PD_EINTERNAL, "unknown op %d at node %ld",
                            (int) nd->op, (long) i);
    }
    return PD_OK;
}
