/* pathdiff/curve.h: path differentiability along polynomial curves
   (MATH.md 6): exact breakpoints, per-interval chain-rule identities, the
   integral form, numeric AD and external oracles along the curve. */
#ifndef PATHDIFF_CURVE_H
#define PATHDIFF_CURVE_H

#include "pathdiff/ad.h"
#include "pathdiff/common.h"
#include "pathdiff/local.h"
#include "pathdiff/prog.h"
#include <flint/fmpq.h>
#include <flint/fmpq_poly.h>
#include <flint/fmpz_poly.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
   Real algebraic numbers (breakpoints)

   Invariant (once set): alpha is the unique real root of poly in the
   closed interval [lo, hi].  poly is the minimal polynomial of alpha over
   Q: irreducible in Z[t], primitive, positive leading coefficient.  If
   alpha is rational, lo == hi == alpha (and poly = q t - p); otherwise
   [lo, hi] = [k / 10^e, (k + 1) / 10^e] with k = floor(alpha 10^e) for the
   smallest e >= 0 such that no other real root of poly lies in it.
   exact is private: the Calcium qqbar behind the number (used for
   refinement and exact arithmetic), allocated by init, freed by clear. */
typedef struct {
    fmpz_poly_t poly;
    fmpq_t lo, hi;
    void *exact;
} pd_realalg_struct;
typedef pd_realalg_struct pd_realalg_t[1];

/* Initialise to 0. */
void pd_realalg_init(pd_realalg_t x);
void pd_realalg_clear(pd_realalg_t x);
void pd_realalg_set(pd_realalg_t x, const pd_realalg_t y);
void pd_realalg_set_fmpq(pd_realalg_t x, const fmpq_t q);
void pd_realalg_swap(pd_realalg_t x, pd_realalg_t y);

/* 1 if x is rational (then q = x, if q is not NULL), else 0. */
int pd_realalg_get_fmpq(fmpq_t q, const pd_realalg_t x);

/* Exact comparisons: -1, 0, 1 as x <, ==, > y (resp. q). */
int pd_realalg_cmp(const pd_realalg_t x, const pd_realalg_t y);
int pd_realalg_cmp_fmpq(const pd_realalg_t x, const fmpq_t q);

/* The exact sign of h(x) (DEPENDENCIES 2.4: reduce h modulo the minimal
   polynomial, then refine an Arb enclosure until it excludes 0). */
int pd_realalg_sgn_fmpq_poly(const fmpq_poly_t h, const pd_realalg_t x);

/* The decimal approximation of x with `digits` significant digits
   (digits >= 1), correctly rounded (ties to even), in the style of C's
   "%.{digits}g": fixed notation when the decimal exponent e satisfies
   -4 <= e < digits, else d.ddde+XX; trailing zeros removed.  Released with
   flint_free. */
char *pd_realalg_get_str(const pd_realalg_t x, slong digits);

/* The distinct real roots of the non-zero polynomials p[0..m) in the open
   interval (a, b), merged and sorted in increasing order, into
   roots[0..*nroots) (allocated here: release each with pd_realalg_clear
   and the array with flint_free; NULL when none).  Constant polynomials
   contribute nothing.  PD_EINVAL if some p[j] is zero or a >= b. */
pd_status_t pd_realalg_roots(pd_realalg_struct **roots, slong *nroots,
                             const fmpq_poly_struct *p, slong m, const fmpq_t a,
                             const fmpq_t b, pd_error_t err) PD_WARN_UNUSED;

/* The simplest rational strictly between x < y: least denominator, then
   least absolute value of the numerator.  PD_EINVAL unless x < y. */
pd_status_t pd_realalg_simplest_between(fmpq_t q, const pd_realalg_t x,
                                        const pd_realalg_t y,
                                        pd_error_t err) PD_WARN_UNUSED;

/* ------------------------------------------------------------------------
   Polynomial curves gamma: [a, b] -> R^n, gamma in Q[t]^n

   Invariant: coord[0..n) are canonical fmpq_polys in t, coord[i] drives
   input i of the program; a < b. */
