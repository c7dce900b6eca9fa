/* pathdiff/local.h: the local germ question at a point (MATH.md 4):
   is x in the closure of {y : g_j(y) > 0 for all j}, decided with a
   certificate; and open ray activity (MATH.md 5). */
#ifndef PATHDIFF_LOCAL_H
#define PATHDIFF_LOCAL_H

#include <flint/fmpq.h>
#include <flint/fmpq_poly.h>
#include <flint/fmpq_mpoly.h>
#include "pathdiff/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
   Limits shared by every layer that may run long.

   max_pieces:    bound on pieces/patterns an enumeration may visit (0: no
                  bound); the enumeration reports PD_ELIMIT over it.
   timeout:       wall-clock seconds for the whole computation (<= 0: none);
                  pd_limits_start turns it into deadline.
   z3_rlimit:     Z3 resource limit per call (deterministic; 0: do not call
                  Z3 at all).  Some nlqsat phases check it rarely, so each
                  call also has a wall-clock cap: 5 s, or what is left
                  before deadline if that is less.
   curve_budget:  number of candidate witness curves tried in step 5.
   curve_order:   highest power of t in a witness curve (>= 1).
   deadline:      absolute time (seconds, monotonic clock) after which
                  functions return PD_ELIMIT; 0 before pd_limits_start or
                  without a timeout.  Not set by hand. */
typedef struct {
    slong max_pieces;
    double timeout;
    ulong z3_rlimit;
    slong curve_budget;
    slong curve_order;
    double deadline;
} pd_limits_struct;
typedef pd_limits_struct pd_limits_t[1];

/* Defaults: max_pieces 100000, no timeout, z3_rlimit 2000000,
   curve_budget 20000, curve_order 6. */
void pd_limits_init(pd_limits_t lim);

/* Start the clock: deadline = now + timeout (none if timeout <= 0). */
void pd_limits_start(pd_limits_t lim);

/* 1 if the deadline has passed. */
int pd_limits_expired(const pd_limits_t lim);

/* 1 if this build can call Z3 (configure found it). */
int pd_local_have_z3(void);

/* ------------------------------------------------------------------------
   Essential activity (MATH.md 4)

   The step that decided, in the order they are tried: */
typedef enum {
    PD_STEP_NONE = 0,      /* undecided                                     */
    PD_STEP_VALUE,         /* a guard is negative at x (no), or no guard
                              vanishes at x (yes)                          */
    PD_STEP_OPEN_CONE,     /* 1: a direction d with grad g_j(x).d > 0 (yes) */
    PD_STEP_CLOSED_CONE,   /* 2: {d : grad g_j(x).d >= 0} = {0} (no)        */
    PD_STEP_AFFINE,        /* 3: affine guards, Gordan multipliers (no)     */
    PD_STEP_ONE_VARIABLE,  /* 4: one variable, Taylor signs on both sides   */
    PD_STEP_CURVE,         /* 5: a witness curve (yes)                      */
    PD_STEP_COMBINATION,   /* 5': a non-negative combination of the guards
                              that is <= 0 everywhere near x (no)           */
    PD_STEP_NLQSAT,        /* 6: Z3 nlqsat on the closed formula (on the
                              existential one for open ray activity)       */
    PD_STEP_DIRECTION,     /* rays only: a direction d found by search with
                              every lowest form L_j(d) > 0 (yes)           */
    PD_STEP_GORDAN         /* rays only: the linear lowest forms have an
                              empty open cone, Gordan multipliers (no)     */
} pd_step_t;

/* "none", "value", "open_cone", "closed_cone", "affine", "one_variable",
   "curve", "combination", "nlqsat", "direction", "gordan". */
const char *pd_step_name(pd_step_t step);

#define PD_ACTIVITY_REASON_LEN 256

