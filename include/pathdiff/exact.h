/* pathdiff/exact.h: exact evaluation at rational points; pieces and guards
   of a program under a pattern as polynomials over Q (MATH.md 2). */
#ifndef PATHDIFF_EXACT_H
#define PATHDIFF_EXACT_H

#include <flint/fmpq.h>
#include <flint/fmpq_mpoly.h>
#include "pathdiff/common.h"
#include "pathdiff/prog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
   Patterns

   A pattern is an array of P->nslots slongs; node i (nonsmooth) owns the
   slots [P->nodes[i].slot, P->nodes[i].slot + pd_prog_node_nslots(P, i)),
   its *choice*.  For every op but SORT the choice is one branch number
   (prog.h); for SORT it is a permutation p of 0..nargs-1, slot j holding
   the argument that is the (j+1)-th smallest.  Choices are ordered
   lexicographically (for non-SORT nodes: by branch number). */

/* 1 if choice (the node's slots only) is a valid choice for node i. */
int pd_choice_is_valid(const pd_prog_t P, slong i, const slong *choice);

/* 1 if pattern is a valid pattern of P (every node's choice valid). */
int pd_pattern_is_valid(const pd_prog_t P, const slong *pattern);

/* ------------------------------------------------------------------------
   Exact values at a rational point

   Invariant: prog is the program given to init (not owned; it must outlive
   ev and not change).  After a successful pd_eval_fmpq: point[0..ninputs)
   is a copy of x; val[i] is the exact value of node i (SORT nodes: 0,
   unused); tied[i] is 1 exactly for the nonsmooth nodes with more than one
   active branch (MATH.md 2), ntied counts them; pattern is the canonical
   active pattern: at untied nodes the unique active branch, at tied
   non-SORT nodes the lowest active branch, at SORT nodes the stable sorting
   permutation (equal values keep argument order).  valid is 0 before the
   first successful evaluation and after a failed one. */
typedef struct {
    const pd_prog_struct *prog;
    slong len, ninputs, nslots;
    fmpq *point;
    fmpq *val;
    int *tied;
    slong ntied;
    slong *pattern;
    int valid;
} pd_eval_struct;
typedef pd_eval_struct pd_eval_t[1];

void pd_eval_init(pd_eval_t ev, const pd_prog_t P);
void pd_eval_clear(pd_eval_t ev);

/* Evaluate P (the program ev was initialised with) exactly at x
   (P->ninputs rationals).  PD_EINVAL if P has no output or changed size
   since pd_eval_init; PD_ELIMIT if an exact power would be too large
   (over 5e7 bits).  Never PD_EDOM (divisions are by non-zero
   constants). */
pd_status_t pd_eval_fmpq(pd_eval_t ev, const pd_prog_t P, const fmpq *x,
                         pd_error_t err) PD_WARN_UNUSED;

/* The value of the output node (valid evaluation required). */
const fmpq *pd_eval_output(const pd_eval_t ev);

/* 1 if node i is tied at the evaluated point (0 for smooth nodes). */
int pd_eval_is_tied(const pd_eval_t ev, slong i);

/* 1 if branch b of the nonsmooth non-SORT node i is active (its value
   equals the node's value and its defining condition holds with equality
   allowed: relu branch 1 iff u >= 0, max branch b iff args[b] is a
   maximum, clamp branch 0 iff u <= lo, 1 iff lo <= u <= hi, 2 iff
   u >= hi).  0 for an out-of-range b or a SORT node. */
int pd_eval_branch_is_active(const pd_eval_t ev, slong i, slong b);

/* For a SORT node i: 1 if perm (nargs entries) is a permutation listing
   the arguments in non-decreasing order of value. */
int pd_eval_perm_is_active(const pd_eval_t ev, slong i, const slong *perm);

/* Either of the two above, on the node's choice. */
int pd_eval_choice_is_active(const pd_eval_t ev, slong i,
                             const slong *choice);

/* For a non-SORT nonsmooth node i: write its active branches in increasing
   order to branches (room for pd_prog_nbranches(P, i)) and return how
   many (>= 1).  Returns 0 for a SORT or smooth node. */
slong pd_eval_active_branches(slong *branches, const pd_eval_t ev, slong i);

/* Enumerating the active choices of a nonsmooth node i (any op, SORT
   included): choice has pd_prog_node_nslots(P, i) entries.  _first sets the
   lexicographically smallest active choice (the canonical one, for SORT
   the stable permutation); _next advances to the next active choice in
   lexicographic order and returns 1, or returns 0 (choice unchanged) when
   choice was the last (choice must be an active choice of node i).  An untied node has exactly one active choice.
   For SORT the active permutations permute each block of equal values
   among themselves: their number is the product of the block sizes'
   factorials. */
void pd_eval_choice_first(slong *choice, const pd_eval_t ev, slong i);
int pd_eval_choice_next(slong *choice, const pd_eval_t ev, slong i);

/* Number of active choices of node i (1 for untied nodes; WORD_MAX if it
   overflows). */
slong pd_eval_choice_count(const pd_eval_t ev, slong i);

/* ------------------------------------------------------------------------
   Gradient of a piece at a point

   The value of the piece P_s at x and its exact gradient (reverse mode in
   fmpq): every nonsmooth node takes its branch from pattern (which need not
   be active at x).  grad has P->ninputs entries.  PD_EINVAL if P has no
   output or pattern is not valid; PD_ELIMIT as for pd_eval_fmpq. */
pd_status_t pd_piece_grad_fmpq(fmpq *grad, fmpq_t val, const pd_prog_t P,
                               const slong *pattern, const fmpq *x,
                               pd_error_t err) PD_WARN_UNUSED;

