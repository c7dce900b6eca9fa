/* ad-impl.h: internals shared by the AD files (tape workspaces). */
#ifndef PD_AD_IMPL_H
#define PD_AD_IMPL_H

#include "pd-impl.h"
#include "pathdiff/ad.h"
#include <string.h>

/* Sort helper for SORT instructions (tape.c): cmp(ctx, a, b) compares the
   values of arguments a and b (<0, 0, >0). */
void _pd_tape_sort(pd_tape_t T, const pd_tape_instr_struct *I,
                   int (*cmp)(const void *ctx, slong a, slong b),
                   const void *ctx);

/* Release the MPFR / exact workspaces (grad_mpfr.c, grad_fmpq.c). */
void _pd_tape_mpfr_clear(pd_tape_t T);
void _pd_tape_fmpq_clear(pd_tape_t T);
void _pd_tape_iv_clear(pd_tape_t T);

/* Record node i as tied in this call. */
static inline void _pd_tape_tie(pd_tape_t T, slong i)
{
    T->tied[T->ntied++] = i;
}

#endif
