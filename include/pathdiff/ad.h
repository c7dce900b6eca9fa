/* pathdiff/ad.h: framework conventions at kinks and numeric AD (float,
   double, MPFR, exact rationals) over a compiled tape. */
#ifndef PATHDIFF_AD_H
#define PATHDIFF_AD_H

#include <mpfr.h>
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


/* ------------------------------------------------------------------ */
/* Arithmetics                                                         */
/* ------------------------------------------------------------------ */

typedef enum {
    PD_ARITH_FLOAT = 0,  /* IEEE binary32, round to nearest even           */
    PD_ARITH_DOUBLE,     /* IEEE binary64, round to nearest even           */
    PD_ARITH_MPFR,       /* MPFR at prec bits, MPFR_RNDN                   */
    PD_ARITH_EXACT       /* rationals (fmpq)                               */
} pd_arith_kind_t;

/* An arithmetic.  Invariant: prec is 24 for FLOAT, 53 for DOUBLE, the
   MPFR precision (MPFR_PREC_MIN..MPFR_PREC_MAX) for MPFR, 0 for EXACT. */
typedef struct {
    pd_arith_kind_t kind;
    slong prec;
} pd_arith_struct;
typedef pd_arith_struct pd_arith_t[1];

/* Parse "float", "double", "mpfr:BITS" (2 <= BITS <= 1000000) or
   "exact".  PD_EINVAL on anything else. */
pd_status_t pd_arith_parse(pd_arith_t A, const char *spec,
                           pd_error_t err) PD_WARN_UNUSED;
void pd_arith_set(pd_arith_t A, pd_arith_kind_t kind, slong prec);

/* The canonical spelling ("float", "mpfr:256", ...); flint_free it. */
char *pd_arith_get_str(const pd_arith_t A);

/* A number of arithmetic A as text: EXACT: the exact (dyadic) value of v
   as a rational in lowest terms ("-3/4"); FLOAT/DOUBLE: the shortest decimal that reads back (round to
   nearest) to the same float/double, "-0" for negative zero, "inf",
   "-inf", "nan"; MPFR: enough significant digits to read back at prec
   bits.  v must be a value of A (x, exactly).  flint_free the result. */
char *pd_arith_get_str_mpfr(const pd_arith_t A, const mpfr_t v);

/* Correct rounding of a rational to double / float (nearest even, with
   subnormals; +-inf on overflow).  Returns 1 if the result is finite. */
int pd_fmpq_get_d_rnd(double *d, const fmpq_t q);
int pd_fmpq_get_f_rnd(float *f, const fmpq_t q);
/* The exact rational value of a finite double (0 for +-0). */
void pd_fmpq_set_d_exact(fmpq_t q, double d);

/* ------------------------------------------------------------------ */
/* Tapes: a program compiled for repeated numeric AD                  */
/* ------------------------------------------------------------------ */

/* Instruction flags. */
#define PD_TAPE_LIVE 1   /* the node lies on a path to the output and
                            depends on an input: backward visits it     */
#define PD_TAPE_RA 2     /* args[0] needs an adjoint                     */
#define PD_TAPE_RB 4     /* args[1] needs an adjoint                     */
#define PD_TAPE_REQ 8    /* the node depends on an input                 */

/* One instruction: node `out` computed from nodes a (args[0]) and b
   (args[1]) when present; aux indexes the tape's constant tables (DIV:
   the divisor; LEAKY_RELU: the slope; clamps: lo, hi at aux, aux + 1;
   POW: the exponent is the node's index field). */
typedef struct {
    int op;
    int flags;
    int out, a, b, aux;
} pd_tape_instr_struct;

/* A tape.  Invariants: prog is the program it was compiled from (not
   owned; it must outlive the tape and not change); conv a copy of the
   convention; instr[0..ninstr) are the nodes other than CONST and INPUT,
   in node order;
   nconst constants kq[0..nconst) (exact), kd, kf their double and float
   roundings (rounded to double first, then to float, as a framework does
   with a host-language number); sortoff[i] is the offset of SORT node i's
   slots in the sort workspaces (-1 for other nodes); workspaces for each
   arithmetic are allocated on first use and reused, so a tape must not
   be used by two threads at once. */
