/* subdiff-impl.h: helpers shared by the files of src/subdiff/. */
#ifndef PD_SUBDIFF_IMPL_H
#define PD_SUBDIFF_IMPL_H

#include "pd-impl.h"
#include "pathdiff/subdiff.h"

/* Empty C of any result (pieces, cuts, sets), keeping it initialised. */
void _pd_clarke_reset(pd_clarke_t C);

static inline int _pd_qvec_is_zero_sd(const fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_is_zero(v + i))
            return 0;
    return 1;
}

static inline int _pd_qvec_equal(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

static inline void _pd_qvec_set_sd(fmpq *r, const fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_set(r + i, v + i);
}

#endif
