/* lp.h: the exact rational LP kernel under sets/ (cddlib, GMP rationals). */
#ifndef PD_SETS_LP_H
#define PD_SETS_LP_H

#include "pd-impl.h"

typedef enum {
    _PD_LP_OPTIMAL = 0,
    _PD_LP_INFEASIBLE,
    _PD_LP_UNBOUNDED
} _pd_lp_result_t;

/* Minimise obj[0] + obj[1..n].x over x in Q^n subject to, for every row i
   of M (m x (n+1), row [b_i, a_i]): b_i + a_i.x >= 0, or = 0 when eq != NULL
   and eq[i] != 0.  obj == NULL: a pure feasibility problem (objective 0).
   On PD_OK *result says what happened; when _PD_LP_OPTIMAL, x (if not NULL,
   n entries) is an optimal solution, opt (if not NULL) the optimum, and dual
   (if not NULL, m entries) multipliers y with obj[1..n] = sum_i y_i a_i,
   y_i >= 0 on inequality rows, zero off the optimal basis; the multipliers
   are the solver's and the caller verifies whatever it certifies with them.
   PD_EINTERNAL if the solver reports an error. */
pd_status_t _pd_lp_min(_pd_lp_result_t *result, fmpq *x, fmpq_t opt,
                       fmpq *dual, const fmpq_mat_t M, const char *eq,
                       const fmpq *obj, pd_error_t err);

/* Scale v (len entries, not all zero) to the primitive integer vector with
   the same direction. Zero vectors stay zero. */
void _pd_vec_make_primitive(fmpq *v, slong len);

/* Open cone by Seidel's algorithm: A is m x n integer, row-major.
   Returns 1 with d (n entries, primitive) and A d > 0, or 0 if the cone is
   empty, with (if y != NULL) a Gordan vector y (m entries, primitive):
   y >= 0, y != 0, A^T y = 0.  Exact; expected O(n! m) row operations, for
   small n or m. */
int _pd_cone_open_seidel(fmpz *d, fmpz *y, const fmpz *A, slong m, slong n);

/* Same, extending a known witness: on entry d satisfies rows 0..m0-1 of A
   strictly; returns 1 with d updated for all m rows, or 0 (d garbage). */
int _pd_cone_extend_seidel(fmpz *d, const fmpz *A, slong m, slong n, slong m0);

/* Small exact vector helpers (FLINT 2.9 has no _fmpq_vec_set/zero). */
void _pd_qvec_zero(fmpq *v, slong len);
void _pd_qvec_set(fmpq *r, const fmpq *v, slong len);
int _pd_qvec_is_zero(const fmpq *v, slong len);

#endif
