/* curve-impl.h: private types of src/curve/: the program composed with a
   curve, piece by piece, and reverse mode over Q[t]. */
#ifndef PD_CURVE_IMPL_H
#define PD_CURVE_IMPL_H

#include "curve/realalg.h"

/* Highest degree of a node polynomial along a curve (PD_ELIMIT above). */
#define PD_CURVE_MAX_DEGREE 10000

/* One open piece (lo, hi) of [a, b] while the program is composed with
   the curve in topological order.
   Invariant: lo < hi; sample is a rational strictly inside; for every
   node i below the composition's progress, val[i] is the polynomial of
   node i along the curve on (lo, hi) (SORT nodes: 0), tied[i] is 1 iff the
   nonsmooth node i is tied at gamma(t) for every t in (lo, hi), and the
   slots of the nonsmooth nodes hold their canonical active choice (the same
   at every point of the piece: no node below the progress is tied at an
   interior point unless it is tied on the whole piece). */
typedef struct {
    qqbar_t lo, hi;
    fmpq_t sample;
    fmpq_poly_struct *val;
    int *tied;
    slong *pattern;
} _pd_cpiece_struct;

/* The composition: pieces[0..npieces) in increasing order, covering
   [a, b] up to the breakpoints between them; done = the number of nodes
   composed so far (all of them after _pd_compose_run). */
typedef struct {
    slong len, nslots;
    slong done;
    slong npieces, alloc;
    _pd_cpiece_struct *pieces;
} _pd_compose_struct;
typedef _pd_compose_struct _pd_compose_t[1];

void _pd_compose_init(_pd_compose_t C, const pd_prog_t P);
void _pd_compose_clear(_pd_compose_t C);

/* Compose P with g on [g->a, g->b], every node, splitting at breakpoints.
   lim may be NULL.  PD_ELIMIT over lim->max_pieces pieces, the deadline,
   or PD_CURVE_MAX_DEGREE. */
pd_status_t _pd_compose_run(_pd_compose_t C, const pd_prog_t P,
                            const pd_curve_t g, const pd_limits_t lim,
                            pd_error_t err);

/* The canonical active choice of nonsmooth node i at exact argument values
   argval (lowest active branch; SORT: the stable permutation) into choice
   (its slots); returns 1 if the node is tied there. */
int _pd_node_choice_fmpq(slong *choice, const pd_prog_t P, slong i,
                         const fmpq *argval);

/* Local derivative weights of branch b of the non-SORT nonsmooth node i:
   w[k] = d branch / d args[k], k < nargs. */
void _pd_branch_weights(fmpq *w, const pd_prog_t P, slong i, slong b);

/* Reverse mode over Q[t] along one piece: v[0..ninputs) receives the
   backprop output as polynomials in t, given the node polynomials val.
   Every nonsmooth node takes its local derivative from the branch in
   pattern (SORT: its permutation), unless woff != NULL and woff[i] >= 0:
   then w[woff[i] .. + nargs) are its weights (non-SORT nodes only). */
void _pd_backprop_poly(fmpq_poly_struct *v, const pd_prog_t P,
                       const fmpq_poly_struct *val, const slong *pattern,
                       const fmpq *w, const slong *woff);

/* One signed rational "[-+]num[/num]" at s, num a decimal (digits, an
   optional fraction and exponent), spaces around it skipped: returns the
   number of characters read, or -1 with *code (PD_EPARSE, PD_EDOM for a
   zero denominator, PD_ELIMIT for a huge exponent) and *bad_at the offset
   of the problem. */
slong _pd_curve_read_rational(fmpq_t q, const char *s, slong *bad_at,
                              int *code);

/* <v, gamma'> for v, gamma' with n entries. */
void _pd_poly_dot(fmpq_poly_t r, const fmpq_poly_struct *v,
                  const fmpq_poly_struct *dg, slong n);

#endif
