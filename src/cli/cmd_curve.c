/* cmd_curve.c: `pathdiff curve FILE --curve SPEC`: breakpoints, intervals
   and exact chain-rule checks along a polynomial curve, numeric AD and an
   external oracle along it (argument parsing and printing only). */
#include "cli.h"
#include "pathdiff/curve.h"
#include "report/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPROX_DIGITS 10

static const char *curve_usage =
    "Usage: pathdiff curve FILE --curve SPEC [--on a..b] [--convention C]\n"
    "                      [--samples N [--arith A]] [--oracle CSV [--tol R]]\n"
    "                      [--max-pieces N] [--timeout S] [--strict] [--json]\n"
    "\n"
    "Compose the program in FILE with a polynomial curve gamma(t), t in [a, "
    "b],\n"
    "exactly: split [a, b] at the breakpoints (exact real algebraic numbers "
    "where\n"
    "a node becomes tied or changes branch), and on every interval check the\n"
    "chain rule (f o gamma)'(t) = <v(t), gamma'(t)> as an identity in Q[t] "
    "for\n"
    "  clarke      the gradients of the essentially active pieces,\n"
    "  field       every vertex choice of the backprop conservative field,\n"
    "  convention  the convention C (a framework or custom rules),\n"
    "and the integral form f(gamma(b)) - f(gamma(a)) = sum of the integrals "
    "of\n"
    "<v, gamma'> for C.  A rule that fails on an interval of positive length "
    "is\n"
    "not conservative: the interval, a sample t, v and both sides are "
    "printed.\n"
    "\n"
    "  --curve SPEC     one polynomial in t with rational coefficients per "
    "input,\n"
    "                   by name: \"x=t, y=3/2*t^2\" (or in input order: \"t, "
    "t^2\");\n"
    "                   + - * ^ (natural powers), / by a number, parentheses\n"
    "  --on a..b        the parameter range, rational ends, a < b (default "
    "0..1)\n"
    "  --convention C   pytorch (default), jax, tensorflow, or rules such as\n"
    "                   relu0=0,abs0=0,max=split (relu0=S abs0=S "
    "leaky0=S|slope\n"
    "                   max|max2|maxn=first|last|split|both\n"
    "                   clamp|hardtanh|relu6=inside|outside|S "
    "sort=stable|reverse)\n"
    "  --samples N      also run pathdiff's numeric AD (convention C) at N "
    "evenly\n"
    "                   spaced t (ends included) and report where it differs "
    "from\n"
    "                   the exact value, and ties rounding created or "
    "destroyed\n"
    "  --arith A        arithmetic of --samples: float, double (default),\n"
    "                   mpfr:BITS, exact\n"
    "  --oracle CSV     gradients sampled by another tool along the same "
    "curve:\n"
    "                   a header `t,d_x,d_y` (t and d_NAME for every input "
    "NAME,\n"
    "                   any order; columns named after inputs are ignored), "
    "one\n"
    "                   row per sample, numbers read exactly; rows inside an\n"
    "                   interval are checked against the exact (f o gamma)'\n"
    "  --tol R          relative tolerance of the oracle check (default 1e-6;\n"
    "                   0 for exact equality): a row violates the chain rule "
    "when\n"
    "                   |lhs - rhs| > R max(1, |lhs|, sum |g_i gamma_i'|)\n"
    "  --max-pieces N   at most N intervals (and Clarke pieces per point;\n"
    "                   0: no bound); over it, exit 3\n"
    "  --timeout S      give up after S seconds (exit 3)\n"
    "  --strict         exit 1 when a check fails (not conservative, or an\n"
    "                   oracle row violates the chain rule)\n"
    "  --json           print one JSON document: {\"curve\", \"on\", "
    "\"convention\",\n"
    "                   \"breakpoints\": [algebraic...], \"intervals\": "
    "[{\"from\",\n"
    "                   \"to\", \"sample\", \"tied\", \"f\", \"df\", \"v\", "
    "\"chain_rule\":\n"
    "                   {\"clarke\", \"field\", \"convention\": "
    "\"holds|fails\"}, ...}],\n"
    "                   \"integral\", \"conservative\", \"counterexample\", "
    "\"notes\"}\n"
    "                   (+ \"samples\", \"oracle\"); an algebraic number is "
    "{\"poly\":\n"
    "                   [c0, c1, ...], \"interval\": [lo, hi], \"approx\": "
    "\"...\"}\n"
    "  --help           print this help\n"
    "\n"
    "What the check can see: a one-argument primitive (relu, abs, leaky_relu,\n"
    "clamp) tied along an interval has a constant argument there, so any "
    "value\n"
    "of its rule at the kink passes (relu0=2 is never caught); "
    "several-argument\n"
    "primitives (max, min, sort) break the chain rule only where the tied "
    "value\n"
    "changes along the curve and nothing downstream cancels it.\n"
    "\n"
    "Exit status: 0 success (whatever the verdict), 1 a check failed with\n"
    "--strict, 2 bad input or usage, 3 a limit was reached.\n";

