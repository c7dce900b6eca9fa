/* pathdiff/sets.h: exact rational polyhedra: open and closed cones, convex
   hulls and membership, with certificates. */
#ifndef PATHDIFF_SETS_H
#define PATHDIFF_SETS_H

#include <flint/fmpq.h>
#include <flint/fmpq_mat.h>
#include "pathdiff/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A finite list of points of Q^dim, row-major.  Invariant: coords holds
   len * dim initialised canonical entries (alloc * dim allocated); point i
   is coords[i*dim .. (i+1)*dim).  dim >= 0; with dim == 0 every point is
   the empty vector (a list of len copies of the one point of Q^0). */
typedef struct {
    fmpq *coords;
    slong len, alloc, dim;
} pd_ptset_struct;
typedef pd_ptset_struct pd_ptset_t[1];

/* Point i of S (no bounds check). */
#define pd_ptset_entry(S, i) ((S)->coords + (i) * (S)->dim)

void pd_ptset_init(pd_ptset_t S, slong dim);
void pd_ptset_clear(pd_ptset_t S);
/* Remove every point (dim kept). */
void pd_ptset_zero(pd_ptset_t S);
/* dst = src (dst takes src's dim). */
void pd_ptset_set(pd_ptset_t dst, const pd_ptset_t src);
/* Append a copy of p (dim entries). */
void pd_ptset_append(pd_ptset_t S, const fmpq *p);
/* Index of the first point equal to p, or -1. */
slong pd_ptset_find(const pd_ptset_t S, const fmpq *p);
/* Sort lexicographically (first coordinate first, as rationals) and remove
   duplicates: the canonical order of every vertex list we report. */
void pd_ptset_sort_unique(pd_ptset_t S);
/* Lexicographic comparison of two points of Q^dim: -1, 0, 1. */
int pd_vec_cmp_lex(const fmpq *a, const fmpq *b, slong dim);
/* 1 iff S and T hold the same points in the same order. */
int pd_ptset_equal(const pd_ptset_t S, const pd_ptset_t T);

/* Open cone (Gordan's alternative).  A is m x n.  Decides whether
   {d in Q^n : A d > 0 (every row strictly)} is non-empty.
   On PD_OK: *nonempty = 1 and, if d != NULL, d[0..n) is a witness scaled to
   a primitive integer vector with A d > 0 (m == 0: d = 0); or *nonempty = 0
   and, if y != NULL, y[0..m) is a Gordan certificate: y >= 0, y != 0,
   A^T y = 0, scaled to a primitive integer vector.  d and y, when given,
   hold n and m initialised entries.  PD_EINTERNAL if the LP solver fails. */
pd_status_t pd_cone_open(int *nonempty, fmpq *d, fmpq *y, const fmpq_mat_t A,
                         pd_error_t err) PD_WARN_UNUSED;

/* The open cone question for integer rows, witness only: A is m x n,
   row-major (m * n entries).  Returns 1 and sets d (n entries, a primitive
   integer vector) with A d > 0, or returns 0 when the cone is empty.
   Exact (Seidel's incremental algorithm for small n or m, cddlib's GMP LP
   otherwise); no certificate for emptiness (pd_cone_open gives one).
   Returns -1 only if the LP solver fails (large shapes). */
int pd_cone_open_fmpz(fmpz *d, const fmpz *A, slong m, slong n);

/* The same, incrementally: on entry d (n entries) satisfies rows 0..m0-1
   of A strictly; returns 1 with d a witness for all m rows, or 0 when the
   cone of all m rows is empty (d is then unspecified), -1 as above.
   Faster than starting over when few rows are new. */
int pd_cone_open_fmpz_extend(fmpz *d, const fmpz *A, slong m, slong n,
                             slong m0);

/* Closed cone.  A is m x n.  Decides whether {d : A d >= 0} is {0}.
   On PD_OK: *is_zero = 1 and, if y != NULL, y[0..m) is a certificate:
   y > 0 (every entry), A^T y = 0, and A has rank n (checked; together they
   force A d >= 0 => y.A d = 0 => A d = 0 => d = 0), y a primitive integer
   vector; or *is_zero = 0 and, if d != NULL, d[0..n) is a non-zero
   primitive integer vector with A d >= 0.  n == 0: the cone is {0} and
   y = (1, ..., 1).  PD_EINTERNAL if the LP solver fails. */
pd_status_t pd_cone_closed_is_zero(int *is_zero, fmpq *d, fmpq *y,
                                   const fmpq_mat_t A,
                                   pd_error_t err) PD_WARN_UNUSED;

/* Vertices of conv(P), in the canonical order of pd_ptset_sort_unique:
   duplicates removed, lower-dimensional hulls handled (a segment in Q^2, a
   single point); P empty gives V empty.  V is reset to P's dim.  V and P
   must be distinct objects.  PD_EINTERNAL if the LP solver fails. */
pd_status_t pd_hull_vertices(pd_ptset_t V, const pd_ptset_t P,
                             pd_error_t err) PD_WARN_UNUSED;

/* Same result as pd_hull_vertices, faster when good hints are known:
   dirs (NULL, or P->len directions of Q^dim, row i for point i) gives for
   each point a direction c_i; when p_i is the unique maximiser of c_i.q
   over the points of P, p_i is a vertex and needs no LP.  Any direction
   is correct (a useless one only costs time); e.g. a direction in the
   interior of p_i's normal cone. */
pd_status_t pd_hull_vertices_hinted(pd_ptset_t V, const pd_ptset_t P,
                                    const pd_ptset_t dirs,
                                    pd_error_t err) PD_WARN_UNUSED;

/* Membership of x (P->dim entries) in conv(P), decided by the separation
   LP (DEPENDENCIES 3.1(c)).  On PD_OK: *inside = 1 and, if lambda != NULL,
   lambda[0..P->len) are convex weights: lambda >= 0, sum lambda = 1,
   sum lambda_i p_i = x; or *inside = 0 and, if a != NULL, (a0, a) is a
   separating hyperplane: a0 + a.p_i >= 0 for every i and a0 + a.x < 0
   (a[0..dim) and a0 may be any scale).  P empty: *inside = 0, a = 0,
   a0 = -1.  PD_EINTERNAL if the LP solver fails. */
pd_status_t pd_hull_contains(int *inside, fmpq *lambda, fmpq *a, fmpq_t a0,
                             const pd_ptset_t P, const fmpq *x,
                             pd_error_t err) PD_WARN_UNUSED;

/* Release the LP solver's global state (cddlib's constants), for a clean
   exit under valgrind.  The library sets it up again on next use. */
void pd_sets_cleanup(void);

#ifdef __cplusplus
}
#endif
#endif