typedef struct {
    slong n;
    fmpq_poly_struct *coord;
    fmpq_t a, b;
} pd_curve_struct;
typedef pd_curve_struct pd_curve_t[1];

/* n coordinates, all 0, on [0, 1]. */
void pd_curve_init(pd_curve_t g, slong n);
void pd_curve_clear(pd_curve_t g);

/* Set the parameter range; PD_EINVAL unless a < b. */
pd_status_t pd_curve_set_range(pd_curve_t g, const fmpq_t a, const fmpq_t b,
                               pd_error_t err) PD_WARN_UNUSED;

/* Parse "a..b" (two rationals: integers, p/q, decimals, exponent forms,
   optional signs) into g's range.  PD_EPARSE with the column (file
   "--on", line 1) on bad text, PD_EINVAL unless a < b. */
pd_status_t pd_curve_parse_range(pd_curve_t g, const char *spec,
                                 pd_error_t err) PD_WARN_UNUSED;

/* Parse a polynomial in the variable t with rational coefficients:
   numbers (as above), t, + - * (binary and unary), / by a non-zero
   constant, ^ by a natural number (at most 1000), parentheses.  The whole
   string must be consumed.  On error, PD_EPARSE (PD_EDOM for a division
   by zero, PD_ELIMIT past degree 10000) with err->col the 1-based column
   in s plus col0 (so a caller can report columns in a larger text), file
   and text left for the caller. */
pd_status_t pd_curve_poly_parse(fmpq_poly_t p, const char *s, slong col0,
                                pd_error_t err) PD_WARN_UNUSED;

/* Parse "x=t, y=3/2*t^2" (every input of P exactly once, by name; spaces
   free) into g, which must have n == P->ninputs.  PD_EPARSE with the
   column (file "--curve", line 1, the spec as text) on a syntax error,
   an unknown or repeated input, or a missing one (PD_EDOM, PD_ELIMIT as
   for pd_curve_poly_parse); PD_EINVAL if g->n != P->ninputs.  Either
   every coordinate is named or none is (then they follow the input
   order). */
pd_status_t pd_curve_parse(pd_curve_t g, const pd_prog_t P, const char *spec,
                           pd_error_t err) PD_WARN_UNUSED;

/* p as text in the variable var, highest power first, e.g.
   "3/2*t^2 - t + 1", "0" for zero.  Released with flint_free. */
char *pd_curve_poly_get_str(const fmpq_poly_t p, const char *var);

/* ------------------------------------------------------------------------
   The check along a curve (MATH.md 6)

   The identities checked on each interval: */
typedef enum {
    PD_CURVE_CLARKE = 0, /* gradients of the essentially active pieces  */
    PD_CURVE_FIELD,      /* every vertex choice of the backprop field    */
    PD_CURVE_CONVENTION  /* the chosen convention or custom rule         */
} pd_curve_check_t;
#define PD_CURVE_NCHECKS 3

/* "clarke", "field", "convention". */
const char *pd_curve_check_name(pd_curve_check_t c);

/* What a node tied on a whole interval can reveal there (MATH.md 6). */
typedef enum {
    /* relu, abs, leaky_relu, clamp family: the argument is constant along
       the curve, so any value of the rule at the kink passes. */
    PD_CURVE_TIE_ONE_ARG = 0,
    /* max, min, sort: the tied value is constant along the curve, so any
       weights on the tied arguments pass. */
    PD_CURVE_TIE_CONSTANT,
    /* max, min, sort: the tied value changes along the curve; a rule whose
       weights on the tied arguments do not sum to one breaks the chain rule
       here unless something downstream cancels it. */
    PD_CURVE_TIE_CHANGING
} pd_curve_tie_kind_t;

