/* pathdiff/verify.h: verdicts on AD outputs read from other tools, exactly
   and up to the rounding of their floating-point format (MATH.md 5, 10). */
#ifndef PATHDIFF_VERIFY_H
#define PATHDIFF_VERIFY_H

#include <mpfr.h>
#include <flint/fmpq.h>
#include "pathdiff/common.h"
#include "pathdiff/prog.h"
#include "pathdiff/lang.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"
#include "pathdiff/subdiff.h"
#include "pathdiff/ad.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The verdict on one (point x, AD output v).  Invariant after a successful
   pd_verify_row (n = P->ninputs):
   - verdict: GRADIENT, CLARKE, SPURIOUS, INVALID or UNDECIDED (MATH.md 5);
   - exact_verdict: the verdict of v read exactly, as the rational it is;
   - rounding: 1 when v was judged up to the rounding of its format: v
     itself is INVALID, but it lies in the enclosure of the convention's
     float backprop (pd_ad_grad_enclose), so it is consistent with rounding
     of the convention's exact output conv, and verdict is conv's verdict;
   - conv[0..n): the convention's exact output at x (pd_ad_grad_fmpq);
   - has_enclosure: lo, hi (n entries each, the format's precision) hold
     the enclosure; outside = the first component of v outside it, or -1;
     when verdict is INVALID and has_enclosure, outside >= 0 and the
     enclosure is the certificate (with the field separation of
     judgement);
   - tied_exact[0..ntied_exact): the nodes tied at x exactly;
     tied_float[0..ntied_float): those the format's evaluation of the
     convention saw tied (MATH.md 10: the two can differ both ways);
     has_float: 0 for exact data (tied_float then empty);
   - sets: 1 when the exact Clarke set and field were computed (only where
     x has exact ties: elsewhere both are {grad f(x)} = {conv}); field
     holds them then, and judgement the certificates for v (or for conv
     when rounding). */
typedef struct {
    slong n;
    pd_verdict_t verdict, exact_verdict;
    int rounding;
    fmpq *conv;
    int has_enclosure;
    mpfr_ptr lo, hi;
    slong outside;
    slong *tied_exact, *tied_float;
    slong ntied_exact, ntied_float;
    int has_float;
    int sets;
    pd_field_t field;
    pd_judgement_t judgement;
} pd_verify_row_struct;
typedef pd_verify_row_struct pd_verify_row_t[1];

void pd_verify_row_init(pd_verify_row_t R, slong n);
void pd_verify_row_clear(pd_verify_row_t R);

/* Judge v at x for the program of tape T, whose convention is the one the
   output is compared with up to rounding.  mode says what the data is:
   PD_POINTS_FLOAT32 / FLOAT64: x and v are values of that format (read
   exactly), produced by a float evaluation; PD_POINTS_EXACT: exact
   rationals, judged exactly (no rounding allowance).  The exact sets are
   computed only where x has exact ties (the cheap filter of MATH.md 10);
   lim bounds that work (NULL: defaults).  PD_ELIMIT as for pd_field_at;
   PD_EINVAL if R is sized for another program or the point is not of the
   format; PD_EINTERNAL if a certificate fails its re-check. */
pd_status_t pd_verify_row(pd_verify_row_t R, pd_tape_t T, const fmpq *x,
                          const fmpq *v, pd_points_t mode,
                          const pd_limits_t lim,
                          pd_error_t err) PD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
