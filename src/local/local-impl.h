/* local-impl.h: helpers shared by the files of src/local (not public). */
#ifndef PD_LOCAL_IMPL_H
#define PD_LOCAL_IMPL_H

#include "pd-impl.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"

/* The germ of a guard system at x, in shifted coordinates z = y - x.
   Invariant: h[0..k) are g_{idx[j]}(x + z) for the guards that vanish at x
   (in the caller's order), each non-zero with h_j(0) = 0; A is k x n, row j
   the gradient of h_j at 0 (the coefficients of z_1..z_n); affine is 1 iff
   every h_j has degree <= 1; negative is the first caller index with
   g(x) < 0 and zero the first with g identically zero (-1 if none). */
typedef struct {
    const fmpq_mpoly_ctx_struct *ctx;
    slong n, k, kin;
    slong *idx;
    fmpq_mpoly_struct *h;
    fmpq_mat_t A;
    int affine;
    slong negative, zero;
} _pd_germ_struct;
typedef _pd_germ_struct _pd_germ_t[1];

pd_status_t _pd_germ_init(_pd_germ_t G, const fmpq_mpoly_struct *g, slong k,
                          const fmpq *x, const fmpq_mpoly_ctx_t ctx,
                          pd_error_t err);
void _pd_germ_clear(_pd_germ_t G);

/* L = the lowest-degree homogeneous part of h (h != 0, h(0) = 0). */
void _pd_lowest_form(fmpq_mpoly_t L, const fmpq_mpoly_t h,
                     const fmpq_mpoly_ctx_t ctx);

/* The germ of the lowest forms of G (MATH.md 5): L->h[j] is the lowest
   form L_j of G->h[j] (same idx and A; L->affine says every L_j is
   linear).  Cleared with _pd_germ_clear. */
void _pd_germ_lowest(_pd_germ_t L, const _pd_germ_t G);

/* Sign (-1, 0, 1) of the lowest non-zero coefficient of p(t); *order gets
   its power (-1 if p = 0). */
int _pd_poly_low_sign(slong *order, const fmpq_poly_t p);

/* Sign of h(z(t)) for small t > 0 for a shifted guard h and a curve z(t)
   with z(0) = 0 (n polynomials).  *order as above (may be NULL). */
int _pd_germ_curve_sign(slong *order, const fmpq_mpoly_t h,
                        const fmpq_poly_struct *z, const fmpq_mpoly_ctx_t ctx);

/* Basis of {v in Q^n : M v = 0} for the rows of M (m x n): *r vectors,
   written as rows of basis (room for n*n entries), each a primitive integer
   vector. */
void _pd_nullspace(fmpq *basis, slong *r, const fmpq_mat_t M);

/* The implicit equalities and a relative interior point of the closed cone
   {d : A d >= 0} (A m x n): eq[j] = 1 iff A_j d = 0 on the whole cone;
   d (n entries) satisfies A_j d > 0 for the others and A_j d = 0 for
   these.  Uses the exact open-cone LP of sets.h repeatedly. */
pd_status_t _pd_cone_relint(int *eq, fmpq *d, const fmpq_mat_t A,
                            pd_error_t err);

/* Small rational vector helpers (FLINT 2.9 has no _fmpq_vec_zero etc.). */
static inline int _pd_qvec_is_zero(const fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_is_zero(v + i))
            return 0;
    return 1;
}

static inline void _pd_qvec_set(fmpq *r, const fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_set(r + i, v + i);
}

static inline void _pd_qvec_zero(fmpq *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        fmpq_zero(v + i);
}

/* dot product of row j of A with v */
void _pd_mat_row_dot(fmpq_t r, const fmpq_mat_t A, slong j, const fmpq *v);

/* Step 5: search a witness curve z(t) (z(0) = 0, degree <= lim's
   curve_order) along which every h_j is positive.  *found = 1 and curve
   (n polynomials, the z-part) on success.  *budget is decremented per
   candidate.  PD_ELIMIT if the deadline passes. */
pd_status_t _pd_curve_search(int *found, fmpq_poly_struct *curve,
                             const _pd_germ_t G, const pd_limits_t lim,
                             slong *budget, pd_error_t err);

/* Open ray activity, candidate directions: L holds homogeneous forms
   (_pd_germ_lowest); tries d0 (n entries, may be NULL), a grid of small
   rational directions, then pseudo-random rational ones from a fixed
   seed, while *budget lasts.  *found = 1 and d when every L_j(d) > 0. */
pd_status_t _pd_direction_search(int *found, fmpq *d, const _pd_germ_t L,
                                 const fmpq *d0, const pd_limits_t lim,
                                 slong *budget, pd_error_t err);

/* 1 if every form L->h[j] is positive at d. */
int _pd_forms_positive(const _pd_germ_t L, const fmpq *d);

/* The candidate first-order vectors of the curve search at one order: for
   rows a_j (pending guards) with constants c_j, vectors v making every
   a_j.v + c_j >= 0, from relative interior points with more and more rows
   forced to equality, moved along the kernel of the tight rows.  *len
   candidates are written to cand (flint_malloc'd, *len * n entries). */
pd_status_t _pd_candidates(fmpq **cand, slong *len, const fmpq_mat_t A,
                           const fmpq *c, pd_error_t err);

/* Step 5': a combination certificate (see local.h, COMBINATION): *found
   and y (G->k entries, for the vanishing guards). */
pd_status_t _pd_combination(int *found, fmpq *y, const _pd_germ_t G,
                            pd_error_t err);

/* 1 if p (a polynomial in z) is <= 0 near 0 by the domination rule of
   COMBINATION. */
int _pd_combination_check(const fmpq_mpoly_t p, const fmpq_mpoly_ctx_t ctx);

/* Seconds on the monotonic clock (limits.c). */
double _pd_now(void);

/* Wall-clock cap on one Z3 call, beside its rlimit (milliseconds). */
#define PD_Z3_MAX_MS 5000

/* Step 6 (Z3): *answer PD_TRUE / PD_FALSE / PD_UNKNOWN (reason filled).
   ray = 0: the closure formula for G; ray = 1: G holds the lowest forms
   (_pd_germ_lowest) and the formula is "exists d: every h_j(d) > 0". */
pd_status_t _pd_z3_decide(pd_truth_t *answer, char *reason, size_t rlen,
                          const _pd_germ_t G, int ray, const pd_limits_t lim,
                          pd_error_t err);

#endif
