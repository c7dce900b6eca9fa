/* exact-impl.h: helpers shared by the files of src/exact (not public). */
#ifndef PD_EXACT_IMPL_H
#define PD_EXACT_IMPL_H

#include "pd-impl.h"
#include "pathdiff/exact.h"

/* Bound on the bits of an exact power a^e computed at a point (numerator
   plus denominator), so a program like x^1000000000 fails cleanly. */
#define PD_EXACT_MAX_POW_BITS 50000000

/* The value of node i given the values of its arguments in val (val[i] is
   written) and, for nonsmooth nodes, its branch from pattern (not
   necessarily active).  SORT nodes get 0.  PD_ELIMIT if a power is too
   large. */
pd_status_t _pd_exact_node_value(fmpq *val, const pd_prog_t P, slong i,
                                 const slong *pattern, pd_error_t err);

/* The argument index a SORTED node reads under pattern. */
static inline slong _pd_sorted_arg(const pd_prog_t P, slong i,
                                   const slong *pattern)
{
    const pd_node_struct *s = P->nodes + P->nodes[i].args[0];
    return s->args[pattern[s->slot + P->nodes[i].index]];
}

static inline int _pd_op_is_clamp(pd_op_t op)
{
    return op == PD_OP_CLAMP || op == PD_OP_HARDTANH || op == PD_OP_RELU6;
}

#endif