/* One open interval between consecutive points of the result.
   Invariant: sample is a rational strictly inside; pattern (P->nslots
   entries) is the canonical active pattern at every point of the interval
   (untied nodes: their branch; tied non-SORT nodes: the lowest active
   branch; SORT: the stable permutation), the same convention as exact.h;
   tied[0..ntied) lists the nonsmooth nodes tied on the whole interval in
   increasing order, tie_kind[j] says what tied[j] can reveal; f is f o
   gamma on the interval, df its derivative; holds[c] is PD_TRUE when the
   identity (f o gamma)' = <v, gamma'> holds identically in Q[t] for every
   v of check c, PD_FALSE when it fails for some; clarke_pieces counts the
   distinct piece gradients checked for Clarke, clarke_undecided those
   whose essential activity stayed undecided (checked too: the identity
   holds for every piece active on the interval); field_choices counts the
   vertex choices checked one by one, 0 when there were more than
   PD_CURVE_MAX_CHOICES and the field was proved node by node instead
   (forward mode: every vertex of every tied node maps exact tangents to
   the exact tangent); conv_grad[0..n) is the convention's backprop output
   v(t) along the interval. */
typedef struct {
    fmpq_t sample;
    slong *pattern;
    slong ntied;
    slong *tied;
    pd_curve_tie_kind_t *tie_kind;
    fmpq_poly_t f, df;
    pd_truth_t holds[PD_CURVE_NCHECKS];
    slong clarke_pieces, clarke_undecided;
    slong field_choices;
    fmpq_poly_struct *conv_grad;
} pd_curve_interval_struct;

#define PD_CURVE_MAX_CHOICES 4096

/* The first failure found (intervals in order, then the checks in the
   order of pd_curve_check_t): interval index, the sample t, the offending
   v = v(t) with its polynomials vpoly along the interval, and both sides
   of the identity at t (lhs = (f o gamma)'(t), rhs = <v, gamma'(t)>) and
   as polynomials.  For FIELD and CLARKE, pattern holds the choice that
   failed (P->nslots entries: branches of the piece, or the vertex taken
   at each tied node, as a branch number or permutation).  found == 0 when
   nothing failed (the other fields are then unused). */
typedef struct {
    int found;
    pd_curve_check_t check;
    slong interval;
    fmpq_t t;
    slong n, nslots;
    fmpq *v;
    fmpq_poly_struct *vpoly;
    fmpq_t lhs, rhs;
    fmpq_poly_t lhs_poly, rhs_poly;
    slong *pattern;
} pd_curve_cex_struct;

/* The integral form for the convention (MATH.md 5):
   f(gamma(b)) - f(gamma(a)) = sum over intervals of the integral of
   <v(t), gamma'(t)>, breakpoints handled exactly.  lhs is the left side;
   the right side is lhs plus the integrals of the chain-rule defects;
   rhs_exact is 1 when rhs holds it exactly (rational or algebraic), 0
   when only the rational enclosure [rhs_lo, rhs_hi] is known (the exact
   sum was over the degree limit); holds is decided exactly (PD_UNKNOWN
   only if neither the enclosure nor the exact sum could decide). */
typedef struct {
    pd_truth_t holds;
    fmpq_t lhs;
    int rhs_exact;
    pd_realalg_t rhs;
    fmpq_t rhs_lo, rhs_hi;
} pd_curve_integral_struct;

/* Everything found along the curve.
   Invariant after pd_curve_check: points[0] = a, points[npoints - 1] = b,
   strictly increasing; the breakpoints are points[1 .. npoints - 1): the
   parameters in (a, b) where some node is tied at gamma(t) without being
   tied on a neighbourhood, or the active pattern changes; interval i runs
   from points[i] to points[i + 1] (nintervals = npoints - 1); holds[c]
   combines the intervals (PD_TRUE iff every interval holds); conservative
   is PD_TRUE iff every check holds on every interval and the integral
   form holds (PD_FALSE otherwise); conv_name is the convention's
   canonical name. */
typedef struct {
    slong n, nslots;
    slong npoints;
    pd_realalg_struct *points;
    slong nintervals;
    pd_curve_interval_struct *intervals;
    pd_truth_t holds[PD_CURVE_NCHECKS];
    pd_curve_integral_struct integral;
    pd_truth_t conservative;
    pd_curve_cex_struct cex;
    char *conv_name;
} pd_curve_result_struct;
typedef pd_curve_result_struct pd_curve_result_t[1];

