/* identities.h: the per-interval chain-rule checks of src/curve/. */
#ifndef PD_CURVE_IDENTITIES_H
#define PD_CURVE_IDENTITIES_H

#include "curve/curve-impl.h"

/* Record the first failure in cex (no-op once cex->found): the check, the
   interval, the sample t, v as polynomials (n), both sides of the identity
   as polynomials, and the pattern of the choice (may be NULL). */
void _pd_curve_cex_record(pd_curve_cex_struct *cex, pd_curve_check_t check,
                          slong interval, const fmpq_t t,
                          const fmpq_poly_struct *v, slong n,
                          const fmpq_poly_t lhs_poly,
                          const fmpq_poly_t rhs_poly, const slong *pattern,
                          slong nslots);

/* Each check fills I->holds[its check] (and its counters) for interval
   `index` on piece pc; I->tied, I->df and dg = gamma' must be set.  A
   failure is recorded in cex. */

/* Every vertex choice of the backprop field (the active choices of the
   tied nodes), by reverse mode, or node by node (forward mode) beyond
   PD_CURVE_MAX_CHOICES choices.  PD_EINTERNAL if the node-by-node proof
   fails (impossible for Clarke Jacobian vertices). */
pd_status_t _pd_curve_check_field(pd_curve_interval_struct *I,
                                  pd_curve_cex_struct *cex, slong index,
                                  const _pd_cpiece_struct *pc,
                                  const pd_prog_t P, const fmpq_poly_struct *dg,
                                  pd_error_t err);

/* The convention C, its local derivatives taken at the sample; fills
   I->conv_grad. */
pd_status_t _pd_curve_check_convention(pd_curve_interval_struct *I,
                                       pd_curve_cex_struct *cex, slong index,
                                       const _pd_cpiece_struct *pc,
                                       const pd_prog_t P, const pd_conv_t C,
                                       const fmpq_poly_struct *dg,
                                       pd_error_t err);

/* The pieces pd_clarke_at finds essentially active (or undecided) at
   gamma(sample), each gradient as a polynomial vector in t.  Statuses of
   pd_clarke_at; PD_EINTERNAL if a piece gradient disagrees with it. */
pd_status_t _pd_curve_check_clarke(pd_curve_interval_struct *I,
                                   pd_curve_cex_struct *cex, slong index,
                                   const _pd_cpiece_struct *pc,
                                   const pd_prog_t P, const pd_curve_t g,
                                   const fmpq_poly_struct *dg,
                                   const pd_limits_t lim, pd_error_t err);

#endif
