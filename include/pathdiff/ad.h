/* pathdiff/ad.h: framework conventions at kinks and numeric AD (float,
   double, MPFR, exact rationals) over a compiled tape. */
#ifndef PATHDIFF_AD_H
#define PATHDIFF_AD_H

#include <flint/fmpq.h>
#include "pathdiff/common.h"
#include "pathdiff/prog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Conventions (CONVENTIONS.md, docs/conventions.md)                  */
/* ------------------------------------------------------------------ */

/* Where a convention comes from: a framework preset or explicit rules. */
typedef enum {
    PD_CONV_PYTORCH = 0,
    PD_CONV_JAX,
    PD_CONV_TENSORFLOW,
    PD_CONV_CUSTOM       /* explicit rules, possibly on top of a preset */
} pd_conv_preset_t;

/* What max / min do with the gradient at a tie among j of their arguments
   (the tied arguments are those equal to the result). */
typedef enum {
    PD_TIE_FIRST = 0,    /* all of it to the tied argument listed first     */
    PD_TIE_LAST,         /* all of it to the tied argument listed last      */
    PD_TIE_SPLIT,        /* 1/j to each tied argument                       */
    PD_TIE_BOTH          /* 1 to every tied argument (not conservative)     */
} pd_tie_rule_t;

/* Which permutation sort uses to route gradients among equal entries. */
typedef enum {
    PD_SORT_STABLE = 0,  /* equal entries keep their argument order         */
    PD_SORT_REVERSE      /* equal entries in reverse argument order         */
} pd_sort_rule_t;

/* A convention: one fixed choice per primitive at its kink.
   Invariants: every fmpq is canonical; name is the canonical spelling
   (a preset name when preset != PD_CONV_CUSTOM, else the full rule list
   in the order of pd_conv_parse), owned by the struct.
   - relu0: relu'(0);  abs0: abs'(0);
   - leaky_slope: if nonzero, leaky_relu'(0) = the node's slope a, else
     leaky0;
   - clamp0, hardtanh0, relu60: derivative with respect to u when u sits
     exactly on a bound (1 = "inside", 0 = "outside");
   - max2: ties of two-argument max/min; maxn: ties of max/min with three or
     more arguments (frameworks differ: tf.maximum vs tf.reduce_max). */
typedef struct {
    pd_conv_preset_t preset;
    fmpq_t relu0, abs0, leaky0;
    int leaky_slope;
    fmpq_t clamp0, hardtanh0, relu60;
    pd_tie_rule_t max2, maxn;
    pd_sort_rule_t sort;
    char *name;
} pd_conv_struct;
typedef pd_conv_struct pd_conv_t[1];

/* Initialise C to the pytorch convention. */
void pd_conv_init(pd_conv_t C);
void pd_conv_clear(pd_conv_t C);
void pd_conv_set(pd_conv_t C, const pd_conv_t D);

/* Set C to a framework preset (PD_CONV_CUSTOM is PD_EINVAL). */
pd_status_t pd_conv_set_preset(pd_conv_t C, pd_conv_preset_t preset,
                               pd_error_t err) PD_WARN_UNUSED;

/* Parse a convention:
     "pytorch" | "jax" | "tensorflow"
   or a comma-separated list of rules, optionally led by a preset name
   (default pytorch) whose choices the rules not named keep:
     relu0=S  abs0=S  leaky0=S|slope
     max=first|last|split|both  (ties of max and min; sets max2 and maxn)
     max2=...  maxn=...         (two-argument / n-ary ties only)
     clamp=inside|outside|S  hardtanh=...  relu6=...
     sort=stable|reverse
   S is any rational ("1/2", "-3", "0.25", "1e-3").  Later rules override
   earlier ones.  On success C holds the convention and its canonical name;
   on error C is unchanged and err says which rule is bad (PD_EINVAL). */
pd_status_t pd_conv_parse(pd_conv_t C, const char *spec,
                          pd_error_t err) PD_WARN_UNUSED;

/* The canonical printable name: "pytorch", "jax", "tensorflow", or e.g.
   "relu0=0,abs0=0,leaky0=slope,max=split,clamp=inside,hardtanh=outside,
   relu6=outside,sort=stable" (one line).  Owned by C. */
const char *pd_conv_name(const pd_conv_t C);

/* Equal choices at every primitive (names are not compared). */
int pd_conv_equal(const pd_conv_t C, const pd_conv_t D);

/* Exact local derivatives of nonsmooth node i of P under convention C, at
   exact argument values argval[0..nargs) (argval[k] is the value of node
   args[k]).  Where the node is untied this is the derivative of its unique
   active branch; where tied, the convention's choice.
   - RELU, ABS, LEAKY_RELU, CLAMP, HARDTANH, RELU6, MAX, MIN: w[k] =
     d node / d args[k] for k < nargs (perm unused, may be NULL).
   - SORT: perm[j] = the argument that is the (j+1)-th smallest under the
     convention's order of equal entries (the branch numbering of prog.h);
     the SORTED node j then has derivative 1 with respect to args[perm[j]].
     w is unused and may be NULL.
   PD_EINVAL if node i is not nonsmooth or an output array is NULL where
   needed. */
pd_status_t pd_conv_local_fmpq(fmpq *w, slong *perm, const pd_conv_t C,
                               const pd_prog_t P, slong i,
                               const fmpq *argval,
                               pd_error_t err) PD_WARN_UNUSED;

/* Whether nonsmooth node i is tied at exact argument values argval
   (MATH.md 2: more than one branch active). */
int pd_conv_node_is_tied(const pd_prog_t P, slong i, const fmpq *argval);

#ifdef __cplusplus
}
#endif
#endif