typedef struct {
    const pd_prog_struct *prog;
    pd_conv_t conv;
    slong len, ninputs, ninstr, nconst, nsortslots, nnonsmooth;
    pd_tape_instr_struct *instr;
    slong nconstnodes;
    slong *constnode;    /* the CONST nodes; kq[j] is constnode[j]'s value */
    unsigned char *live; /* per node: on a path to the output, depends on
                            an input                                      */
    slong kalloc;
    fmpq *kq;
    double *kd;
    float *kf;
    slong *sortoff;
    slong *tied;     /* the last call's tied nodes (ascending)          */
    slong ntied;
    /* workspaces */
    double *vd, *ad, *sd;
    float *vf, *af, *sf;
    slong *perm;
    void *mp;        /* MPFR workspace (grad_mpfr.c)                    */
    void *ex;        /* exact workspace (grad_fmpq.c)                   */
    void *iv;        /* interval workspace (enclose.c)                  */
} pd_tape_struct;
typedef pd_tape_struct pd_tape_t[1];

/* Compile P (with an output) under convention C.  PD_EINVAL if P has no
   output or more than 2^30 nodes; on failure nothing is left to clear. */
pd_status_t pd_tape_init(pd_tape_t T, const pd_prog_t P, const pd_conv_t C,
                         pd_error_t err) PD_WARN_UNUSED;
void pd_tape_clear(pd_tape_t T);

/* ------------------------------------------------------------------ */
/* Numeric AD on a tape                                               */
/* ------------------------------------------------------------------ */

/* Every AD function below evaluates the program at x (T->ninputs values)
   in its arithmetic, deciding branches and ties on the values it computes
   (so its tied set can differ from the exact one, MATH.md 10), and leaves
   the nodes it saw tied in T->tied[0..T->ntied).

   Reverse mode (grad): value and gradient of the output under T's
   convention.  In float and double, with the pytorch convention, the
   operations, their order and the order in which contributions to a
   node used several times are summed are those of torch 1.13's backward
   (docs/conventions.md), so the result equals torch's bit for bit;
   inputs the output does not depend on get +0.
   Forward mode (jvp): value and the directional derivative along dir,
   that is <g, dir> for the gradient g the convention's local choices
   give (exactly so in EXACT arithmetic).
   grad may be NULL in eval functions; none of these fail on numbers
   (overflow gives inf/nan in float and double, MPFR follows its own
   rules); PD_ELIMIT if an exact power would be too large. */
pd_status_t pd_ad_eval_d(double *value, pd_tape_t T, const double *x,
                         pd_error_t err) PD_WARN_UNUSED;
pd_status_t pd_ad_eval_f(float *value, pd_tape_t T, const float *x,
                         pd_error_t err) PD_WARN_UNUSED;
pd_status_t pd_ad_grad_d(double *value, double *grad, pd_tape_t T,
                         const double *x, pd_error_t err) PD_WARN_UNUSED;
pd_status_t pd_ad_grad_f(float *value, float *grad, pd_tape_t T,
                         const float *x, pd_error_t err) PD_WARN_UNUSED;
pd_status_t pd_ad_jvp_d(double *value, double *dot, pd_tape_t T,
                        const double *x, const double *dir,
                        pd_error_t err) PD_WARN_UNUSED;
pd_status_t pd_ad_jvp_f(float *value, float *dot, pd_tape_t T,
                        const float *x, const float *dir,
                        pd_error_t err) PD_WARN_UNUSED;

/* MPFR at prec bits (round to nearest): value, grad[0..ninputs) and dot
   must be initialised (any precision; they are set to prec); x and dir
   are read at their own precision. */
pd_status_t pd_ad_grad_mpfr(mpfr_t value, mpfr_ptr grad, pd_tape_t T,
                            mpfr_srcptr x, mpfr_prec_t prec,
                            pd_error_t err) PD_WARN_UNUSED;