/* A positive integer option; 0 on success. */
static int parse_count(slong *out, const char *s, slong max)
{
    char *end;
    long v;
    if (s[0] < '0' || s[0] > '9')
        return 1;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < 1 || v > max)
        return 1;
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Printing helpers                                                        */
/* ---------------------------------------------------------------------- */

static void json_poly(pd_json_t J, const fmpq_poly_t p)
{
    slong k, len = fmpq_poly_length(p);
    fmpq_t c;
    fmpq_init(c);
    pd_json_arr_begin(J);
    if (len == 0)
        pd_json_str(J, "0");
    for (k = 0; k < len; k++) {
        fmpq_poly_get_coeff_fmpq(c, p, k);
        pd_json_fmpq(J, c);
    }
    pd_json_arr_end(J);
    fmpq_clear(c);
}

static void json_realalg(pd_json_t J, const pd_realalg_t x)
{
    slong k;
    char *s;
    pd_json_obj_begin(J);
    pd_json_key(J, "poly");
    pd_json_arr_begin(J);
    for (k = 0; k < fmpz_poly_length(x->poly); k++)
        pd_json_fmpz(J, x->poly->coeffs + k);
    pd_json_arr_end(J);
    pd_json_key(J, "interval");
    pd_json_arr_begin(J);
    pd_json_fmpq(J, x->lo);
    pd_json_fmpq(J, x->hi);
    pd_json_arr_end(J);
    pd_json_key(J, "approx");
    s = pd_realalg_get_str(x, APPROX_DIGITS);
    pd_json_str(J, s);
    flint_free(s);
    pd_json_obj_end(J);
}

/* A point of the result for people: the rational, or its approximation. */
static char *realalg_text(const pd_realalg_t x)
{
    fmpq_t q;
    char *s;
    fmpq_init(q);
    if (pd_realalg_get_fmpq(q, x))
        s = fmpq_get_str(NULL, 10, q);
    else
        s = pd_realalg_get_str(x, APPROX_DIGITS);
    fmpq_clear(q);
    return s;
}

static void print_fmpq_vec(const fmpq *v, slong n)
{
    slong k;
    fputc('(', stdout);
    for (k = 0; k < n; k++) {
        if (k > 0)
            fputs(", ", stdout);
        fmpq_print(v + k);
    }
    fputc(')', stdout);
}

static void print_poly(const fmpq_poly_t p)
{
    char *s = pd_curve_poly_get_str(p, "t");
    fputs(s, stdout);
    flint_free(s);
}

/* The name of the rule a node's kink is governed by (--convention). */
static const char *rule_name(pd_op_t op)
{
    switch (op) {
    case PD_OP_RELU:
        return "relu0";
    case PD_OP_ABS:
        return "abs0";
    case PD_OP_LEAKY_RELU:
        return "leaky0";
    case PD_OP_CLAMP:
        return "clamp";
    case PD_OP_HARDTANH:
        return "hardtanh";
    case PD_OP_RELU6:
        return "relu6";
    case PD_OP_SORT:
        return "sort";
    default:
        return "max";
    }
}

/* What tied node j of interval I can reveal, as a sentence (flint_free). */
static char *tie_note(const pd_prog_t P, const pd_curve_interval_struct *I,
                      slong j)
{
    slong i = I->tied[j];
    pd_op_t op = P->nodes[i].op;
    char *name = pd_prog_node_name(P, i);
    char *s = flint_malloc(strlen(name) + 400);
    switch (I->tie_kind[j]) {
    case PD_CURVE_TIE_ONE_ARG:
        sprintf(s,
                "%s is tied on the whole interval: its argument is constant "
                "along the curve, so any value of %s passes the chain rule "
                "here; a curve inside a %s kink set proves nothing about %s",
                name, rule_name(op), pd_op_name(op), rule_name(op));
        break;
    case PD_CURVE_TIE_CONSTANT:
        sprintf(s,
                "%s is tied with a constant value along the curve: any "
                "weights on its tied arguments pass; this interval proves "
                "nothing about the %s rule",
                name, rule_name(op));
        break;
    default:
        if (op == PD_OP_SORT)
            sprintf(s,
                    "%s has tied entries whose value changes along the "
                    "curve: a rule that is not a permutation of the tied "
                    "entries breaks the chain rule here unless something "
                    "downstream cancels it",
                    name);
        else
            sprintf(s,
                    "%s is tied and its value changes along the curve: a "
                    "rule whose weights on the tied arguments do not sum to 1 "
                    "breaks the chain rule here unless something downstream "
                    "cancels it",
                    name);
        break;
    }
    flint_free(name);
    return s;
}