/* The answer and its certificate.  Invariant after a call: n, k are the
   dimension and the number of guards given; dir, curve have n entries and
   mult k entries (allocated, zero when unused).  By step, for essential
   activity (ray = 0):

     VALUE (no):      witness = a guard with g_j(x) < 0, or identically 0.
     VALUE (yes):     no guard vanishes at x and none is negative; the
                      curve is the constant x.
     OPEN_CONE:       dir = d, grad g_j(x).d > 0 for every vanishing g_j;
                      curve = x + t d.
     CLOSED_CONE:     mult = y with y_j > 0 for every vanishing guard (0
                      for the others), sum y_j grad g_j(x) = 0, and the
                      vanishing gradients span Q^n: by Stiemke's theorem
                      {d : grad g_j(x).d >= 0} = {0}.
     AFFINE:          every vanishing guard has degree <= 1 and mult = y,
                      y >= 0, y != 0, sum y_j grad g_j(x) = 0 (Gordan).
     ONE_VARIABLE:    n = 1, or every vanishing guard depends on one
                      variable v only (the set is then a cylinder over a
                      germ on the line x + R e_v).
                      yes: dir = e_v or -e_v, curve = x + t dir.
                      no: dir = e_v; witness refutes x + t e_v and
                      witness2 refutes x - t e_v (the lowest non-zero
                      Taylor coefficient of g_j along it is negative, or
                      g_j is identically zero along it).
     CURVE:           curve = gamma in Q[t]^n with gamma(0) = x and, for
                      every guard, the lowest non-zero coefficient of
                      g_j(gamma(t)) positive.
     COMBINATION:     mult = y >= 0, y != 0, and sum y_j g_j(x + z), as a
                      polynomial in z, is <= 0 near 0 by the domination
                      rule (every monomial is even with a negative
                      coefficient, or a strict multiple of such a one),
                      while it would be > 0 on the set.
     NLQSAT:          no certificate (Z3 decided).
     NONE:            active = PD_UNKNOWN and reason says why.

   For open ray activity (ray = 1), with L_j the lowest form of the j-th
   vanishing guard (the lowest-degree homogeneous part of d -> g_j(x + d)):

     VALUE:           as above (yes: dir = e_1, curve = x + t e_1).
     OPEN_CONE, DIRECTION, ONE_VARIABLE (yes):
                      dir = d with L_j(d) > 0 for every vanishing guard;
                      curve = x + t d.  OPEN_CONE when every L_j is linear
                      (the exact LP decided), DIRECTION when found by
                      search.
     GORDAN:          mult = y >= 0, y != 0, zero except on vanishing
                      guards with a non-zero gradient (linear L_j), and
                      sum y_j grad g_j(x) = 0: no d makes those L_j
                      positive.
     ONE_VARIABLE (no): as above; every L_j is c_j z_v^m_j, so the two
                      rays decide every direction.
     COMBINATION:     mult = y as above and sum y_j L_j is <= 0 near 0 by
                      the domination rule (so y.L(t d) > 0 for every t > 0
                      is impossible).
     NLQSAT:          no certificate (Z3 on "exists d: every L_j(d) > 0").
     NONE:            active = PD_UNKNOWN and reason says why.

   reason holds a short human note in every case. */
typedef struct {
    pd_truth_t active;
    pd_step_t step;
    slong n, k;
    fmpq *dir;
    fmpq_poly_struct *curve;
    fmpq *mult;
    slong witness, witness2;
    slong alloc_n, alloc_k;
    char reason[PD_ACTIVITY_REASON_LEN];
    int ray;                /* 1 if filled by pd_local_ray_activity:
                               certificates of open ray activity */
} pd_activity_struct;
typedef pd_activity_struct pd_activity_t[1];

void pd_activity_init(pd_activity_t act);
void pd_activity_clear(pd_activity_t act);

/* Size act for n variables and k guards and reset it: every entry of dir,
   curve and mult zero, active PD_UNKNOWN, step PD_STEP_NONE, no reason,
   and the ray flag as given.  Storage is reused when large enough; this is
   the one way code outside local/ should size a certificate. */
void pd_activity_fit(pd_activity_t act, slong n, slong k, int ray);

/* Flags for pd_local_activity / pd_local_ray_activity. */
#define PD_LOCAL_FIRST_ORDER 1  /* steps VALUE..ONE_VARIABLE only (cheap:
                                   for pruning prefixes); beyond, UNKNOWN */