void pd_curve_result_init(pd_curve_result_t R);
void pd_curve_result_clear(pd_curve_result_t R);

/* Breakpoints: the number and the j-th (0-based) of them. */
slong pd_curve_result_nbreakpoints(const pd_curve_result_t R);
const pd_realalg_struct *pd_curve_result_breakpoint(const pd_curve_result_t R,
                                                    slong j);

/* The interval containing the rational t of [a, b] in its interior, or -1
   when t is a breakpoint, an end, or outside [a, b]. */
slong pd_curve_result_locate(const pd_curve_result_t R, const fmpq_t t);

/* Check P along g (MATH.md 6): compose P with g exactly, splitting [a, b]
   at the breakpoints, then on each interval check the chain rule for the
   Clarke field (the essentially active pieces at gamma(sample), from
   pd_clarke_at), for every vertex choice of the backprop field, and for
   the convention C (local derivatives from pd_conv_local_fmpq at the
   sample: ties are constant on the open interval), and the integral form
   for C.  lim (may be NULL: defaults) bounds the number of intervals
   (max_pieces), the time and the Clarke decisions.  g->n must equal
   P->ninputs.  PD_EINVAL on a size mismatch or a program without output;
   PD_ELIMIT when a limit was hit; on error R is left cleared-and-empty. */
pd_status_t pd_curve_check(pd_curve_result_t R, const pd_prog_t P,
                           const pd_curve_t g, const pd_conv_t C,
                           const pd_limits_t lim,
                           pd_error_t err) PD_WARN_UNUSED;

/* ------------------------------------------------------------------------
   Numeric AD along the curve (MATH.md 10)

   At N parameters t_k = a + (b - a) k / (N - 1), k = 0..N-1 (the midpoint
   when N = 1), pathdiff's own AD runs in the chosen arithmetic at
   gamma(t_k) rounded to it, and is compared with the exact AD of the same
   convention at the exact point gamma(t_k). */
typedef enum {
    PD_CURVE_SAMPLE_EQUAL = 0,     /* the two gradients are equal exactly   */
    PD_CURVE_SAMPLE_ROUNDING,      /* same tied sets: rounding alone        */
    PD_CURVE_SAMPLE_TIE_CREATED,   /* the arithmetic saw ties the exact
                                      evaluation does not have              */
    PD_CURVE_SAMPLE_TIE_DESTROYED, /* it missed exact ties                */
    PD_CURVE_SAMPLE_TIES_CHANGED,  /* both                                */
    PD_CURVE_SAMPLE_NONFINITE      /* inf or nan in the numeric result      */
} pd_curve_sample_cause_t;

/* "equal", "rounding", "tie_created", "tie_destroyed", "ties_changed",
   "nonfinite". */
const char *pd_curve_sample_cause_name(pd_curve_sample_cause_t c);

/* One sample.  Invariant after pd_curve_samples: t the parameter;
   point[0..n) gamma(t) rounded to the arithmetic (exactly the point the
   numeric AD used); exact[0..n) the convention's exact gradient at
   gamma(t); ad[0..n) the numeric gradient read exactly, ad_str its text in
   the arithmetic (shortest round-trip form; flint_free'd by clear);
   tied_exact / tied_ad the tied nodes (increasing) of each; err =
   max_k |ad_k - exact_k|; differs is 1 when the gradients differ (err > 0
   or a non-finite result); cause is EQUAL when they agree and the tied
   sets are the same, else what differs (a tie change is reported even
   when the gradients happen to agree). */
typedef struct {
    fmpq_t t;
    fmpq *point, *exact, *ad;
    char **ad_str;
    slong *tied_exact, *tied_ad;
    slong ntied_exact, ntied_ad;
    fmpq_t err;
    int differs;
    pd_curve_sample_cause_t cause;
} pd_curve_sample_struct;