static const char *holds_str(pd_truth_t t)
{
    return t == PD_TRUE ? "holds" : t == PD_FALSE ? "fails" : "undecided";
}

/* Summary notes for the whole curve (each flint_free'd by the caller). */
static slong global_notes(char **notes, const pd_prog_t P,
                          const pd_curve_result_t R)
{
    slong m = 0, k, j, nfail = 0;
    int one_arg = 0, changing = 0;
    char buf[512];
    for (k = 0; k < R->nintervals; k++) {
        const pd_curve_interval_struct *I = R->intervals + k;
        if (I->holds[PD_CURVE_CONVENTION] == PD_FALSE)
            nfail++;
        for (j = 0; j < I->ntied; j++) {
            if (I->tie_kind[j] == PD_CURVE_TIE_ONE_ARG)
                one_arg = 1;
            if (I->tie_kind[j] == PD_CURVE_TIE_CHANGING)
                changing = 1;
        }
    }
    if (nfail > 0) {
        snprintf(buf, sizeof(buf),
                 "the convention %s breaks the chain rule on %ld interval%s of "
                 "positive length: it is not a conservative field",
                 R->conv_name, (long)nfail, nfail == 1 ? "" : "s");
        notes[m++] = _pd_strdup(buf);
    }
    if (one_arg)
        notes[m++] = _pd_strdup(
            "one-argument primitives tied along the curve never break the "
            "chain "
            "rule (their argument is constant there): their rules at the kink "
            "are not tested by this curve");
    if (nfail == 0 && !changing)
        notes[m++] = _pd_strdup(
            "no several-argument primitive (max, min, sort) is tied with a "
            "changing value along this curve: a rule such as max=both could "
            "not be caught here");
    (void)P;
    return m;
}

/* ---------------------------------------------------------------------- */
/* JSON                                                                    */
/* ---------------------------------------------------------------------- */