pd_status_t pd_ad_jvp_mpfr(mpfr_t value, mpfr_t dot, pd_tape_t T,
                           mpfr_srcptr x, mpfr_srcptr dir, mpfr_prec_t prec,
                           pd_error_t err) PD_WARN_UNUSED;

/* Exact: the convention's local derivatives are those of
   pd_conv_local_fmpq. */
pd_status_t pd_ad_grad_fmpq(fmpq_t value, fmpq *grad, pd_tape_t T,
                            const fmpq *x, pd_error_t err) PD_WARN_UNUSED;
pd_status_t pd_ad_jvp_fmpq(fmpq_t value, fmpq_t dot, pd_tape_t T,
                           const fmpq *x, const fmpq *dir,
                           pd_error_t err) PD_WARN_UNUSED;

/* ------------------------------------------------------------------ */
/* One AD call in a chosen arithmetic, numbers read back exactly      */
/* ------------------------------------------------------------------ */

/* Invariants: n inputs; after a successful pd_ad_run: arith is the
   arithmetic used; point[k] is x[k] rounded to it (exact for EXACT);
   value, grad[0..n), dot are the results read exactly as rationals, and
   valuef, gradf, dotf the same as MPFR numbers of the arithmetic's
   precision (unused for EXACT), which keep the sign of zero; finite is 0
   if some result is inf or nan (the fmpq copies are then 0 there);
   tied[0..ntied) the nodes this arithmetic saw tied; has_dot is 1 for a
   forward-mode call. */
typedef struct {
    slong n;
    pd_arith_t arith;
    fmpq *point;
    fmpq_t value, dot;
    fmpq *grad;
    mpfr_t valuef, dotf;
    mpfr_ptr gradf;
    int finite, has_dot;
    slong *tied;
    slong ntied;
} pd_ad_result_struct;
typedef pd_ad_result_struct pd_ad_result_t[1];

void pd_ad_result_init(pd_ad_result_t R, slong n);
void pd_ad_result_clear(pd_ad_result_t R);

/* Round x to arithmetic A, run reverse mode on T (dir == NULL) or forward
   mode along dir (dir rounded likewise), and store the results in R
   (initialised for T->ninputs).  PD_EDOM if a coordinate of x or dir
   overflows the format; PD_EINVAL if R has the wrong size. */
pd_status_t pd_ad_run(pd_ad_result_t R, pd_tape_t T, const pd_arith_t A,
                      const fmpq *x, const fmpq *dir,
                      pd_error_t err) PD_WARN_UNUSED;


/* ------------------------------------------------------------------ */
/* Rigorous enclosures of float and double backprop (MATH.md 10)      */
/* ------------------------------------------------------------------ */

/* The reverse sweep of pd_ad_grad_f (fmt PD_ARITH_FLOAT) or pd_ad_grad_d
   (PD_ARITH_DOUBLE), in the same operation order, in interval arithmetic
   at the format's precision and exponent range (native doubles, every
   bound rounded outward to the format's grid, subnormals and overflow
   included): [lo[k], hi[k]] contains both the exact gradient the
   convention gives at x (pd_ad_grad_fmpq) and the result of any
   round-to-nearest evaluation of the same operations at x in the format
   (libm pow is allowed 1 ulp).  Where a guard's interval contains 0, every
   branch it allows is followed and their local derivatives are joined
   (hull), so the enclosure is sound, and tight where no interval straddles
   a kink.  x must be exactly representable in the format (read with
   --points float32/float64).  T->tied lists the nonsmooth nodes whose
   guard intervals contain 0 (those the format might see tied; a superset
   of the exact tied set).  lo, hi: T->ninputs initialised MPFR numbers,
   set to the format's precision.  PD_EINVAL for another fmt. */
pd_status_t pd_ad_grad_enclose(mpfr_ptr lo, mpfr_ptr hi, pd_tape_t T,
                               pd_arith_kind_t fmt, const fmpq *x,
                               pd_error_t err) PD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
