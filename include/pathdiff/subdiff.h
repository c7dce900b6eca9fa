/* pathdiff/subdiff.h: the exact Clarke subdifferential, the backprop
   conservative field, and verdicts on AD outputs at a point (MATH.md 3-5). */
#ifndef PATHDIFF_SUBDIFF_H
#define PATHDIFF_SUBDIFF_H

#include <flint/fmpq.h>
#include "pathdiff/common.h"
#include "pathdiff/prog.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
   Pieces considered at a point

   One complete pattern reached by the enumeration (every tied node
   chosen).  Invariant: pattern has nslots entries (a valid pattern, active
   at x); gradient has n entries, grad P_s(x); guard_node[0..nguards) are
   the nodes owning the guards that vanish at x, in push order;
   activity->mult[j] and activity->witness refer to guard j of this list;
   essentially_active == activity->active and decided_by == activity->step.
   The decision and its certificate are in the format of local.h, whoever
   made them: the enumeration itself when its first-order data decide
   (OPEN_CONE: dir = d, curve = x + t d; AFFINE: every vanishing guard
   affine, mult a Gordan vector), pd_local_activity otherwise.  ray_active
   is PD_FALSE when essentially_active is PD_FALSE (a ray-active piece is
   essentially active); PD_TRUE with ray = the same ray x + t d when
   decided by OPEN_CONE; else from pd_local_ray_activity, certificate in
   ray. */
typedef struct {
    slong *pattern;
    fmpq *gradient;
    slong *guard_node;
    slong nguards;
    pd_truth_t essentially_active;
    pd_step_t decided_by;
    pd_activity_t activity;
    pd_truth_t ray_active;
    pd_activity_t ray;
} pd_clarke_piece_struct;

/* A prefix cut off before its last tied node was chosen (output-sensitive
   enumeration): no completion of it is essentially active.  Invariant:
   pattern has nslots entries, -1 in the slots of the nodes not chosen yet;
   node is the last node chosen; guard_node[0..nguards) own the guards of
   the prefix that vanish at x, grads (nguards x n, row-major) are their
   gradients at x and affine[j] says whether guard j has degree <= 1; step
   is how the cut was decided:
     PD_STEP_AFFINE       the affine guards alone have an empty open cone
                          (affine guards are exact to first order);
     PD_STEP_CLOSED_CONE  {d : grads.d >= 0} = {0} (no curve enters);
     other steps          decided by pd_local_activity (first-order steps).
   mult (nguards entries) is the certificate: NULL until
   pd_clarke_cut_certify computes it (cutting needs no certificate, and a
   large enumeration makes thousands of cuts); then for AFFINE mult >= 0,
   != 0, zero on non-affine guards, sum mult_j grads_j = 0 (Gordan), for
   CLOSED_CONE mult > 0 with sum mult_j grads_j = 0 and grads of rank n
   (Stiemke), for other steps the multipliers pd_local_activity gave. */
typedef struct {
    slong *pattern;
    slong node;
    slong *guard_node;
    fmpq *grads;
    int *affine;
    fmpq *mult;
    slong nguards;
    pd_step_t step;
} pd_clarke_cut_struct;

/* ------------------------------------------------------------------------
   The Clarke subdifferential at a point (MATH.md 3, 4, 5)

   Invariant after a successful pd_clarke_at: n = P->ninputs, nslots =
   P->nslots; point (n) is x; value = f(x); tied[0..ntied) the tied nodes
   in increasing order; pieces[0..npieces) the complete patterns reached,
   in enumeration order (lexicographic in the tied nodes' choices, topological
   order of nodes); cuts[0..ncuts) the prefixes cut off; vertices = the
   vertices of conv{grad P_s(x) : s essentially active}, in canonical
   (lexicographic) order; undecided = number of pieces whose essential
   activity is PD_UNKNOWN, and outer = the vertices of the hull of the
   gradients of the pieces that are essentially active or undecided (equal
   to vertices when undecided == 0; the true Clarke set lies between the
   two hulls, and is the outer one when that is a single point, which
   vertices then holds too); differentiable = PD_TRUE (then gradient, n
   entries, is grad f(x): every piece whose ray activity is not refuted
   has it), PD_FALSE (two ray-active pieces with different gradients:
   ray_witness[0], ray_witness[1] are their indices in pieces), or
   PD_UNKNOWN; visited counts the prefixes examined (the work done). */