static void json_result(pd_json_t J, const pd_prog_t P, const pd_curve_t g,
                        const pd_curve_result_t R, const pd_curve_samples_t S,
                        int have_samples, const pd_curve_oracle_t O,
                        int have_oracle, const char *oracle_file)
{
    slong k, j, i, m;
    char *notes[8];

    pd_json_obj_begin(J);
    pd_json_key(J, "curve");
    pd_json_obj_begin(J);
    for (k = 0; k < g->n; k++) {
        char *s = pd_curve_poly_get_str(g->coord + k, "t");
        pd_json_key(J, P->input_names[k]);
        pd_json_str(J, s);
        flint_free(s);
    }
    pd_json_obj_end(J);
    pd_json_key(J, "on");
    pd_json_arr_begin(J);
    pd_json_fmpq(J, g->a);
    pd_json_fmpq(J, g->b);
    pd_json_arr_end(J);
    pd_json_key(J, "convention");
    pd_json_str(J, R->conv_name);

    pd_json_key(J, "breakpoints");
    pd_json_arr_begin(J);
    for (k = 0; k < pd_curve_result_nbreakpoints(R); k++)
        json_realalg(J, pd_curve_result_breakpoint(R, k));
    pd_json_arr_end(J);

    pd_json_key(J, "intervals");
    pd_json_arr_begin(J);
    for (k = 0; k < R->nintervals; k++) {
        const pd_curve_interval_struct *I = R->intervals + k;
        pd_json_obj_begin(J);
        pd_json_key(J, "from");
        json_realalg(J, R->points + k);
        pd_json_key(J, "to");
        json_realalg(J, R->points + k + 1);
        pd_json_key(J, "sample");
        pd_json_fmpq(J, I->sample);
        pd_json_key(J, "tied");
        pd_json_node_names(J, P, I->tied, I->ntied);
        pd_json_key(J, "f");
        json_poly(J, I->f);
        pd_json_key(J, "df");
        json_poly(J, I->df);
        pd_json_key(J, "v");
        pd_json_arr_begin(J);
        for (i = 0; i < R->n; i++)
            json_poly(J, I->conv_grad + i);
        pd_json_arr_end(J);
        pd_json_key(J, "chain_rule");
        pd_json_obj_begin(J);
        for (i = 0; i < PD_CURVE_NCHECKS; i++) {
            pd_json_key(J, pd_curve_check_name((pd_curve_check_t)i));
            pd_json_str(J, holds_str(I->holds[i]));
        }
        pd_json_obj_end(J);
        pd_json_key(J, "clarke_pieces");
        pd_json_int(J, I->clarke_pieces);
        pd_json_key(J, "field_choices");
        pd_json_int(J, I->field_choices);
        pd_json_key(J, "notes");
        pd_json_arr_begin(J);
        for (j = 0; j < I->ntied; j++) {
            char *s = tie_note(P, I, j);
            pd_json_str(J, s);
            flint_free(s);
        }
        pd_json_arr_end(J);
        pd_json_obj_end(J);
    }
    pd_json_arr_end(J);

    pd_json_key(J, "integral");
    pd_json_obj_begin(J);
    pd_json_key(J, "lhs");
    pd_json_fmpq(J, R->integral.lhs);
    pd_json_key(J, "rhs");
    if (R->integral.rhs_exact) {
        fmpq_t q;
        fmpq_init(q);
        if (pd_realalg_get_fmpq(q, R->integral.rhs))
            pd_json_fmpq(J, q);
        else
            json_realalg(J, R->integral.rhs);
        fmpq_clear(q);
    } else {
        pd_json_obj_begin(J);
        pd_json_key(J, "enclosure");
        pd_json_arr_begin(J);
        pd_json_fmpq(J, R->integral.rhs_lo);
        pd_json_fmpq(J, R->integral.rhs_hi);
        pd_json_arr_end(J);
        pd_json_obj_end(J);
    }
    pd_json_key(J, "holds");
    pd_json_truth(J, R->integral.holds);
    pd_json_obj_end(J);

    pd_json_key(J, "conservative");
    pd_json_truth(J, R->conservative);
    pd_json_key(J, "counterexample");
    if (!R->cex.found) {
        pd_json_null(J);
    } else {
        const pd_curve_cex_struct *c = &R->cex;
        pd_json_obj_begin(J);
        pd_json_key(J, "check");
        pd_json_str(J, pd_curve_check_name(c->check));
        pd_json_key(J, "interval");
        pd_json_int(J, c->interval);
        pd_json_key(J, "from");
        json_realalg(J, R->points + c->interval);
        pd_json_key(J, "to");
        json_realalg(J, R->points + c->interval + 1);
        pd_json_key(J, "t");
        pd_json_fmpq(J, c->t);
        pd_json_key(J, "v");
        pd_json_fmpq_vec(J, c->v, c->n);
        pd_json_key(J, "lhs");
        pd_json_fmpq(J, c->lhs);
        pd_json_key(J, "rhs");
        pd_json_fmpq(J, c->rhs);
        pd_json_key(J, "v_poly");
        pd_json_arr_begin(J);
        for (i = 0; i < c->n; i++)
            json_poly(J, c->vpoly + i);
        pd_json_arr_end(J);
        pd_json_key(J, "lhs_poly");
        json_poly(J, c->lhs_poly);
        pd_json_key(J, "rhs_poly");
        json_poly(J, c->rhs_poly);
        pd_json_obj_end(J);
    }
    pd_json_key(J, "notes");
    pd_json_arr_begin(J);
    m = global_notes(notes, P, R);
    for (k = 0; k < m; k++) {
        pd_json_str(J, notes[k]);
        flint_free(notes[k]);
    }
    pd_json_arr_end(J);

    if (have_samples) {
        char *a = pd_arith_get_str(S->arith);
        pd_json_key(J, "samples");
        pd_json_obj_begin(J);
        pd_json_key(J, "arith");
        pd_json_str(J, a);
        flint_free(a);
        pd_json_key(J, "count");
        pd_json_int(J, S->nsamples);
        pd_json_key(J, "differ");
        pd_json_int(J, S->ndiffer);
        pd_json_key(J, "tie_changes");
        pd_json_int(J, S->nties);
        pd_json_key(J, "rows");
        pd_json_arr_begin(J);
        for (k = 0; k < S->nsamples; k++) {
            const pd_curve_sample_struct *s = S->samples + k;
            if (s->cause == PD_CURVE_SAMPLE_EQUAL)
                continue;
            pd_json_obj_begin(J);
            pd_json_key(J, "t");
            pd_json_fmpq(J, s->t);
            pd_json_key(J, "point");
            pd_json_fmpq_vec(J, s->point, S->n);
            pd_json_key(J, "exact");
            pd_json_fmpq_vec(J, s->exact, S->n);
            pd_json_key(J, "ad");
            pd_json_arr_begin(J);
            for (i = 0; i < S->n; i++)
                pd_json_str(J, s->ad_str[i]);
            pd_json_arr_end(J);
            pd_json_key(J, "differs");
            pd_json_bool(J, s->differs);
            pd_json_key(J, "cause");
            pd_json_str(J, pd_curve_sample_cause_name(s->cause));
            pd_json_key(J, "tied_exact");
            pd_json_node_names(J, P, s->tied_exact, s->ntied_exact);
            pd_json_key(J, "tied_ad");
            pd_json_node_names(J, P, s->tied_ad, s->ntied_ad);
            pd_json_obj_end(J);
        }
        pd_json_arr_end(J);
        pd_json_obj_end(J);
    }
    if (have_oracle) {
        pd_json_key(J, "oracle");
        pd_json_obj_begin(J);
        pd_json_key(J, "file");
        pd_json_str(J, oracle_file);
        pd_json_key(J, "tol");
        pd_json_fmpq(J, O->tol);
        pd_json_key(J, "rows");
        pd_json_int(J, O->nrows);
        pd_json_key(J, "judged");
        pd_json_int(J, O->njudged);
        pd_json_key(J, "violations");
        pd_json_arr_begin(J);
        for (k = 0; k < O->nrows; k++) {
            const pd_curve_oracle_row_struct *r = O->rows + k;
            if (!r->violates)
                continue;
            pd_json_obj_begin(J);
            pd_json_key(J, "line");
            pd_json_int(J, r->line);
            pd_json_key(J, "t");
            pd_json_fmpq(J, r->t);
            pd_json_key(J, "interval");
            pd_json_int(J, r->interval);
            pd_json_key(J, "gradient");
            pd_json_fmpq_vec(J, r->grad, O->n);
            pd_json_key(J, "lhs");
            pd_json_fmpq(J, r->lhs);
            pd_json_key(J, "rhs");
            pd_json_fmpq(J, r->rhs);
            pd_json_obj_end(J);
        }
        pd_json_arr_end(J);
        pd_json_key(J, "not_judged");
        pd_json_arr_begin(J);
        for (k = 0; k < O->nrows; k++) {
            const pd_curve_oracle_row_struct *r = O->rows + k;
            if (r->interval >= 0)
                continue;
            pd_json_obj_begin(J);
            pd_json_key(J, "line");
            pd_json_int(J, r->line);
            pd_json_key(J, "t");
            pd_json_fmpq(J, r->t);
            pd_json_key(J, "reason");
            pd_json_str(J, !r->at_break ? "outside"
                           : fmpq_equal(r->t, g->a) || fmpq_equal(r->t, g->b)
                               ? "end"
                               : "breakpoint");
            pd_json_obj_end(J);
        }
        pd_json_arr_end(J);
        pd_json_obj_end(J);
    }
    pd_json_obj_end(J);
}