/* ------------------------------------------------------------------------
   Pieces and guards as polynomials, grown node by node

   The polynomial of every node under a partial pattern, in P->ninputs
   variables (ctx, variable i = input i, ORD_LEX), built in topological
   order: push fixes the choice of the next nonsmooth node, computing the
   smooth nodes before it, its polynomial and its guards; pop undoes the
   last push.  Guards are oriented g > 0 (prog.h, MATH.md 2):

     RELU, ABS, LEAKY_RELU   branch 1: u > 0        branch 0: -u > 0
     MAX (choice i)          u_i - u_j > 0 for every j != i, j ascending
     MIN (choice i)          u_j - u_i > 0 for every j != i, j ascending
     CLAMP family            0: lo - u > 0   1: u - lo > 0, hi - u > 0
                             2: u - hi > 0
     SORT (perm p)           u_{p(j+1)} - u_{p(j)} > 0, j = 0..nargs-2

   Merge rule (MATH.md 2): a guard identically zero under the pattern says
   that the two branches it compares give the same polynomial downstream;
   it is dropped and the push is *degenerate*.  When a dropped guard
   compares the choice with a lexicographically smaller choice (relu/abs/
   leaky branch 1 with u == 0; max/min choice i against j < i; clamp branch
   1 with u == lo, branch 2 with u == hi; SORT with p(j) > p(j+1) and
   u_{p(j)} == u_{p(j+1)}), the push is also *redundant*: the smaller
   choice has the same polynomial and the same guards, so an enumeration
   may skip this one.  Other guards (non-zero constants included) are kept.

   Invariant: nodes [0, pos) have their polynomial in poly[0..pos) (SORT
   nodes: 0); pattern holds the choices of the nonsmooth nodes below pos;
   guard[0..nguards) are the guards of those choices in push order,
   guard_node[j] the node that owns guard j; nonaffine counts the guards of
   total degree > 1; depth frames, frame f for the f-th pushed node:
   frame_node[f], frame_gstart[f] (its first guard), frame_pos[f] (pos
   before the push), frame_flags[f] (PD_PIECE_DEGENERATE |
   PD_PIECE_REDUNDANT). */
#define PD_PIECE_DEGENERATE 1
#define PD_PIECE_REDUNDANT 2

typedef struct {
    const pd_prog_struct *prog;
    fmpq_mpoly_ctx_t ctx;
    slong len;
    fmpq_mpoly_struct *poly;
    slong pos;
    slong *pattern;
    fmpq_mpoly_struct *guard;
    slong *guard_node;
    slong nguards, galloc;
    slong nonaffine;
    slong depth;
    slong *frame_node, *frame_gstart, *frame_pos;
    int *frame_flags;
} pd_piece_struct;
typedef pd_piece_struct pd_piece_t[1];

/* Empty pattern (depth 0, pos 0).  P must outlive pc and not change. */
void pd_piece_init(pd_piece_t pc, const pd_prog_t P);
void pd_piece_clear(pd_piece_t pc);

/* The polynomial context (P->ninputs variables). */
const fmpq_mpoly_ctx_struct *pd_piece_ctx(const pd_piece_t pc);

/* Index of the nonsmooth node the next push fixes (the first nonsmooth
   node at or after pos), or -1 if none is left. */
slong pd_piece_next_node(const pd_piece_t pc);

/* Fix the choice of node pd_piece_next_node(pc) (choice: its slots).
   Afterwards its guards are guard[pd_piece_last_gstart(pc) .. nguards).
   PD_EINVAL if no nonsmooth node is left or choice is not valid;
   PD_ELIMIT if a polynomial would exceed the size limits (total degree
   over PD_PIECE_MAX_DEGREE).  On error the piece is unchanged. */
#define PD_PIECE_MAX_DEGREE 10000
pd_status_t pd_piece_push(pd_piece_t pc, const slong *choice,
                          pd_error_t err) PD_WARN_UNUSED;

/* Undo the last push (no-op at depth 0). */
void pd_piece_pop(pd_piece_t pc);

/* Undo every push. */
void pd_piece_reset(pd_piece_t pc);

/* About the last push (depth >= 1): the node, the index of its first
   guard, its flags (PD_PIECE_DEGENERATE, PD_PIECE_REDUNDANT). */
slong pd_piece_last_node(const pd_piece_t pc);
slong pd_piece_last_gstart(const pd_piece_t pc);
int pd_piece_last_flags(const pd_piece_t pc);

/* Compute the remaining (smooth) nodes after the last nonsmooth node, so
   that every node and the output have their polynomial.  PD_EINVAL if a
   nonsmooth node is still unchosen or P has no output; PD_ELIMIT as for
   push. */
pd_status_t pd_piece_complete(pd_piece_t pc, pd_error_t err) PD_WARN_UNUSED;

/* Convenience: reset, push every choice of pattern, complete. */
pd_status_t pd_piece_set_pattern(pd_piece_t pc, const slong *pattern,
                                 pd_error_t err) PD_WARN_UNUSED;

/* 1 once every node has its polynomial (after complete). */
int pd_piece_is_complete(const pd_piece_t pc);

/* The polynomial of node i (requires i < pos, i not SORT) and of the
   output (requires completeness). */
const fmpq_mpoly_struct *pd_piece_node_poly(const pd_piece_t pc, slong i);
const fmpq_mpoly_struct *pd_piece_output(const pd_piece_t pc);

/* The guards so far. */
slong pd_piece_nguards(const pd_piece_t pc);
const fmpq_mpoly_struct *pd_piece_guard(const pd_piece_t pc, slong j);
slong pd_piece_guard_node(const pd_piece_t pc, slong j);

/* 1 if every guard so far has total degree <= 1 (MATH.md 4, step 3). */
int pd_piece_is_affine(const pd_piece_t pc);

#ifdef __cplusplus
}
#endif
#endif