typedef struct {
    slong n, nslots;
    fmpq *point;
    fmpq_t value;
    slong *tied;
    slong ntied;
    pd_clarke_piece_struct *pieces;
    slong npieces, palloc;
    pd_clarke_cut_struct *cuts;
    slong ncuts, cut_alloc;
    pd_ptset_t vertices;
    pd_ptset_t outer;
    slong undecided;
    pd_truth_t differentiable;
    fmpq *gradient;
    slong ray_witness[2];
    slong visited;
} pd_clarke_struct;
typedef pd_clarke_struct pd_clarke_t[1];

void pd_clarke_init(pd_clarke_t C);
void pd_clarke_clear(pd_clarke_t C);

/* Compute the Clarke subdifferential of P at x (P->ninputs rationals),
   with every piece considered and its certificate.  Enumeration is
   output-sensitive: patterns grow node by node in topological order,
   choosing only at tied nodes (untied ones take their unique active
   branch); a prefix is cut as soon as its vanishing guards cannot hold
   together (affine guards: exact open-cone LP; otherwise only a sound
   refutation), so the work follows the number of essentially active
   pieces, not 2^k.  Each complete pattern is decided by pd_local_activity
   (MATH.md 4, steps in order) and, unless refuted, its ray activity by
   pd_local_ray_activity (MATH.md 5).  lim may be NULL (defaults); the
   caller starts its clock (pd_limits_start) if it set a timeout.
   Returns PD_OK even when some pieces stay undecided (C->undecided > 0,
   differentiable possibly PD_UNKNOWN): the caller decides what that means.
   PD_ELIMIT when more than lim->max_pieces prefixes would be visited or
   the deadline passed (C then holds no partial answer: npieces = 0);
   PD_EINVAL if P has no output; PD_EINTERNAL if a certificate fails its
   exact re-check. */
pd_status_t pd_clarke_at(pd_clarke_t C, const pd_prog_t P, const fmpq *x,
                         const pd_limits_t lim, pd_error_t err) PD_WARN_UNUSED;

/* Compute the certificate (mult) of cut i of C, if not there yet.
   PD_EINVAL if i is out of range; PD_EINTERNAL if the LP that must find
   it fails. */
pd_status_t pd_clarke_cut_certify(pd_clarke_t C, slong i,
                                  pd_error_t err) PD_WARN_UNUSED;

/* ------------------------------------------------------------------------
   The backprop conservative field (MATH.md 5)

   conv D_P(x) = conv{grad P_s(x) : s active at x}: every tied node
   occurrence picks a vertex of its primitive's Clarke Jacobian (relu
   {0,1}, abs {-1,1}, leaky_relu {a,1}, max/min e_i on the tied arguments,
   clamp/hardtanh/relu6 {0,1} at a bound, sort the permutations sorting
   the tied entries): these choices are exactly the active patterns.

   Computed without walking every vertex choice when the graph allows:
   tied nodes split into groups (two tied nodes are in one group when one
   is an ancestor of the other); every path of the DAG meets one group at
   most, so the backprop output is grad_ref + sum over groups of a term
   that depends on that group's choices only, and conv D_P(x) is
   grad_ref plus the Minkowski sum of the groups' hulls.  The vertices of
   that sum are enumerated through the normal cones of the groups'
   vertices (a prefix is cut when their open cones cannot meet: exact
   LP), so the work follows the number of field vertices.

   Invariant after a successful pd_field_at: clarke as after
   pd_clarke_at; vertices = the vertices of conv D_P(x) in canonical
   order; ngroups the number of groups; choices the number of vertex
   choices evaluated. */