/* ---------------------------------------------------------------------- */
/* Text                                                                    */
/* ---------------------------------------------------------------------- */

static void print_tied_list(const pd_prog_t P, const slong *tied, slong n)
{
    slong j;
    if (n == 0)
        fputs("none", stdout);
    for (j = 0; j < n; j++) {
        char *name = pd_prog_node_name(P, tied[j]);
        printf("%s%s", j ? ", " : "", name);
        flint_free(name);
    }
}

static void text_result(const pd_prog_t P, const pd_curve_t g,
                        const pd_curve_result_t R, const pd_curve_samples_t S,
                        int have_samples, const pd_curve_oracle_t O,
                        int have_oracle, const char *oracle_file)
{
    slong k, j, i, nb = pd_curve_result_nbreakpoints(R), m;
    char *s, *s2;
    char *notes[8];

    fputs("curve       ", stdout);
    for (k = 0; k < g->n; k++) {
        s = pd_curve_poly_get_str(g->coord + k, "t");
        printf("%s%s = %s", k ? ", " : "", P->input_names[k], s);
        flint_free(s);
    }
    fputs(" for t in [", stdout);
    fmpq_print(g->a);
    fputs(", ", stdout);
    fmpq_print(g->b);
    printf("]\nconvention  %s\n", R->conv_name);

    if (nb == 0) {
        puts("breakpoints none");
    } else {
        printf("breakpoints %ld\n", (long)nb);
        for (k = 0; k < nb; k++) {
            const pd_realalg_struct *x = pd_curve_result_breakpoint(R, k);
            if (pd_realalg_get_fmpq(NULL, x)) {
                s = realalg_text(x);
                printf("  t%ld = %s\n", (long)(k + 1), s);
                flint_free(s);
            } else {
                fmpq_poly_t mp;
                fmpq_poly_init(mp);
                fmpq_poly_set_fmpz_poly(mp, x->poly);
                s = pd_realalg_get_str(x, APPROX_DIGITS);
                s2 = pd_curve_poly_get_str(mp, "t");
                printf("  t%ld = %s, the root of %s in [", (long)(k + 1), s,
                       s2);
                fmpq_print(x->lo);
                fputs(", ", stdout);
                fmpq_print(x->hi);
                puts("]");
                flint_free(s);
                flint_free(s2);
                fmpq_poly_clear(mp);
            }
        }
    }

    for (k = 0; k < R->nintervals; k++) {
        const pd_curve_interval_struct *I = R->intervals + k;
        s = realalg_text(R->points + k);
        s2 = realalg_text(R->points + k + 1);
        printf("\ninterval %ld: t in (%s, %s), sample t = ", (long)(k + 1), s,
               s2);
        flint_free(s);
        flint_free(s2);
        fmpq_print(I->sample);
        fputs("\n  stratum       ", stdout);
        if (I->ntied == 0) {
            fputs("no node tied (an open region of a piece)", stdout);
        } else {
            printf("inside the kink set%s of ", I->ntied == 1 ? "" : "s");
            print_tied_list(P, I->tied, I->ntied);
        }
        fputs("\n  f o gamma     ", stdout);
        print_poly(I->f);
        fputs("\n  (f o gamma)'  ", stdout);
        print_poly(I->df);
        fputs("\n  v             (", stdout);
        for (i = 0; i < R->n; i++) {
            if (i)
                fputs(", ", stdout);
            print_poly(I->conv_grad + i);
        }
        fputs(") from the convention\n", stdout);
        fputs("  chain rule    (f o gamma)' = <v, gamma'> in Q[t]\n", stdout);
        printf("    clarke      %s (%ld piece gradient%s)\n",
               holds_str(I->holds[PD_CURVE_CLARKE]), (long)I->clarke_pieces,
               I->clarke_pieces == 1 ? "" : "s");
        if (I->field_choices > 0)
            printf("    field       %s (%ld vertex choice%s)\n",
                   holds_str(I->holds[PD_CURVE_FIELD]), (long)I->field_choices,
                   I->field_choices == 1 ? "" : "s");
        else
            printf("    field       %s (proved node by node)\n",
                   holds_str(I->holds[PD_CURVE_FIELD]));
        printf("    convention  %s\n",
               holds_str(I->holds[PD_CURVE_CONVENTION]));
        for (j = 0; j < I->ntied; j++) {
            s = tie_note(P, I, j);
            printf("  note: %s\n", s);
            flint_free(s);
        }
    }

    fputs("\nintegral form (convention): f(gamma(", stdout);
    fmpq_print(g->b);
    fputs(")) - f(gamma(", stdout);
    fmpq_print(g->a);
    fputs(")) = ", stdout);
    fmpq_print(R->integral.lhs);
    fputs("; the integrals of <v, gamma'> sum to ", stdout);
    if (R->integral.rhs_exact) {
        s = realalg_text(R->integral.rhs);
        fputs(s, stdout);
        flint_free(s);
    } else {
        fputs("a number in [", stdout);
        fmpq_print(R->integral.rhs_lo);
        fputs(", ", stdout);
        fmpq_print(R->integral.rhs_hi);
        fputs("]", stdout);
    }
    printf(": %s\n", holds_str(R->integral.holds));

    printf("\nverdict: %s along this curve\n",
           R->conservative == PD_TRUE    ? "conservative"
           : R->conservative == PD_FALSE ? "NOT conservative"
                                         : "undecided");
    if (R->cex.found) {
        const pd_curve_cex_struct *c = &R->cex;
        s = realalg_text(R->points + c->interval);
        s2 = realalg_text(R->points + c->interval + 1);
        printf("counterexample (%s): on interval %ld, t in (%s, %s), at t = ",
               pd_curve_check_name(c->check), (long)(c->interval + 1), s, s2);
        flint_free(s);
        flint_free(s2);
        fmpq_print(c->t);
        fputs(": v = ", stdout);
        print_fmpq_vec(c->v, c->n);
        fputs(", (f o gamma)'(t) = ", stdout);
        fmpq_print(c->lhs);
        fputs(" but <v, gamma'(t)> = ", stdout);
        fmpq_print(c->rhs);
        fputs("\n  as polynomials: (f o gamma)' = ", stdout);
        print_poly(c->lhs_poly);
        fputs(", <v, gamma'> = ", stdout);
        print_poly(c->rhs_poly);
        fputc('\n', stdout);
    }
    m = global_notes(notes, P, R);
    for (k = 0; k < m; k++) {
        printf("note: %s\n", notes[k]);
        flint_free(notes[k]);
    }

    if (have_samples) {
        s = pd_arith_get_str(S->arith);
        printf(
            "\nnumeric AD (%s, %s) at %ld sample%s: %ld differ from the exact "
            "convention, %ld with a tie change\n",
            s, R->conv_name, (long)S->nsamples, S->nsamples == 1 ? "" : "s",
            (long)S->ndiffer, (long)S->nties);
        for (k = 0; k < S->nsamples; k++) {
            const pd_curve_sample_struct *sm = S->samples + k;
            if (sm->cause == PD_CURVE_SAMPLE_EQUAL)
                continue;
            fputs("  t = ", stdout);
            fmpq_print(sm->t);
            fputs(": exact ", stdout);
            print_fmpq_vec(sm->exact, S->n);
            printf(", %s (", s);
            for (i = 0; i < S->n; i++)
                printf("%s%s", i ? ", " : "", sm->ad_str[i]);
            printf("): %s", sm->differs ? "differs" : "same gradient");
            if (sm->cause == PD_CURVE_SAMPLE_ROUNDING)
                fputs(", by rounding", stdout);
            else if (sm->cause == PD_CURVE_SAMPLE_NONFINITE)
                fputs(", not finite", stdout);
            else if (sm->cause != PD_CURVE_SAMPLE_EQUAL) {
                printf(", %s rounding %s (tied exactly: ",
                       sm->differs ? "because" : "but",
                       sm->cause == PD_CURVE_SAMPLE_TIE_CREATED
                           ? "created a tie"
                       : sm->cause == PD_CURVE_SAMPLE_TIE_DESTROYED
                           ? "destroyed a tie"
                           : "created and destroyed ties");
                print_tied_list(P, sm->tied_exact, sm->ntied_exact);
                printf("; in %s: ", s);
                print_tied_list(P, sm->tied_ad, sm->ntied_ad);
                fputc(')', stdout);
            }
            fputc('\n', stdout);
        }
        flint_free(s);
    }
    if (have_oracle) {
        printf("\noracle %s: %ld row%s, %ld inside an interval, %ld violate%s "
               "the chain rule (tolerance ",
               oracle_file, (long)O->nrows, O->nrows == 1 ? "" : "s",
               (long)O->njudged, (long)O->nviolations,
               O->nviolations == 1 ? "s" : "");
        fmpq_print(O->tol);
        puts(")");
        for (k = 0; k < O->nrows; k++) {
            const pd_curve_oracle_row_struct *r = O->rows + k;
            if (r->violates) {
                printf("  line %ld: t = ", (long)r->line);
                fmpq_print(r->t);
                printf(" (interval %ld): gradient ", (long)(r->interval + 1));
                print_fmpq_vec(r->grad, O->n);
                fputs(", (f o gamma)'(t) = ", stdout);
                fmpq_print(r->lhs);
                fputs(" but <gradient, gamma'(t)> = ", stdout);
                fmpq_print(r->rhs);
                fputc('\n', stdout);
            } else if (r->interval < 0) {
                printf("  line %ld: t = ", (long)r->line);
                fmpq_print(r->t);
                printf(" not judged (%s)\n",
                       !r->at_break ? "outside the parameter range"
                       : fmpq_equal(r->t, g->a) || fmpq_equal(r->t, g->b)
                           ? "an end of the parameter range"
                           : "a breakpoint");
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* The command                                                             */
/* ---------------------------------------------------------------------- */

int pd_cmd_curve(int argc, char **argv)
{
    const char *file = NULL, *spec = NULL, *on = NULL, *conv = NULL;
    const char *arith = NULL, *oracle = NULL, *tol = NULL, *v;
    const char *samples_s = NULL, *maxp_s = NULL, *timeout_s = NULL;
    int json = 0, strict = 0, i, missing, rc = PD_EXIT_OK;
    slong nsamples = 0, maxp = 0;
    pd_prog_t P;
    pd_curve_t g;
    pd_conv_t C;
    pd_arith_t A;
    pd_limits_t lim;
    pd_curve_result_t R;
    pd_curve_samples_t S;
    pd_curve_oracle_t O;
    pd_error_t err;
    pd_status_t st = PD_OK;
    fmpq_t tolq;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        const char *what = NULL, *optname = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(curve_usage, stdout);
            return PD_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
            continue;
        } else if (strcmp(a, "--strict") == 0) {
            strict = 1;
            continue;
        }
#define CURVE_OPT(NAME, VAR, WHAT)                                             \
    if (slot == NULL &&                                                        \
        ((v = pd_cli_opt_value(argc, argv, &i, NAME, &missing)) != NULL ||            \
         missing)) {                                                           \
        slot = &VAR;                                                           \
        what = WHAT;                                                           \
        optname = NAME;                                                        \
    }
        CURVE_OPT("--curve", spec, "--curve needs a curve, e.g. \"x=t, y=t^2\"")
        CURVE_OPT("--on", on, "--on needs a range a..b")
        CURVE_OPT("--convention", conv, "--convention needs a convention")
        CURVE_OPT("--samples", samples_s, "--samples needs a number of points")
        CURVE_OPT("--arith", arith,
                  "--arith needs float, double, mpfr:BITS or exact")
        CURVE_OPT("--oracle", oracle, "--oracle needs a CSV file")
        CURVE_OPT("--tol", tol, "--tol needs a rational number")
        CURVE_OPT("--max-pieces", maxp_s, "--max-pieces needs a number")
        CURVE_OPT("--timeout", timeout_s, "--timeout needs a number of seconds")
#undef CURVE_OPT
        if (slot != NULL) {
            if (missing)
                return pd_cli_usage_error("curve", "%s", what);
            if ((rc = pd_cli_opt_once("curve", optname, slot, v)) != PD_EXIT_OK)
                return rc;
        } else if (a[0] == '-' && a[1] != '\0') {
            return pd_cli_usage_error("curve", "unknown option '%s'", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return pd_cli_usage_error("curve",
                                      "one FILE expected, got '%s' too", a);
        }
    }
    if (file == NULL)
        return pd_cli_usage_error("curve", "missing FILE");
    if (spec == NULL)
        return pd_cli_usage_error("curve", "missing --curve SPEC");
    if (samples_s != NULL && parse_count(&nsamples, samples_s, 1000000))
        return pd_cli_usage_error(
            "curve", "--samples needs an integer from 1 to 1000000, not '%s'",
            samples_s);
    if (arith != NULL && samples_s == NULL)
        return pd_cli_usage_error("curve", "--arith applies to --samples N");
    if (tol != NULL && oracle == NULL)
        return pd_cli_usage_error("curve", "--tol applies to --oracle CSV");
    if (maxp_s != NULL
        && (rc = pd_cli_parse_max_pieces(&maxp, maxp_s, "curve")) != PD_EXIT_OK)
        return rc;

    pd_error_init(err);
    pd_limits_init(lim);
    if (maxp_s != NULL)
        lim->max_pieces = maxp;
    if (timeout_s != NULL) {
        char *end;
        double t = strtod(timeout_s, &end);
        if (*end != '\0' || !(t > 0))
            return pd_cli_usage_error(
                "curve",
                "--timeout needs a positive number of seconds, not '%s'",
                timeout_s);
        lim->timeout = t;
    }
    pd_conv_init(C);
    pd_arith_set(A, PD_ARITH_DOUBLE, 53);
    fmpq_init(tolq);
    fmpq_set_si(tolq, 1, 1000000);
    if (conv != NULL && pd_conv_parse(C, conv, err) != PD_OK) {
        rc = pd_cli_usage_error("curve", "%s", err->msg);
        pd_conv_clear(C);
        fmpq_clear(tolq);
        return rc;
    }
    if (arith != NULL && pd_arith_parse(A, arith, err) != PD_OK) {
        rc = pd_cli_usage_error("curve", "%s", err->msg);
        pd_conv_clear(C);
        fmpq_clear(tolq);
        return rc;
    }
    if (tol != NULL &&
        (pd_number_parse(tolq, tol, PD_POINTS_EXACT, err) != PD_OK ||
         fmpq_sgn(tolq) < 0)) {
        rc = pd_cli_usage_error(
            "curve", "--tol needs a rational number >= 0, not '%s'", tol);
        pd_conv_clear(C);
        fmpq_clear(tolq);
        return rc;
    }

    pd_prog_init(P);
    rc = pd_cli_load(P, file);
    if (rc != PD_EXIT_OK) {
        pd_prog_clear(P);
        pd_conv_clear(C);
        fmpq_clear(tolq);
        return rc;
    }
    pd_curve_init(g, P->ninputs);
    pd_curve_result_init(R);
    pd_curve_samples_init(S);
    pd_curve_oracle_init(O);

    st = pd_curve_parse(g, P, spec, err);
    if (st == PD_OK && on != NULL)
        st = pd_curve_parse_range(g, on, err);
    if (st == PD_OK && oracle != NULL)
        st = pd_curve_oracle_read(O, P, oracle, err);
    if (st == PD_OK) {
        pd_limits_start(lim);
        st = pd_curve_check(R, P, g, C, lim, err);
    }
    if (st == PD_OK && samples_s != NULL)
        st = pd_curve_samples(S, P, g, C, A, nsamples, err);
    if (st == PD_OK && oracle != NULL)
        st = pd_curve_oracle_check(O, R, g, tolq, err);
    if (st != PD_OK) {
        if (err->line == 0 && err->file[0] == '\0')
            fprintf(stderr, "pathdiff curve: %s\n", err->msg);
        else
            pd_cli_print_error(err);
        rc = pd_cli_exit_status(st);
        goto cleanup;
    }

    if (json) {
        pd_json_t J;
        pd_json_init(J);
        json_result(J, P, g, R, S, samples_s != NULL, O, oracle != NULL,
                    oracle);
        pd_cli_print_json(pd_json_get_str(J));
        pd_json_clear(J);
    } else {
        text_result(P, g, R, S, samples_s != NULL, O, oracle != NULL, oracle);
    }
    if (strict && (R->conservative != PD_TRUE || O->nviolations > 0))
        rc = PD_EXIT_CHECK;

cleanup:
    pd_curve_oracle_clear(O);
    pd_curve_samples_clear(S);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
    pd_conv_clear(C);
    fmpq_clear(tolq);
    return rc;
}
