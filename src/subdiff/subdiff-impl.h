/* subdiff-impl.h: helpers shared by the files of src/subdiff/. */
#ifndef PD_SUBDIFF_IMPL_H
#define PD_SUBDIFF_IMPL_H

#include "pd-impl.h"
#include "pathdiff/subdiff.h"

/* guards.c.  1 if every node of P is piecewise affine in the inputs
   (every product has a constant factor, no power of a non-constant above
   1): then every guard of every pattern is affine. */
int _pd_prog_is_piecewise_affine(const pd_prog_t P);

/* grad (P->ninputs) = the gradient at the point of node u's polynomial
   under pattern (only the choices of nodes before u matter), by reverse
   mode with the exact node values val; adj: workspace of u + 1 fmpq. */
void _pd_node_grad(fmpq *grad, fmpq *adj, const pd_prog_t P, const fmpq *val,
                   const slong *pattern, slong u);

/* The guards of nonsmooth node i for its choice in pattern, in exact.h's
   orientation and order: value at the point in gval[j], gradient in
   ggrad[j * max(n,1) ..]; flags as pd_piece_last_flags (merge rule:
   identically zero guards make the choice degenerate, and redundant when
   they compare it with a smaller choice).  Valid for piecewise-affine
   programs (an affine guard is identically zero iff its value and
   gradient vanish).  Room: max(nargs, 2) guards; work 2 max(n,1), adj
   P->len.  Returns the number of guards. */
slong _pd_guards_at(fmpq *gval, fmpq *ggrad, int *flags, fmpq *work,
                    fmpq *adj, const pd_prog_t P, const fmpq *val,
                    const slong *pattern, slong i);

/* pd_clarke_at with the enumeration forced through the polynomial pieces
   of exact/ (force_poly = 1) even for piecewise-affine programs: for
   tests comparing both paths. */
pd_status_t _pd_clarke_at_opts(pd_clarke_t C, const pd_prog_t P,
                               const fmpq *x, const pd_limits_t lim,
                               int force_poly, pd_error_t err);

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