typedef struct {
    pd_clarke_t clarke;
    pd_ptset_t vertices;
    slong ngroups;
    slong choices;
} pd_field_struct;
typedef pd_field_struct pd_field_t[1];

void pd_field_init(pd_field_t F);
void pd_field_clear(pd_field_t F);

/* The field vertices only (V reset to dimension P->ninputs).  lim->
   max_pieces bounds the vertex choices evaluated within the groups and,
   separately, the combinations of group vertices visited (PD_ELIMIT over
   either, or past the deadline; V then empty).  PD_EINVAL if P has no
   output. */
pd_status_t pd_field_vertices(pd_ptset_t V, slong *ngroups, slong *choices,
                              const pd_prog_t P, const fmpq *x,
                              const pd_limits_t lim,
                              pd_error_t err) PD_WARN_UNUSED;

/* The field and the Clarke set beside it (pd_clarke_at then
   pd_field_vertices).  Statuses as for those two. */
pd_status_t pd_field_at(pd_field_t F, const pd_prog_t P, const fmpq *x,
                        const pd_limits_t lim, pd_error_t err) PD_WARN_UNUSED;

/* ------------------------------------------------------------------------
   Verdicts on an AD output v at x (MATH.md 5)

     GRADIENT   f is differentiable at x and v = grad f(x)
     CLARKE     v in d^c f(x), and f is not differentiable at x or v
                differs from its gradient
     SPURIOUS   v in conv D_P(x) but not in d^c f(x)
     INVALID    v not in conv D_P(x)
     UNDECIDED  the exact sets needed are not known (undecided pieces or
                differentiability): never a guess */
typedef enum {
    PD_VERDICT_GRADIENT = 0,
    PD_VERDICT_CLARKE,
    PD_VERDICT_SPURIOUS,
    PD_VERDICT_INVALID,
    PD_VERDICT_UNDECIDED
} pd_verdict_t;

/* "gradient", "clarke", "spurious", "invalid", "undecided". */
const char *pd_verdict_name(pd_verdict_t v);

/* A verdict with the exact sets behind it.  Invariant after a successful
   pd_verdict_judge: n entries in every vector; in_field says whether v is
   in conv D_P(x): if so field_weights (F->vertices.len entries) are convex
   weights on the field vertices giving v, else (field_offset,
   field_normal) separate: field_offset + field_normal.w >= 0 at every
   field vertex w and < 0 at v.  in_clarke: PD_TRUE (clarke_weights over
   the Clarke vertices), PD_FALSE (clarke_offset/clarke_normal separate v
   from the outer hull, which contains d^c f(x)), PD_UNKNOWN (v is in the
   outer hull but not in the inner one); not computed (PD_UNKNOWN, no
   certificate) when in_field is 0.  nfield / nclarke are the lengths of
   the weight vectors. */
typedef struct {
    pd_verdict_t verdict;
    slong n;
    int in_field;
    fmpq *field_weights;
    slong nfield;
    fmpq *field_normal;
    fmpq_t field_offset;
    pd_truth_t in_clarke;
    fmpq *clarke_weights;
    slong nclarke;
    fmpq *clarke_normal;
    fmpq_t clarke_offset;
} pd_judgement_struct;
typedef pd_judgement_struct pd_judgement_t[1];

void pd_judgement_init(pd_judgement_t J);
void pd_judgement_clear(pd_judgement_t J);

/* Judge v (F's dimension, exact rationals; a float output is first read
   exactly as the dyadic rational it is) against the field F computed at
   x by pd_field_at.  Decision, all exact: v not in conv D_P(x) -> INVALID;
   differentiable PD_TRUE and v = gradient -> GRADIENT; v in the Clarke
   hull -> CLARKE, unless differentiability is unknown and v equals the
   gradient of some piece not refuted (then UNDECIDED); v outside the
   outer hull -> SPURIOUS; otherwise UNDECIDED.  PD_EINVAL if F holds no
   result; PD_EINTERNAL if an LP certificate fails its re-check. */
pd_status_t pd_verdict_judge(pd_judgement_t J, const pd_field_t F,
                             const fmpq *v, pd_error_t err) PD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
