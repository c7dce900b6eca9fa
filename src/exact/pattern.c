/* pattern.c: validity of choices and patterns (a branch per nonsmooth node,
   a permutation per SORT node). */
#include "exact-impl.h"

int pd_choice_is_valid(const pd_prog_t P, slong i, const slong *choice)
{
    const pd_node_struct *nd;
    slong j, k;
    int ok = 1;
    char *seen;

    if (i < 0 || i >= P->len)
        return 0;
    nd = P->nodes + i;
    if (!pd_op_is_nonsmooth(nd->op))
        return 0;
    if (nd->op != PD_OP_SORT)
        return choice[0] >= 0 && choice[0] < pd_prog_nbranches(P, i);
    k = nd->nargs;
    seen = flint_calloc(k, 1);
    for (j = 0; j < k && ok; j++) {
        if (choice[j] < 0 || choice[j] >= k || seen[choice[j]])
            ok = 0;
        else
            seen[choice[j]] = 1;
    }
    flint_free(seen);
    return ok;
}

int pd_pattern_is_valid(const pd_prog_t P, const slong *pattern)
{
    slong i;
    for (i = 0; i < P->len; i++) {
        const pd_node_struct *nd = P->nodes + i;
        if (pd_op_is_nonsmooth(nd->op)
            && !pd_choice_is_valid(P, i, pattern + nd->slot))
            return 0;
    }
    return 1;
}