/* Invariant: samples[0..nsamples) in increasing t; ndiffer counts the
   samples whose gradients differ, nties those whose tied sets differ. */
typedef struct {
    slong n, nsamples;
    pd_arith_t arith;
    pd_curve_sample_struct *samples;
    slong ndiffer, nties;
} pd_curve_samples_struct;
typedef pd_curve_samples_struct pd_curve_samples_t[1];

void pd_curve_samples_init(pd_curve_samples_t S);
void pd_curve_samples_clear(pd_curve_samples_t S);

/* Run the comparison at N >= 1 samples (at most 1000000).  PD_EINVAL on a
   bad N or size mismatch; PD_EDOM if gamma(t_k) overflows the format;
   statuses of the AD otherwise. */
pd_status_t pd_curve_samples(pd_curve_samples_t S, const pd_prog_t P,
                             const pd_curve_t g, const pd_conv_t C,
                             const pd_arith_t A, slong N,
                             pd_error_t err) PD_WARN_UNUSED;

/* ------------------------------------------------------------------------
   External oracles along the curve

   A CSV file with a header naming its columns: `t` (the parameter) and
   `d_NAME` for every input NAME of the program (any order); columns named
   after an input (the point, as logged by the tool) are read and ignored.
   One row per sample; values are integers, p/q rationals or decimals
   (exponent forms too), read exactly.  Blank lines and lines starting with
   '#' are skipped. */

/* One row.  Invariant after pd_curve_oracle_check: line is its 1-based
   line in the file; grad[0..n) the oracle's gradient; interval the
   interval holding t in its interior, or -1 (then at_break is 1 when t is
   a breakpoint or an end of [a, b], 0 when outside [a, b]); for a judged
   row (interval >= 0): lhs = (f o gamma)'(t), rhs = <grad, gamma'(t)>,
   violates = 1 when |lhs - rhs| > tol * max(1, |lhs|,
   sum_k |grad_k gamma_k'(t)|). */
typedef struct {
    slong line;
    fmpq_t t;
    fmpq *grad;
    slong interval;
    int at_break;
    fmpq_t lhs, rhs;
    int violates;
} pd_curve_oracle_row_struct;

/* Invariant: rows[0..nrows) in file order; njudged rows lie inside an
   interval, nviolations of them violate the chain rule; tol the relative
   tolerance used. */
typedef struct {
    slong n, nrows, alloc;
    pd_curve_oracle_row_struct *rows;
    slong njudged, nviolations;
    fmpq_t tol;
} pd_curve_oracle_struct;
typedef pd_curve_oracle_struct pd_curve_oracle_t[1];

void pd_curve_oracle_init(pd_curve_oracle_t O);
void pd_curve_oracle_clear(pd_curve_oracle_t O);

/* Read the rows of text (NUL-terminated; file names it in messages) for
   P's inputs.  PD_EPARSE with file, line, column and the line on a bad
   header (missing t or d_NAME column, unknown or repeated column) or a bad
   value or row length; PD_ELIMIT past 10000000 rows. */
pd_status_t pd_curve_oracle_read_string(pd_curve_oracle_t O, const pd_prog_t P,
                                        const char *text, const char *file,
                                        pd_error_t err) PD_WARN_UNUSED;

/* Same from a file ("-": standard input); PD_EIO if unreadable. */
pd_status_t pd_curve_oracle_read(pd_curve_oracle_t O, const pd_prog_t P,
                                 const char *path,
                                 pd_error_t err) PD_WARN_UNUSED;

/* Judge every row against the exact (f o gamma)' of R (from
   pd_curve_check on the same program and curve g) with relative
   tolerance tol >= 0 (0: exact equality).  PD_EINVAL on a size mismatch
   or a negative tol. */
pd_status_t pd_curve_oracle_check(pd_curve_oracle_t O,
                                  const pd_curve_result_t R, const pd_curve_t g,
                                  const fmpq_t tol,
                                  pd_error_t err) PD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
