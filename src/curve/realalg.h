/* realalg.h: private helpers on Calcium's qqbar for exact breakpoints
   (DEPENDENCIES.md 2.4), shared by the files of src/curve/. */
#ifndef PD_CURVE_REALALG_H
#define PD_CURVE_REALALG_H

#include "pathdiff/curve.h"
#include "pd-impl.h"

/* The qqbar behind x (x must have been set: never NULL then). */
const qqbar_struct *_pd_realalg_qqbar(const pd_realalg_t x);

/* Set x from a real qqbar a (copied): minimal polynomial, isolating
   interval (the invariant of pd_realalg_struct). */
void _pd_realalg_set_qqbar(pd_realalg_t x, const qqbar_t a);

/* Exact sign of h(alpha), alpha real (the cheap test of DEPENDENCIES
   2.4: h mod the minimal polynomial, then Arb refinement). */
int _pd_qqbar_sgn_fmpq_poly(const fmpq_poly_t h, const qqbar_t alpha);

/* Sign of alpha - q, alpha real. */
int _pd_qqbar_cmp_fmpq(const qqbar_t alpha, const fmpq_t q);

/* The distinct real roots of the non-zero, non-constant p in the open
   interval (lo, hi), ascending, appended to *res (length *n, capacity
   *alloc, grown with flint_realloc; entries initialised here). */
void _pd_qqbar_roots_open(qqbar_ptr *res, slong *n, slong *alloc,
                          const fmpq_poly_t p, const qqbar_t lo,
                          const qqbar_t hi);

/* Sort v[0..n) ascending and remove duplicates (real entries); returns
   the new length (removed entries cleared). */
slong _pd_qqbar_sort_unique(qqbar_ptr v, slong n);

/* The simplest rational strictly inside (lo, hi), lo < hi real. */
void _pd_qqbar_simplest_between(fmpq_t q, const qqbar_t lo, const qqbar_t hi);

/* Rational bounds lo <= alpha <= hi, hi - lo <= 2^-bits (exact when alpha
   is rational). */
void _pd_qqbar_bounds(fmpq_t lo, fmpq_t hi, const qqbar_t alpha, slong bits);

#endif