#define PD_LOCAL_NO_Z3 2        /* skip step 6 even when Z3 is available */
#define PD_LOCAL_ONLY_Z3 4      /* step VALUE, then straight to step 6 (an
                                   independent answer for cross-checks)   */

/* Decide whether the germ at x of {y : g_j(y) > 0, j < k} is non-empty,
   i.e. whether x lies in the closure of that open set (MATH.md 4), trying
   the steps in the order of pd_step_t and recording the one that decided.
   g: k polynomials in ctx (k >= 0; k = 0 is the whole space: yes); x:
   ctx's nvars rationals.  Guards need not vanish at x: one negative at x
   decides no (step VALUE), positive ones are ignored, the vanishing ones
   go through steps 1-6.  lim bounds steps 5-6 (lim may be NULL:
   defaults).  Returns PD_OK with act->active PD_TRUE, PD_FALSE or
   PD_UNKNOWN (then act->reason says why: no step decided, Z3 unavailable
   or out of resources, ...); PD_ELIMIT if lim's deadline passed (act is
   then UNKNOWN); PD_EINVAL if k < 0; PD_EINTERNAL if a certificate failed
   its own exact re-check. */
pd_status_t pd_local_activity(pd_activity_t act, const fmpq_mpoly_struct *g,
                              slong k, const fmpq *x,
                              const fmpq_mpoly_ctx_t ctx,
                              const pd_limits_t lim, int flags,
                              pd_error_t err) PD_WARN_UNUSED;

/* Open ray activity (MATH.md 5): is there a direction d with L_j(d) > 0
   for every vanishing guard, L_j the lowest-degree homogeneous part of
   d -> g_j(x + d)?  Then every ray x + t d' with d' near d enters the set
   for small t > 0 (an open cone of entering directions).  f is
   differentiable at x iff all open-ray-active pieces share one gradient.
   A set entered only along a non-open set of directions (a cusp tangent
   to a line) is not open-ray-active.  Decided by: VALUE (as above, no
   vanishing guard: yes); GORDAN (no: the linear L_j alone have an empty
   open cone); OPEN_CONE (yes: every L_j is linear and the exact LP gives
   d; with GORDAN complete in that case); ONE_VARIABLE (complete);
   DIRECTION (yes: the LP's d on the linear L_j, a grid of small
   rational directions, then fixed-seed pseudo-random ones, at most
   lim->curve_budget, each checked exactly); COMBINATION (no: a
   non-negative combination of the L_j <= 0 everywhere); NLQSAT (Z3 on
   the existential formula); else UNKNOWN with the reason.
   PD_LOCAL_FIRST_ORDER stops after ONE_VARIABLE; PD_LOCAL_ONLY_Z3 goes
   from VALUE to NLQSAT.  Statuses as for pd_local_activity. */
pd_status_t pd_local_ray_activity(pd_activity_t act,
                                  const fmpq_mpoly_struct *g, slong k,
                                  const fmpq *x, const fmpq_mpoly_ctx_t ctx,
                                  const pd_limits_t lim, int flags,
                                  pd_error_t err) PD_WARN_UNUSED;

/* Re-check act's certificate exactly against the same g, k, x, ctx: 1 if
   it certifies act->active (always 0 for PD_UNKNOWN, and for NLQSAT,
   which has no certificate), else 0.  act->ray selects the question:
   open ray activity certificates are checked on the lowest forms, and a
   yes must give dir with every L_j(dir) > 0 and the ray x + t dir. */
int pd_activity_verify(const pd_activity_t act, const fmpq_mpoly_struct *g,
                       slong k, const fmpq *x, const fmpq_mpoly_ctx_t ctx);

/* Helper: the sign (-1, 0, 1) of g(gamma(t)) for small t > 0, the sign of
   the lowest non-zero coefficient of the composed polynomial; *order
   receives that power of t (-1 when g(gamma(t)) is identically 0; may be
   NULL).  gamma: ctx's nvars polynomials in t. */
int pd_local_curve_sign(slong *order, const fmpq_mpoly_t g,
                        const fmpq_poly_struct *gamma,
                        const fmpq_mpoly_ctx_t ctx);

#ifdef __cplusplus
}
#endif
#endif
