/* check_curve.c: path differentiability along curves: real algebraic
   breakpoints, curve parsing, composition, the chain-rule and integral
   identities, numeric AD and oracles along a curve.  Expected values are
   derived by hand (comments show how) or checked against independent
   computations (exact evaluation, exact AD, Clarke at the sample). */
#include "pathdiff/curve.h"
#include "pathdiff/exact.h"
#include "testlib.h"
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */
/* ---------------------------------------------------------------------- */

static void load(pd_prog_t P, const char *text)
{
    pd_error_t err;
    pd_error_init(err);
    pd_prog_init(P);
    if (pd_parse_string(P, text, "test.pd", err) != PD_OK)
        ck_abort_msg("parse failed: %s at %ld:%ld in\n%s", err->msg,
                     (long)err->line, (long)err->col, text);
}

static void set_poly(fmpq_poly_t p, const char *s)
{
    pd_error_t err;
    pd_error_init(err);
    if (pd_curve_poly_parse(p, s, 0, err) != PD_OK)
        ck_abort_msg("bad polynomial in test: %s (%s)", s, err->msg);
}

static void curve_from(pd_curve_t g, const pd_prog_t P, const char *spec,
                       const char *range)
{
    pd_error_t err;
    pd_error_init(err);
    pd_curve_init(g, P->ninputs);
    if (pd_curve_parse(g, P, spec, err) != PD_OK)
        ck_abort_msg("bad curve in test: %s (%s)", spec, err->msg);
    if (range != NULL && pd_curve_parse_range(g, range, err) != PD_OK)
        ck_abort_msg("bad range in test: %s (%s)", range, err->msg);
}

static void conv_from(pd_conv_t C, const char *spec)
{
    pd_error_t err;
    pd_error_init(err);
    pd_conv_init(C);
    if (pd_conv_parse(C, spec, err) != PD_OK)
        ck_abort_msg("bad convention in test: %s", spec);
}

/* Run the whole check; abort on a non-OK status. */
static void run_check(pd_curve_result_t R, const pd_prog_t P,
                      const pd_curve_t g, const char *conv)
{
    pd_conv_t C;
    pd_error_t err;
    pd_error_init(err);
    conv_from(C, conv);
    pd_curve_result_init(R);
    if (pd_curve_check(R, P, g, C, NULL, err) != PD_OK)
        ck_abort_msg("pd_curve_check failed: %s", err->msg);
    pd_conv_clear(C);
}

static void assert_poly_str(const fmpq_poly_t p, const char *want)
{
    char *s = pd_curve_poly_get_str(p, "t");
    ck_assert_msg(strcmp(s, want) == 0, "polynomial %s, expected %s", s, want);
    flint_free(s);
}

static void assert_point_q(const pd_realalg_t x, const char *q)
{
    fmpq_t a, b;
    fmpq_init(a);
    fmpq_init(b);
    pd_test_fmpq_set_str(b, q);
    ck_assert_msg(pd_realalg_get_fmpq(a, x), "point is not rational");
    pd_assert_fmpq_eq(a, b);
    fmpq_clear(a);
    fmpq_clear(b);
}

/* x has minimal polynomial with coefficients c[0..len) (constant first)
   and isolating interval [lo, hi]. */
static void assert_realalg(const pd_realalg_t x, const slong *c, slong len,
                           const char *lo, const char *hi)
{
    slong k;
    fmpq_t a;
    ck_assert_int_eq(fmpz_poly_length(x->poly), len);
    for (k = 0; k < len; k++)
        ck_assert_msg(fmpz_equal_si(x->poly->coeffs + k, c[k]),
                      "coefficient %ld of the minimal polynomial", (long)k);
    fmpq_init(a);
    pd_test_fmpq_set_str(a, lo);
    pd_assert_fmpq_eq(x->lo, a);
    pd_test_fmpq_set_str(a, hi);
    pd_assert_fmpq_eq(x->hi, a);
    fmpq_clear(a);
}

/* ---------------------------------------------------------------------- */
/* Real algebraic numbers                                                  */
/* ---------------------------------------------------------------------- */

START_TEST(realalg_roots_and_intervals)
{
    fmpq_poly_t p[3];
    pd_realalg_struct *r;
    slong n, k;
    fmpq_t a, b;
    pd_error_t err;
    char *s;

    pd_error_init(err);
    fmpq_init(a);
    fmpq_init(b);
    for (k = 0; k < 3; k++)
        fmpq_poly_init(p[k]);

    /* 2t^2 - 1 on (0, 1): sqrt(1/2) = 0.70710678118..., minimal polynomial
       2t^2 - 1; the other root -0.707 lies outside [0, 1] (e = 0). */
    set_poly(p[0], "2*t^2 - 1");
    fmpq_set_si(a, 0, 1);
    fmpq_set_si(b, 1, 1);
    ck_assert_int_eq(pd_realalg_roots(&r, &n, p[0], 1, a, b, err), PD_OK);
    ck_assert_int_eq(n, 1);
    {
        slong c[3] = {-1, 0, 2};
        assert_realalg(r + 0, c, 3, "0", "1");
    }
    s = pd_realalg_get_str(r + 0, 10);
    ck_assert_str_eq(s, "0.7071067812");
    flint_free(s);
    s = pd_realalg_get_str(r + 0, 4);
    ck_assert_str_eq(s, "0.7071");
    flint_free(s);
    /* sign of t^2 - 1/2 at sqrt(1/2) is 0, of t - 7/10 is +, of t - 3/4 - */
    set_poly(p[1], "t^2 - 1/2");
    ck_assert_int_eq(pd_realalg_sgn_fmpq_poly(p[1], r + 0), 0);
    set_poly(p[1], "t - 7/10");
    ck_assert_int_eq(pd_realalg_sgn_fmpq_poly(p[1], r + 0), 1);
    set_poly(p[1], "t - 3/4");
    ck_assert_int_eq(pd_realalg_sgn_fmpq_poly(p[1], r + 0), -1);
    fmpq_set_si(a, 7, 10);
    ck_assert_int_eq(pd_realalg_cmp_fmpq(r + 0, a), 1);
    ck_assert_int_eq(pd_realalg_get_fmpq(NULL, r + 0), 0);
    pd_realalg_clear(r + 0);
    flint_free(r);

    /* merged and sorted: (t - 1/2)(t^2 - 2), (4t^2 - 1), (t - 1/3)^2 on
       (-2, 2): -sqrt2, -1/2, 1/3, 1/2, sqrt2; sqrt2 = 1.414..: isolating
       intervals [1, 2] and [-2, -1] (e = 0 separates +-sqrt2). */
    set_poly(p[0], "(t - 1/2)*(t^2 - 2)");
    set_poly(p[1], "4*t^2 - 1");
    set_poly(p[2], "(t - 1/3)^2");
    fmpq_set_si(a, -2, 1);
    fmpq_set_si(b, 2, 1);
    ck_assert_int_eq(pd_realalg_roots(&r, &n, p[0], 3, a, b, err), PD_OK);
    ck_assert_int_eq(n, 5);
    {
        slong c[3] = {-2, 0, 1};
        assert_realalg(r + 0, c, 3, "-2", "-1");
        assert_realalg(r + 4, c, 3, "1", "2");
    }
    assert_point_q(r + 1, "-1/2");
    assert_point_q(r + 2, "1/3");
    assert_point_q(r + 3, "1/2");
    {
        slong c[2] = {-1, 3};
        assert_realalg(r + 2, c, 2, "1/3", "1/3");
    }
    for (k = 0; k + 1 < n; k++)
        ck_assert_int_eq(pd_realalg_cmp(r + k, r + k + 1), -1);
    ck_assert_int_eq(pd_realalg_cmp(r + 4, r + 4), 0);
    s = pd_realalg_get_str(r + 0, 10);
    ck_assert_str_eq(s, "-1.414213562");
    flint_free(s);
    for (k = 0; k < n; k++)
        pd_realalg_clear(r + k);
    flint_free(r);

    /* ends excluded: t (t - 1) has no root in the open (0, 1) */
    set_poly(p[0], "t^2 - t");
    fmpq_set_si(a, 0, 1);
    fmpq_set_si(b, 1, 1);
    ck_assert_int_eq(pd_realalg_roots(&r, &n, p[0], 1, a, b, err), PD_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_ptr_null(r);

    /* close roots need e > 0: 1/2 -/+ sqrt(1/1000)/... : 1000t^2 - 1000t
       + 249 has roots 0.5 -/+ 0.0316..: 0.4683.., 0.5316..; e = 1 gives
       [0.4, 0.5] and [0.5, 0.6]. */
    set_poly(p[0], "1000*t^2 - 1000*t + 249");
    ck_assert_int_eq(pd_realalg_roots(&r, &n, p[0], 1, a, b, err), PD_OK);
    ck_assert_int_eq(n, 2);
    {
        slong c[3] = {249, -1000, 1000};
        assert_realalg(r + 0, c, 3, "2/5", "1/2");
        assert_realalg(r + 1, c, 3, "1/2", "3/5");
    }
    for (k = 0; k < n; k++)
        pd_realalg_clear(r + k);
    flint_free(r);

    /* errors */
    fmpq_poly_zero(p[0]);
    ck_assert_int_eq(pd_realalg_roots(&r, &n, p[0], 1, a, b, err), PD_EINVAL);
    set_poly(p[0], "t");
    ck_assert_int_eq(pd_realalg_roots(&r, &n, p[0], 1, b, a, err), PD_EINVAL);
    ck_assert_int_eq(pd_realalg_roots(&r, &n, p[0], 1, a, a, err), PD_EINVAL);

    for (k = 0; k < 3; k++)
        fmpq_poly_clear(p[k]);
    fmpq_clear(a);
    fmpq_clear(b);
}
END_TEST

START_TEST(realalg_simplest_between)
{
    /* simplest rational (least denominator, then least |numerator|) in the
       open interval; by hand: (0,1) 1/2, (0,1/2) 1/3, (1/2,1) 2/3,
       (-1,1) 0, (-1/2,-1/3) -2/5, (1/3,1/2) 2/5, (3/2,5/2) 2,
       (sqrt2, sqrt3) 3/2, ((sqrt5-1)/2, 1) 2/3, (0, 1/1000) 1/1001. */
    static const char *cases[][3] = {
        {"t", "t - 1", "1/2"},           {"t", "2*t - 1", "1/3"},
        {"2*t - 1", "t - 1", "2/3"},     {"t + 1", "t - 1", "0"},
        {"2*t + 1", "3*t + 1", "-2/5"},  {"3*t - 1", "2*t - 1", "2/5"},
        {"2*t - 3", "2*t - 5", "2"},     {"t^2 - 2", "t^2 - 3", "3/2"},
        {"t^2 + t - 1", "t - 1", "2/3"}, {"t", "1000*t - 1", "1/1001"}};
    slong k;
    fmpq_poly_t p;
    fmpq_t lo, hi, q, want;
    pd_realalg_struct *r;
    slong n;
    pd_realalg_t x, y;
    pd_error_t err;

    pd_error_init(err);
    fmpq_poly_init(p);
    fmpq_init(lo);
    fmpq_init(hi);
    fmpq_init(q);
    fmpq_init(want);
    pd_realalg_init(x);
    pd_realalg_init(y);
    fmpq_set_si(lo, 0, 1);
    fmpq_set_si(hi, 2, 1);
    for (k = 0; k < 10; k++) {
        int j;
        for (j = 0; j < 2; j++) {
            /* the positive root of the polynomial in [-2, 2] closest to... :
               take the largest root in (-3, 3) */
            set_poly(p, cases[k][j]);
            fmpq_set_si(lo, -3, 1);
            fmpq_set_si(hi, 3, 1);
            ck_assert_int_eq(pd_realalg_roots(&r, &n, p, 1, lo, hi, err),
                             PD_OK);
            ck_assert_int_ge(n, 1);
            pd_realalg_set(j == 0 ? x : y, r + n - 1);
            while (n > 0)
                pd_realalg_clear(r + --n);
            flint_free(r);
        }
        ck_assert_int_eq(pd_realalg_simplest_between(q, x, y, err), PD_OK);
        pd_test_fmpq_set_str(want, cases[k][2]);
        pd_assert_fmpq_eq(q, want);
        ck_assert_int_eq(pd_realalg_simplest_between(q, y, x, err), PD_EINVAL);
    }
    ck_assert_int_eq(pd_realalg_simplest_between(q, x, x, err), PD_EINVAL);
    pd_realalg_clear(x);
    pd_realalg_clear(y);
    fmpq_poly_clear(p);
    fmpq_clear(lo);
    fmpq_clear(hi);
    fmpq_clear(q);
    fmpq_clear(want);
}
END_TEST

START_TEST(realalg_decimal_strings)
{
    /* rationals formatted like C's %.10g, correctly rounded, ties to even */
    static const char *cases[][2] = {
        {"1/3", "0.3333333333"},
        {"2/3", "0.6666666667"},
        {"12345678901", "1.23456789e+10"},
        {"1/100000", "1e-05"},
        {"1/10000", "0.0001"},
        {"-5/2", "-2.5"},
        {"0", "0"},
        {"1234567890", "1234567890"},
        {"9999999999/1000000000", "9.999999999"},
        {"99999999999/10000000000", "10"},
        {"12345678905/100000000000", "0.123456789"},
        {"12345678915/100000000000", "0.1234567892"},
        {"100", "100"}};
    slong k;
    fmpq_t q;
    pd_realalg_t x;
    fmpq_init(q);
    pd_realalg_init(x);
    for (k = 0; k < (slong)(sizeof(cases) / sizeof(cases[0])); k++) {
        char *s;
        pd_test_fmpq_set_str(q, cases[k][0]);
        pd_realalg_set_fmpq(x, q);
        s = pd_realalg_get_str(x, 10);
        ck_assert_msg(strcmp(s, cases[k][1]) == 0, "%s -> %s, expected %s",
                      cases[k][0], s, cases[k][1]);
        flint_free(s);
    }
    pd_realalg_clear(x);
    fmpq_clear(q);
}
END_TEST

/* Property: random polynomials with small coefficients; the roots found are
   sorted, are roots, are isolated by their interval, and the simplest
   rational between neighbours lies strictly between. */
START_TEST(realalg_random)
{
    flint_rand_t state;
    slong iter, k, j, n;
    fmpq_poly_t p, m;
    fmpq_t a, b, q;
    pd_realalg_struct *r;
    pd_error_t err;

    pd_error_init(err);
    pd_test_randinit(state, 11);
    fmpq_poly_init(p);
    fmpq_poly_init(m);
    fmpq_init(a);
    fmpq_init(b);
    fmpq_init(q);
    fmpq_set_si(a, -3, 1);
    fmpq_set_si(b, 3, 1);
    for (iter = 0; iter < 60 * pd_test_mult; iter++) {
        fmpq_poly_randtest_not_zero(p, state, 1 + n_randint(state, 7), 6);
        ck_assert_int_eq(pd_realalg_roots(&r, &n, p, 1, a, b, err), PD_OK);
        for (k = 0; k < n; k++) {
            ck_assert_int_eq(pd_realalg_sgn_fmpq_poly(p, r + k), 0);
            ck_assert_int_le(fmpq_cmp(r[k].lo, r[k].hi), 0);
            ck_assert_int_le(pd_realalg_cmp_fmpq(r + k, r[k].hi), 0);
            ck_assert_int_ge(pd_realalg_cmp_fmpq(r + k, r[k].lo), 0);
            ck_assert_int_eq(pd_realalg_cmp_fmpq(r + k, a), 1);
            ck_assert_int_eq(pd_realalg_cmp_fmpq(r + k, b), -1);
            /* the minimal polynomial divides the numerator of p */
            fmpq_poly_set_fmpz_poly(m, r[k].poly);
            {
                fmpq_poly_t rem;
                fmpq_poly_init(rem);
                fmpq_poly_rem(rem, p, m);
                ck_assert(fmpq_poly_is_zero(rem));
                fmpq_poly_clear(rem);
            }
            if (k + 1 < n) {
                ck_assert_int_eq(pd_realalg_cmp(r + k, r + k + 1), -1);
                ck_assert_int_eq(
                    pd_realalg_simplest_between(q, r + k, r + k + 1, err),
                    PD_OK);
                ck_assert_int_eq(pd_realalg_cmp_fmpq(r + k, q), -1);
                ck_assert_int_eq(pd_realalg_cmp_fmpq(r + k + 1, q), 1);
            }
            /* no other root of the minimal polynomial in [lo, hi] */
            {
                pd_realalg_struct *o;
                slong no, i;
                fmpq_t l2, h2;
                fmpq_init(l2);
                fmpq_init(h2);
                fmpq_sub_si(l2, r[k].lo, 1);
                fmpq_add_si(h2, r[k].hi, 1);
                ck_assert_int_eq(pd_realalg_roots(&o, &no, m, 1, l2, h2, err),
                                 PD_OK);
                for (i = 0; i < no; i++) {
                    if (pd_realalg_cmp(o + i, r + k) != 0)
                        ck_assert(pd_realalg_cmp_fmpq(o + i, r[k].lo) < 0 ||
                                  pd_realalg_cmp_fmpq(o + i, r[k].hi) > 0);
                    pd_realalg_clear(o + i);
                }
                flint_free(o);
                fmpq_clear(l2);
                fmpq_clear(h2);
            }
        }
        for (j = 0; j < n; j++)
            pd_realalg_clear(r + j);
        flint_free(r);
    }
    fmpq_poly_clear(p);
    fmpq_poly_clear(m);
    fmpq_clear(a);
    fmpq_clear(b);
    fmpq_clear(q);
    flint_randclear(state);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */
/* ---------------------------------------------------------------------- */

START_TEST(parse_polys)
{
    static const char *cases[][2] = {{"3/2*t^2", "3/2*t^2"},
                                     {"t - 1 + t^2", "t^2 + t - 1"},
                                     {"-(t - 1)^2", "-t^2 + 2*t - 1"},
                                     {"0.5*t + 1e-1", "1/2*t + 1/10"},
                                     {"2.5E+1", "25"},
                                     {"(t + 1)*(t - 1)/4", "1/4*t^2 - 1/4"},
                                     {"t/2/3", "1/6*t"},
                                     {" - - t ", "t"},
                                     {"t^0", "1"},
                                     {"t - t", "0"},
                                     {"1/3 - t^3", "-t^3 + 1/3"}};
    static const struct {
        const char *s;
        pd_status_t code;
        slong col;
    } bad[] = {{"", PD_EPARSE, 1},
               {"t +", PD_EPARSE, 4},
               {"t^-1", PD_EPARSE, 3},
               {"t/(t+1)", PD_EPARSE, 3},
               {"1/0", PD_EDOM, 3},
               {"x", PD_EPARSE, 1},
               {"(t", PD_EPARSE, 1},
               {"t)", PD_EPARSE, 2},
               {"2 t", PD_EPARSE, 3},
               {"t^1.5", PD_EPARSE, 3},
               {"t^2^2", PD_EPARSE, 4},
               {"t^1001", PD_EPARSE, 3},
               {"1e10001*t", PD_EPARSE, 1},
               {"(t^1000)^11", PD_ELIMIT, 10},
               {"t $", PD_EPARSE, 3}};
    fmpq_poly_t p;
    pd_error_t err;
    slong k;

    pd_error_init(err);
    fmpq_poly_init(p);
    for (k = 0; k < (slong)(sizeof(cases) / sizeof(cases[0])); k++) {
        ck_assert_msg(pd_curve_poly_parse(p, cases[k][0], 0, err) == PD_OK,
                      "%s: %s", cases[k][0], err->msg);
        assert_poly_str(p, cases[k][1]);
    }
    for (k = 0; k < (slong)(sizeof(bad) / sizeof(bad[0])); k++) {
        pd_error_reset(err);
        ck_assert_msg(pd_curve_poly_parse(p, bad[k].s, 0, err) == bad[k].code,
                      "'%s' gave %d (%s)", bad[k].s, (int)err->code, err->msg);
        ck_assert_msg(err->col == bad[k].col, "'%s': column %ld, expected %ld",
                      bad[k].s, (long)err->col, (long)bad[k].col);
    }
    /* col0 shifts columns */
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_poly_parse(p, "t +", 10, err), PD_EPARSE);
    ck_assert_int_eq(err->col, 14);
    fmpq_poly_clear(p);
}
END_TEST

START_TEST(parse_curves_and_ranges)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_error_t err;
    fmpq_t q;
    slong k;
    static const struct {
        const char *spec;
        slong col;
    } bad[] = {{"x=t, y=", 8},      /* empty polynomial                      */
               {"x=t, z=t", 6},     /* z is not an input                     */
               {"x=t", 4},          /* y missing: column after the end       */
               {"x=t, x=t^2", 6},   /* x twice                               */
               {"x=t, y=t, t", 11}, /* mixing named and positional           */
               {"=t, y=t", 1},      /* no name                               */
               {"x=t, y=t^", 10},   /* bad polynomial: column in the spec    */
               {"t, t, t", 7}};     /* more coordinates than inputs          */

    pd_error_init(err);
    fmpq_init(q);
    load(P, "f(x, y) = max(x, y)\n");
    pd_curve_init(g, 2);
    ck_assert_int_eq(pd_curve_parse(g, P, "y = 3/2*t^2, x=t", err), PD_OK);
    assert_poly_str(g->coord + 0, "t");
    assert_poly_str(g->coord + 1, "3/2*t^2");
    ck_assert_int_eq(pd_curve_parse(g, P, "1 - t, (t)^2", err), PD_OK);
    assert_poly_str(g->coord + 0, "-t + 1");
    assert_poly_str(g->coord + 1, "t^2");
    for (k = 0; k < (slong)(sizeof(bad) / sizeof(bad[0])); k++) {
        pd_error_reset(err);
        ck_assert_msg(pd_curve_parse(g, P, bad[k].spec, err) == PD_EPARSE,
                      "'%s' accepted", bad[k].spec);
        ck_assert_msg(err->col == bad[k].col,
                      "'%s': column %ld, expected %ld (%s)", bad[k].spec,
                      (long)err->col, (long)bad[k].col, err->msg);
        ck_assert_int_eq(err->line, 1);
        ck_assert_str_eq(err->file, "--curve");
        ck_assert_str_eq(err->text, bad[k].spec);
    }

    /* ranges */
    ck_assert_int_eq(pd_curve_parse_range(g, "-1/2..3/2", err), PD_OK);
    pd_test_fmpq_set_str(q, "-1/2");
    pd_assert_fmpq_eq(g->a, q);
    pd_test_fmpq_set_str(q, "3/2");
    pd_assert_fmpq_eq(g->b, q);
    ck_assert_int_eq(pd_curve_parse_range(g, "0.25..1e1", err), PD_OK);
    pd_test_fmpq_set_str(q, "1/4");
    pd_assert_fmpq_eq(g->a, q);
    pd_test_fmpq_set_str(q, "10");
    pd_assert_fmpq_eq(g->b, q);
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_parse_range(g, "1..0", err), PD_EINVAL);
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_parse_range(g, "1..1", err), PD_EINVAL);
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_parse_range(g, "0...1", err), PD_EPARSE);
    ck_assert_int_eq(err->col, 4);
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_parse_range(g, "0,1", err), PD_EPARSE);
    ck_assert_int_eq(err->col, 2);
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_parse_range(g, "a..b", err), PD_EPARSE);
    ck_assert_int_eq(err->col, 1);
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_parse_range(g, "0..1/0", err), PD_EDOM);
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_parse_range(g, "0..1x", err), PD_EPARSE);
    ck_assert_int_eq(err->col, 5);
    /* the old range survives errors */
    pd_test_fmpq_set_str(q, "1/4");
    pd_assert_fmpq_eq(g->a, q);
    /* set_range */
    ck_assert_int_eq(pd_curve_set_range(g, q, q, err), PD_EINVAL);
    pd_curve_clear(g);
    /* size mismatch */
    pd_curve_init(g, 3);
    ck_assert_int_eq(pd_curve_parse(g, P, "x=t, y=t", err), PD_EINVAL);
    pd_curve_clear(g);
    pd_prog_clear(P);
    fmpq_clear(q);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Hand-derived curves                                                     */
/* ---------------------------------------------------------------------- */

/* max(x, y) along (t, t): f o gamma = t, max tied on the whole of (0, 1),
   no breakpoint.  Every framework convention splits or picks one argument:
   <v, (1, 1)> = 1.  max=both gives v = (1, 1): 2 != 1, and the integral
   form gives 1 (lhs, f(1,1) - f(0,0)) against 2. */
START_TEST(max_along_diagonal)
{
    static const char *good[] = {"pytorch",   "jax",      "tensorflow",
                                 "max=first", "max=last", "max=split"};
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    fmpq_t q;
    slong k;

    fmpq_init(q);
    load(P, "f(x, y) = max(x, y)\n");
    curve_from(g, P, "x=t, y=t", NULL);
    for (k = 0; k < 6; k++) {
        run_check(R, P, g, good[k]);
        ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 0);
        ck_assert_int_eq(R->nintervals, 1);
        ck_assert_int_eq(R->intervals[0].ntied, 1);
        ck_assert_int_eq(R->intervals[0].tied[0], 2);
        ck_assert_int_eq(R->intervals[0].tie_kind[0], PD_CURVE_TIE_CHANGING);
        assert_poly_str(R->intervals[0].f, "t");
        ck_assert_int_eq(R->holds[PD_CURVE_CLARKE], PD_TRUE);
        ck_assert_int_eq(R->holds[PD_CURVE_FIELD], PD_TRUE);
        ck_assert_int_eq(R->holds[PD_CURVE_CONVENTION], PD_TRUE);
        ck_assert_int_eq(R->intervals[0].clarke_pieces, 2);
        ck_assert_int_eq(R->intervals[0].field_choices, 2);
        ck_assert_int_eq(R->integral.holds, PD_TRUE);
        ck_assert_int_eq(R->conservative, PD_TRUE);
        ck_assert_int_eq(R->cex.found, 0);
        pd_curve_result_clear(R);
    }
    run_check(R, P, g, "max=both");
    ck_assert_int_eq(R->holds[PD_CURVE_CONVENTION], PD_FALSE);
    ck_assert_int_eq(R->holds[PD_CURVE_CLARKE], PD_TRUE);
    ck_assert_int_eq(R->holds[PD_CURVE_FIELD], PD_TRUE);
    ck_assert_int_eq(R->conservative, PD_FALSE);
    ck_assert_int_eq(R->cex.found, 1);
    ck_assert_int_eq(R->cex.check, PD_CURVE_CONVENTION);
    ck_assert_int_eq(R->cex.interval, 0);
    pd_test_fmpq_set_str(q, "1/2");
    pd_assert_fmpq_eq(R->cex.t, q);
    pd_test_fmpq_set_str(q, "1");
    pd_assert_fmpq_eq(R->cex.v + 0, q);
    pd_assert_fmpq_eq(R->cex.v + 1, q);
    pd_assert_fmpq_eq(R->cex.lhs, q);
    pd_test_fmpq_set_str(q, "2");
    pd_assert_fmpq_eq(R->cex.rhs, q);
    assert_poly_str(R->cex.lhs_poly, "1");
    assert_poly_str(R->cex.rhs_poly, "2");
    ck_assert_int_eq(R->integral.holds, PD_FALSE);
    ck_assert_int_eq(R->integral.rhs_exact, 1);
    pd_test_fmpq_set_str(q, "1");
    pd_assert_fmpq_eq(R->integral.lhs, q);
    assert_point_q(R->integral.rhs, "2");
    pd_curve_result_clear(R);

    /* off the diagonal nothing is tied on an interval: (t, 1 - t) crosses
       at t = 1/2 only, and max=both is never reported there. */
    pd_curve_clear(g);
    curve_from(g, P, "x=t, y=1-t", NULL);
    run_check(R, P, g, "max=both");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 1);
    assert_point_q(pd_curve_result_breakpoint(R, 0), "1/2");
    ck_assert_int_eq(R->conservative, PD_TRUE);
    assert_poly_str(R->intervals[0].f, "-t + 1");
    assert_poly_str(R->intervals[1].f, "t");
    ck_assert_int_eq(R->intervals[0].ntied, 0);
    pd_curve_result_clear(R);

    pd_curve_clear(g);
    pd_prog_clear(P);
    fmpq_clear(q);
}
END_TEST

/* relu(y - x^2) - relu(y - 2 x^2).  Along (t, 3/2 t^2) on [-1, 1]: y - x^2
   = t^2/2 > 0 and y - 2x^2 = -t^2/2 < 0 off 0, both vanish at t = 0: one
   breakpoint 0, f o gamma = t^2/2 on both sides, nothing tied.  Along
   (t, t^2): the first relu's argument is 0 identically (tied on both
   intervals), the second's is -t^2 (tied at 0 only): f o gamma = 0. */
START_TEST(cusp_curves)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    slong k;

    load(P, "f(x, y) = relu(y - x^2) - relu(y - 2*x^2)\n");
    curve_from(g, P, "x=t, y=3/2*t^2", "-1..1");
    run_check(R, P, g, "pytorch");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 1);
    assert_point_q(pd_curve_result_breakpoint(R, 0), "0");
    for (k = 0; k < 2; k++) {
        assert_poly_str(R->intervals[k].f, "1/2*t^2");
        ck_assert_int_eq(R->intervals[k].ntied, 0);
        assert_poly_str(R->intervals[k].conv_grad + 0, "-2*t");
        assert_poly_str(R->intervals[k].conv_grad + 1, "1");
    }
    ck_assert_int_eq(R->conservative, PD_TRUE);
    pd_curve_result_clear(R);
    pd_curve_clear(g);

    curve_from(g, P, "x=t, y=t^2", "-1..1");
    run_check(R, P, g, "relu0=2");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 1);
    for (k = 0; k < 2; k++) {
        assert_poly_str(R->intervals[k].f, "0");
        ck_assert_int_eq(R->intervals[k].ntied, 1);
        ck_assert_int_eq(R->intervals[k].tie_kind[0], PD_CURVE_TIE_ONE_ARG);
        ck_assert_int_eq(R->intervals[k].clarke_pieces, 2);
        /* relu0 = 2 gives v = 2 (-2t, 1): <v, (1, 2t)> = -4t + 4t = 0 */
        assert_poly_str(R->intervals[k].conv_grad + 0, "-4*t");
        assert_poly_str(R->intervals[k].conv_grad + 1, "2");
    }
    ck_assert_int_eq(R->conservative, PD_TRUE);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
}
END_TEST

/* A parabola crossing two lines: relu(y - x) + relu(x + y - 1) along
   (t, t^2) on [-2, 2].  t^2 - t = 0 at 0, 1; t^2 + t - 1 = 0 at
   (-1 -/+ sqrt5)/2 = -1.618.., 0.618..: breakpoints -1.618, 0, 0.618, 1.
   Pieces (by the signs): 2t^2 - 1, t^2 - t, 0, t^2 + t - 1, 2t^2 - 1. */
START_TEST(parabola_crossing_lines)
{
    static const char *f[5] = {"2*t^2 - 1", "t^2 - t", "0", "t^2 + t - 1",
                               "2*t^2 - 1"};
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    slong k;
    slong c[3] = {-1, 1, 1};

    load(P, "f(x, y) = relu(y - x) + relu(x + y - 1)\n");
    curve_from(g, P, "x=t, y=t^2", "-2..2");
    run_check(R, P, g, "pytorch");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 4);
    assert_realalg(pd_curve_result_breakpoint(R, 0), c, 3, "-2", "-1");
    assert_point_q(pd_curve_result_breakpoint(R, 1), "0");
    assert_realalg(pd_curve_result_breakpoint(R, 2), c, 3, "0", "1");
    assert_point_q(pd_curve_result_breakpoint(R, 3), "1");
    for (k = 0; k < 5; k++) {
        assert_poly_str(R->intervals[k].f, f[k]);
        ck_assert_int_eq(R->intervals[k].ntied, 0);
    }
    ck_assert_int_eq(R->conservative, PD_TRUE);
    /* locate: 1/2 is inside interval 2 (0, 0.618), 0 is a breakpoint */
    {
        fmpq_t t;
        fmpq_init(t);
        fmpq_set_si(t, 1, 2);
        ck_assert_int_eq(pd_curve_result_locate(R, t), 2);
        fmpq_zero(t);
        ck_assert_int_eq(pd_curve_result_locate(R, t), -1);
        fmpq_set_si(t, 2, 1);
        ck_assert_int_eq(pd_curve_result_locate(R, t), -1);
        fmpq_set_si(t, 3, 1);
        ck_assert_int_eq(pd_curve_result_locate(R, t), -1);
        fmpq_set_si(t, 5, 3);
        ck_assert_int_eq(pd_curve_result_locate(R, t), 4);
        fmpq_clear(t);
    }
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
}
END_TEST

/* Breakpoints are where ties start or end: relu((x - 1/2)^2) touches 0 at
   1/2 without changing branch (kept: tied there); max(x, -x, 2) has x and
   -x cross at 0 below the maximum 2 (not a breakpoint). */
START_TEST(breakpoints_are_ties)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;

    load(P, "f(x) = relu((x - 1/2)^2)\n");
    curve_from(g, P, "x=t", NULL);
    run_check(R, P, g, "pytorch");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 1);
    assert_point_q(pd_curve_result_breakpoint(R, 0), "1/2");
    ck_assert_int_eq(R->intervals[0].pattern[0], R->intervals[1].pattern[0]);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);

    /* max(x, 0) along x = (t - 1/2)^2: x touches 0 at 1/2 and stays the
       maximum on both sides: a tie point, kept */
    load(P, "f(x) = max(x, 0)\n");
    curve_from(g, P, "x=(t - 1/2)^2", NULL);
    run_check(R, P, g, "pytorch");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 1);
    assert_point_q(pd_curve_result_breakpoint(R, 0), "1/2");
    ck_assert_int_eq(R->intervals[0].pattern[0], 0);
    ck_assert_int_eq(R->intervals[1].pattern[0], 0);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);

    load(P, "f(x) = max(x, -x, 2)\n");
    curve_from(g, P, "x=t", "-1..1");
    run_check(R, P, g, "max=both");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 0);
    assert_poly_str(R->intervals[0].f, "2");
    ck_assert_int_eq(R->conservative, PD_TRUE);
    pd_curve_result_clear(R);
    pd_curve_clear(g);

    /* ... but on [-3, 3] x = 2 at t = 2, -x = 2 at t = -2 */
    curve_from(g, P, "x=t", "-3..3");
    run_check(R, P, g, "pytorch");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 2);
    assert_point_q(pd_curve_result_breakpoint(R, 0), "-2");
    assert_point_q(pd_curve_result_breakpoint(R, 1), "2");
    assert_poly_str(R->intervals[0].f, "-t");
    assert_poly_str(R->intervals[1].f, "2");
    assert_poly_str(R->intervals[2].f, "t");
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
}
END_TEST

/* relu(x1) + relu(x2) - relu(x1 + x2) along (t, 0) on [-1, 1]: relu(x2) is
   tied on both intervals; f o gamma = 0; a one-argument rule (relu0 = 2)
   passes. */
START_TEST(relu_sum_along_axis)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    slong k;

    load(P, "f(x1, x2) = relu(x1) + relu(x2) - relu(x1 + x2)\n");
    curve_from(g, P, "x1=t, x2=0", "-1..1");
    run_check(R, P, g, "relu0=2");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 1);
    assert_point_q(pd_curve_result_breakpoint(R, 0), "0");
    for (k = 0; k < 2; k++) {
        assert_poly_str(R->intervals[k].f, "0");
        ck_assert_int_eq(R->intervals[k].ntied, 1);
        ck_assert_int_eq(R->intervals[k].tie_kind[0], PD_CURVE_TIE_ONE_ARG);
    }
    /* t < 0: v = (0, 2, ...) - (0, 0) = (0, 2): <v, (1, 0)> = 0 */
    assert_poly_str(R->intervals[0].conv_grad + 0, "0");
    assert_poly_str(R->intervals[0].conv_grad + 1, "2");
    /* t > 0: v = (1, 2) - (1, 1) = (0, 1) */
    assert_poly_str(R->intervals[1].conv_grad + 0, "0");
    assert_poly_str(R->intervals[1].conv_grad + 1, "1");
    ck_assert_int_eq(R->conservative, PD_TRUE);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
}
END_TEST

/* sort-based loss along the tie line: s = sort([x, y]);
   f = s[1] + 2 s[2] along (t, t): f o gamma = 3t, sort tied with changing
   value; every sorting permutation passes; the field has 2 choices. */
START_TEST(sort_along_tie_line)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;

    load(P, "input x, y\ns = sort([x, y])\noutput s[1] + 2*s[2]\n");
    curve_from(g, P, "x=t, y=t", "-1..1");
    run_check(R, P, g, "sort=reverse");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 0);
    assert_poly_str(R->intervals[0].f, "3*t");
    ck_assert_int_eq(R->intervals[0].ntied, 1);
    ck_assert_int_eq(R->intervals[0].tie_kind[0], PD_CURVE_TIE_CHANGING);
    ck_assert_int_eq(R->intervals[0].field_choices, 2);
    ck_assert_int_eq(R->conservative, PD_TRUE);
    /* sort=reverse routes s[1] to y: v = (2, 1) */
    assert_poly_str(R->intervals[0].conv_grad + 0, "2");
    assert_poly_str(R->intervals[0].conv_grad + 1, "1");
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
}
END_TEST

/* The integral form with an irrational breakpoint: f = max(x, y) *
   relu(z) along (t, t, t^2 - 1/2) on [0, 1] with max=both.  Breakpoint
   sqrt(1/2); on (sqrt(1/2), 1): f = t^3 - t/2, v = (t^2 - 1/2, t^2 - 1/2,
   t), <v, gamma'> = 4t^2 - 1 against f' = 3t^2 - 1/2: defect t^2 - 1/2,
   whose integral over (sqrt(1/2), 1) is (sqrt2 - 1)/6.  lhs = 1/2, rhs =
   (2 + sqrt2)/6 = 0.569.., minimal polynomial 18t^2 - 12t + 1 (the other
   root 0.0976.. is outside [1/2, 3/5]). */
START_TEST(integral_irrational)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    fmpq_t q;
    slong c2[3] = {-1, 0, 2}, c[3] = {1, -12, 18};
    char *s;

    fmpq_init(q);
    load(P, "f(x, y, z) = max(x, y) * relu(z)\n");
    curve_from(g, P, "x=t, y=t, z=t^2 - 1/2", NULL);
    run_check(R, P, g, "max=both");
    ck_assert_int_eq(pd_curve_result_nbreakpoints(R), 1);
    assert_realalg(pd_curve_result_breakpoint(R, 0), c2, 3, "0", "1");
    ck_assert_int_eq(R->intervals[0].holds[PD_CURVE_CONVENTION], PD_TRUE);
    ck_assert_int_eq(R->intervals[1].holds[PD_CURVE_CONVENTION], PD_FALSE);
    assert_poly_str(R->intervals[1].f, "t^3 - 1/2*t");
    ck_assert_int_eq(R->cex.interval, 1);
    assert_poly_str(R->cex.rhs_poly, "4*t^2 - 1");
    assert_poly_str(R->cex.lhs_poly, "3*t^2 - 1/2");
    ck_assert_int_eq(R->integral.holds, PD_FALSE);
    pd_test_fmpq_set_str(q, "1/2");
    pd_assert_fmpq_eq(R->integral.lhs, q);
    ck_assert_int_eq(R->integral.rhs_exact, 1);
    assert_realalg(R->integral.rhs, c, 3, "1/2", "3/5");
    s = pd_realalg_get_str(R->integral.rhs, 10);
    ck_assert_str_eq(s, "0.5690355937");
    flint_free(s);
    pd_curve_result_clear(R);

    /* the same with pytorch holds, integral included */
    run_check(R, P, g, "pytorch");
    ck_assert_int_eq(R->conservative, PD_TRUE);
    ck_assert_int_eq(R->integral.holds, PD_TRUE);
    assert_point_q(R->integral.rhs, "1/2");
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
    fmpq_clear(q);
}
END_TEST

/* 13 relus tied along (t, t): 2^13 = 8192 vertex choices, over
   PD_CURVE_MAX_CHOICES, so the field is proved node by node (forward
   mode: each relu's argument has tangent 0); f o gamma = t. */
START_TEST(field_node_by_node)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    char text[512];
    slong k, pos;

    pos = sprintf(text, "f(x, y) = x");
    for (k = 1; k <= 13; k++)
        pos += sprintf(text + pos, " + relu(%ld*(x - y))", (long)k);
    sprintf(text + pos, "\n");
    load(P, text);
    curve_from(g, P, "x=t, y=t", NULL);
    run_check(R, P, g, "relu0=2");
    ck_assert_int_eq(R->nintervals, 1);
    ck_assert_int_eq(R->intervals[0].ntied, 13);
    ck_assert_int_eq(R->intervals[0].field_choices, 0);
    ck_assert_int_eq(R->intervals[0].holds[PD_CURVE_FIELD], PD_TRUE);
    /* the Clarke pieces: all relus on or all off (parallel guards) */
    ck_assert_int_eq(R->intervals[0].clarke_pieces, 2);
    assert_poly_str(R->intervals[0].f, "t");
    ck_assert_int_eq(R->conservative, PD_TRUE);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
}
END_TEST

START_TEST(check_errors)
{
    pd_prog_t P, Q;
    pd_curve_t g, g3;
    pd_curve_result_t R;
    pd_conv_t C;
    pd_limits_t lim;
    pd_error_t err;

    pd_error_init(err);
    pd_conv_init(C);
    load(P, "f(x, y) = relu(x) + relu(x - 1/4) + relu(x - 1/2) + relu(y)\n");
    curve_from(g, P, "x=t, y=t - 3/4", NULL);
    pd_curve_result_init(R);
    /* breakpoints 1/4, 1/2, 3/4 (0 is an end): four intervals, over a
       limit of 3 */
    pd_limits_init(lim);
    lim->max_pieces = 3;
    ck_assert_int_eq(pd_curve_check(R, P, g, C, lim, err), PD_ELIMIT);
    ck_assert_int_eq(R->nintervals, 0);
    lim->max_pieces = 4;
    ck_assert_int_eq(pd_curve_check(R, P, g, C, lim, err), PD_OK);
    ck_assert_int_eq(R->nintervals, 4);
    /* curve size mismatch */
    pd_curve_init(g3, 3);
    ck_assert_int_eq(pd_curve_check(R, P, g3, C, NULL, err), PD_EINVAL);
    pd_curve_clear(g3);
    /* no output */
    pd_prog_init(Q);
    ck_assert_int_ne(pd_prog_add_input(Q, "x", 0, 0, err), -1);
    ck_assert_int_ne(pd_prog_add_input(Q, "y", 0, 0, err), -1);
    ck_assert_int_eq(pd_curve_check(R, Q, g, C, NULL, err), PD_EINVAL);
    pd_prog_clear(Q);
    pd_prog_clear(P);
    /* degree limit: (x^1000)^11 along x = t has degree 11000 */
    load(P, "f(x, y) = (x^1000)^11 + y\n");
    ck_assert_int_eq(pd_curve_check(R, P, g, C, NULL, err), PD_ELIMIT);
    pd_prog_clear(P);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_conv_clear(C);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Random programs and curves                                              */
/* ---------------------------------------------------------------------- */

/* A random program in x, y, z as text, nonsmooth primitives among `ops`
   (a string of letters: r relu, a abs, m max, n min, l leaky_relu,
   c clamp, h hardtanh, s sort). */
static char *random_program(flint_rand_t state, const char *ops, slong nodes)
{
    char *buf = flint_malloc(8192);
    slong pos = 0, k, nops = (slong)strlen(ops);
    static const char *leaves[] = {"x", "y", "z", "1", "1/2", "-2"};
    pos += sprintf(buf + pos, "input x, y, z\n");
    for (k = 0; k < nodes; k++) {
        /* operands: earlier nodes, inputs, constants */
        char a[16], b[16], c[16];
        static const char *in[] = {"x", "y", "z"};
#define PICK(dst)                                                              \
    do {                                                                       \
        if (k > 0 && n_randint(state, 2))                                      \
            sprintf(dst, "h%ld", (long)n_randint(state, k));                   \
        else if (n_randint(state, 5) == 0)                                     \
            sprintf(dst, "%s", leaves[3 + n_randint(state, 3)]);               \
        else                                                                   \
            sprintf(dst, "%s", in[n_randint(state, 3)]);                       \
    } while (0)
        PICK(a);
        PICK(b);
        PICK(c);
#undef PICK
        switch (n_randint(state, 4) == 0 ? 'x' : ops[n_randint(state, nops)]) {
        case 'r':
            pos += sprintf(buf + pos, "h%ld = relu(%s - %s)\n", (long)k, a, b);
            break;
        case 'a':
            pos += sprintf(buf + pos, "h%ld = abs(%s + %s)\n", (long)k, a, b);
            break;
        case 'm':
            pos += sprintf(buf + pos, "h%ld = max(%s, %s, %s)\n", (long)k, a, b,
                           c);
            break;
        case 'n':
            pos += sprintf(buf + pos, "h%ld = min(%s, %s)\n", (long)k, a, b);
            break;
        case 'l':
            pos += sprintf(buf + pos, "h%ld = leaky_relu(%s - %s, 1/4)\n",
                           (long)k, a, b);
            break;
        case 'c':
            pos +=
                sprintf(buf + pos, "h%ld = clamp(%s, -1/2, 1/2)\n", (long)k, a);
            break;
        case 'h':
            pos +=
                sprintf(buf + pos, "h%ld = hardtanh(%s + %s)\n", (long)k, a, b);
            break;
        case 's':
            pos += sprintf(buf + pos,
                           "h%ld = dot([1, 2, 3], sort([%s, %s, %s]))\n",
                           (long)k, a, b, c);
            break;
        default:
            /* products by an input only: degrees grow linearly */
            if (n_randint(state, 2))
                pos += sprintf(buf + pos, "h%ld = %s * %s - %s\n", (long)k, a,
                               in[n_randint(state, 3)], c);
            else
                pos +=
                    sprintf(buf + pos, "h%ld = 2*%s + %s/3\n", (long)k, a, b);
            break;
        }
    }
    pos += sprintf(buf + pos, "output h%ld + h%ld\n", (long)(nodes - 1),
                   (long)n_randint(state, nodes));
    return buf;
}

/* A random curve: coordinates of degree <= 2 with small coefficients, some
   constant, some equal to another (to run inside kink sets). */
static void random_curve(pd_curve_t g, flint_rand_t state)
{
    slong k, j;
    for (k = 0; k < g->n; k++) {
        fmpq_poly_zero(g->coord + k);
        if (k > 0 && n_randint(state, 4) == 0) {
            fmpq_poly_set(g->coord + k, g->coord + n_randint(state, k));
            continue;
        }
        for (j = 0; j <= (slong)n_randint(state, 3); j++)
            fmpq_poly_set_coeff_si(g->coord + k, j,
                                   (slong)n_randint(state, 7) - 3);
        if (n_randint(state, 3) == 0)
            fmpq_poly_scalar_div_si(g->coord + k, g->coord + k, 2);
    }
    fmpq_set_si(g->a, -1, 1);
    fmpq_set_si(g->b, 1, 1);
}

/* Cross-checks on every interval of R: the composition agrees with exact
   evaluation at gamma(sample) (value and tied set), and the convention's
   v(sample) with pathdiff's exact AD there. */
static void cross_check(const pd_curve_result_t R, const pd_prog_t P,
                        const pd_curve_t g, const pd_conv_t C,
                        const char *prog_text)
{
    pd_eval_t ev;
    pd_tape_t T;
    pd_error_t err;
    fmpq *x, *grad;
    fmpq_t v, w;
    slong k, i, j, n = P->ninputs;

    pd_error_init(err);
    pd_eval_init(ev, P);
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    x = _fmpq_vec_init(n);
    grad = _fmpq_vec_init(n);
    fmpq_init(v);
    fmpq_init(w);
    for (k = 0; k < R->nintervals; k++) {
        const pd_curve_interval_struct *I = R->intervals + k;
        for (i = 0; i < n; i++)
            fmpq_poly_evaluate_fmpq(x + i, g->coord + i, I->sample);
        ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
        fmpq_poly_evaluate_fmpq(v, I->f, I->sample);
        ck_assert_msg(fmpq_equal(v, pd_eval_output(ev)),
                      "f o gamma disagrees with exact evaluation in\n%s",
                      prog_text);
        ck_assert_msg(ev->ntied == I->ntied, "tied sets differ in\n%s",
                      prog_text);
        for (j = 0; j < I->ntied; j++)
            ck_assert(pd_eval_is_tied(ev, I->tied[j]));
        ck_assert_int_eq(pd_ad_grad_fmpq(w, grad, T, x, err), PD_OK);
        for (i = 0; i < n; i++) {
            fmpq_poly_evaluate_fmpq(v, I->conv_grad + i, I->sample);
            ck_assert_msg(fmpq_equal(v, grad + i),
                          "convention gradient disagrees with exact AD in\n%s",
                          prog_text);
        }
    }
    _fmpq_vec_clear(x, n);
    _fmpq_vec_clear(grad, n);
    fmpq_clear(v);
    fmpq_clear(w);
    pd_tape_clear(T);
    pd_eval_clear(ev);
}

/* Every framework convention, Clarke and the field hold on every interval
   of random programs along random curves; the integral form too. */
START_TEST(random_frameworks_hold)
{
    static const char *convs[] = {"pytorch", "jax", "tensorflow"};
    flint_rand_t state;
    slong iter, c, k, kinds[3] = {0, 0, 0}, multi = 0, breaks = 0;
    pd_error_t err;

    pd_error_init(err);
    pd_test_randinit(state, 21);
    for (iter = 0; iter < 25 * pd_test_mult; iter++) {
        char *text = random_program(state, "ramnlchs", 3 + n_randint(state, 4));
        pd_prog_t P;
        pd_curve_t g;
        load(P, text);
        pd_curve_init(g, 3);
        random_curve(g, state);
        for (c = 0; c < 3; c++) {
            pd_curve_result_t R;
            pd_conv_t C;
            pd_status_t st;
            conv_from(C, convs[c]);
            pd_curve_result_init(R);
            st = pd_curve_check(R, P, g, C, NULL, err);
            ck_assert_msg(st == PD_OK, "%s: %s in\n%s", convs[c], err->msg,
                          text);
            for (k = 0; k < R->nintervals; k++) {
                ck_assert_msg(R->intervals[k].holds[PD_CURVE_CLARKE] == PD_TRUE,
                              "Clarke fails (seed %lu) in\n%s",
                              (unsigned long)pd_test_seed, text);
                ck_assert_msg(R->intervals[k].holds[PD_CURVE_FIELD] == PD_TRUE,
                              "field fails in\n%s", text);
                ck_assert_msg(R->intervals[k].holds[PD_CURVE_CONVENTION] ==
                                  PD_TRUE,
                              "%s fails in\n%s", convs[c], text);
            }
            ck_assert_msg(R->integral.holds == PD_TRUE, "integral fails in\n%s",
                          text);
            for (k = 0; k < R->nintervals; k++) {
                slong j;
                for (j = 0; j < R->intervals[k].ntied; j++)
                    kinds[R->intervals[k].tie_kind[j]]++;
                if (R->intervals[k].field_choices > 1)
                    multi++;
            }
            breaks += pd_curve_result_nbreakpoints(R);
            ck_assert_int_eq(R->conservative, PD_TRUE);
            if (c == 0)
                cross_check(R, P, g, C, text);
            pd_curve_result_clear(R);
            pd_conv_clear(C);
        }
        pd_curve_clear(g);
        pd_prog_clear(P);
        flint_free(text);
    }
    /* the random cases must reach what they claim to test: ties of every
       kind along intervals, several vertex choices, breakpoints */
    ck_assert_msg(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0 && multi > 0 &&
                      breaks > 0,
                  "random cases too tame: ties %ld %ld %ld, choices %ld, "
                  "breakpoints %ld",
                  (long)kinds[0], (long)kinds[1], (long)kinds[2], (long)multi,
                  (long)breaks);
    flint_randclear(state);
}
END_TEST

/* One-argument rules outside their Clarke set (relu0 = 2, abs0 = 5,
   leaky0 = 7, clamp = 3, hardtanh = -4) are never reported, even along
   curves inside the kink sets (coordinates repeated or constant). */
START_TEST(random_one_argument_rules_pass)
{
    flint_rand_t state;
    slong iter, k, tied_total = 0;
    pd_error_t err;
    pd_conv_t C;

    pd_error_init(err);
    pd_test_randinit(state, 31);
    conv_from(C, "relu0=2,abs0=5,leaky0=7,clamp=3,hardtanh=-4");
    for (iter = 0; iter < 40 * pd_test_mult; iter++) {
        char *text = random_program(state, "ralch", 2 + n_randint(state, 4));
        pd_prog_t P;
        pd_curve_t g;
        pd_curve_result_t R;
        load(P, text);
        pd_curve_init(g, 3);
        random_curve(g, state);
        pd_curve_result_init(R);
        ck_assert_int_eq(pd_curve_check(R, P, g, C, NULL, err), PD_OK);
        for (k = 0; k < R->nintervals; k++)
            tied_total += R->intervals[k].ntied;
        ck_assert_msg(R->conservative == PD_TRUE,
                      "one-argument rule reported in\n%s", text);
        pd_curve_result_clear(R);
        pd_curve_clear(g);
        pd_prog_clear(P);
        flint_free(text);
    }
    /* the test must have met ties along intervals (else it proves little) */
    ck_assert_int_gt(tied_total, 0);
    pd_conv_clear(C);
    flint_randclear(state);
}
END_TEST

/* max=both is caught on random curves that run inside a max kink set with
   a changing tied value (nothing downstream cancels: the output is a
   non-zero multiple of the max plus a smooth term), and never reported on
   random curves that cross the kink set transversally. */
START_TEST(random_max_both)
{
    flint_rand_t state;
    slong iter;
    pd_error_t err;
    pd_conv_t C;
    char text[512];

    pd_error_init(err);
    pd_test_randinit(state, 41);
    conv_from(C, "max=both");
    for (iter = 0; iter < 30 * pd_test_mult; iter++) {
        /* max(L1, L2) with L1 - L2 = (x - y) (a1 + ...): curve x = y */
        slong a1 = (slong)n_randint(state, 5) - 2,
              a2 = (slong)n_randint(state, 5) - 2;
        slong c = 1 + n_randint(state, 3), s = (slong)n_randint(state, 5) - 2;
        pd_prog_t P;
        pd_curve_t g;
        pd_curve_result_t R;
        slong k, j;
        int inside = n_randint(state, 2);

        sprintf(text,
                "input x, y\nm = max(%ld*x + %ld*y + x, %ld*x + %ld*y + y)\n"
                "output %ld*m + %ld*x*y\n",
                (long)a1, (long)a2, (long)a1, (long)a2, (long)c, (long)s);
        load(P, text);
        pd_curve_init(g, 2);
        /* a random non-constant polynomial p(t) of degree 1..3 */
        for (j = 0; j <= 1 + (slong)n_randint(state, 3); j++)
            fmpq_poly_set_coeff_si(g->coord + 0, j,
                                   (slong)n_randint(state, 7) - 3);
        if (fmpq_poly_degree(g->coord + 0) < 1)
            fmpq_poly_set_coeff_si(g->coord + 0, 1, 1);
        if (inside) {
            fmpq_poly_set(g->coord + 1, g->coord + 0);
        } else {
            /* y = x + (t - r) with r random: crosses x = y at t = r only */
            {
                fmpq_poly_t d;
                fmpq_poly_init(d);
                fmpq_poly_set_coeff_si(d, 1, 1);
                fmpq_poly_set_coeff_si(d, 0, -(slong)n_randint(state, 3) + 1);
                fmpq_poly_add(g->coord + 1, g->coord + 0, d);
                fmpq_poly_clear(d);
            }
        }
        fmpq_set_si(g->a, -1, 1);
        fmpq_set_si(g->b, 2, 1);
        pd_curve_result_init(R);
        ck_assert_int_eq(pd_curve_check(R, P, g, C, NULL, err), PD_OK);
        ck_assert_int_eq(R->holds[PD_CURVE_CLARKE], PD_TRUE);
        ck_assert_int_eq(R->holds[PD_CURVE_FIELD], PD_TRUE);
        for (k = 0; k < R->nintervals; k++) {
            const pd_curve_interval_struct *I = R->intervals + k;
            /* the tied value (a1 + a2 + 1) p(t) changes unless a1+a2+1 = 0 */
            int changing = inside && a1 + a2 + 1 != 0;
            ck_assert_int_eq(I->ntied, inside ? 1 : 0);
            if (changing) {
                ck_assert_msg(I->holds[PD_CURVE_CONVENTION] == PD_FALSE,
                              "max=both not caught in\n%s", text);
                ck_assert_int_eq(I->tie_kind[0], PD_CURVE_TIE_CHANGING);
            } else {
                ck_assert_msg(I->holds[PD_CURVE_CONVENTION] == PD_TRUE,
                              "max=both wrongly reported in\n%s", text);
            }
        }
        if (inside && a1 + a2 + 1 != 0) {
            ck_assert_int_eq(R->conservative, PD_FALSE);
            ck_assert_int_eq(R->cex.found, 1);
            ck_assert(!fmpq_equal(R->cex.lhs, R->cex.rhs) ||
                      !fmpq_poly_equal(R->cex.lhs_poly, R->cex.rhs_poly));
        } else {
            ck_assert_int_eq(R->conservative, PD_TRUE);
        }
        pd_curve_result_clear(R);
        pd_curve_clear(g);
        pd_prog_clear(P);
    }
    pd_conv_clear(C);
    flint_randclear(state);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Numeric AD along the curve and oracles                                  */
/* ---------------------------------------------------------------------- */

/* relu(x - y/3) along (t, 3t): tied exactly everywhere; in double the
   rounding of y and of y/3 destroys the tie at some t (t = 1/10:
   fl(fl(0.3)/3) < fl(0.1)); in exact arithmetic everything agrees. */
START_TEST(samples_ties)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_conv_t C;
    pd_arith_t A;
    pd_curve_samples_t S;
    pd_error_t err;
    slong k, destroyed = 0;
    fmpq_t q;

    pd_error_init(err);
    fmpq_init(q);
    load(P, "f(x, y) = relu(x - y/3)\n");
    curve_from(g, P, "x=t, y=3*t", NULL);
    conv_from(C, "pytorch");
    pd_curve_samples_init(S);
    pd_arith_set(A, PD_ARITH_EXACT, 0);
    ck_assert_int_eq(pd_curve_samples(S, P, g, C, A, 11, err), PD_OK);
    ck_assert_int_eq(S->nsamples, 11);
    ck_assert_int_eq(S->ndiffer, 0);
    ck_assert_int_eq(S->nties, 0);
    pd_test_fmpq_set_str(q, "3/10");
    pd_assert_fmpq_eq(S->samples[3].t, q);
    pd_arith_set(A, PD_ARITH_DOUBLE, 53);
    ck_assert_int_eq(pd_curve_samples(S, P, g, C, A, 11, err), PD_OK);
    for (k = 0; k < 11; k++) {
        const pd_curve_sample_struct *s = S->samples + k;
        ck_assert_int_eq(s->ntied_exact, 1);
        if (s->ntied_ad == 0) {
            ck_assert_int_eq(s->cause, PD_CURVE_SAMPLE_TIE_DESTROYED);
            destroyed++;
        } else {
            ck_assert_int_eq(s->cause, PD_CURVE_SAMPLE_EQUAL);
        }
    }
    /* t = 1/10 (sample 1): fl(0.3)/3 rounds below fl(0.1) */
    ck_assert_int_eq(S->samples[1].cause, PD_CURVE_SAMPLE_TIE_DESTROYED);
    ck_assert_int_eq(S->samples[1].differs, 1);
    ck_assert_int_eq(S->nties, destroyed);
    pd_conv_clear(C);
    pd_curve_clear(g);
    pd_prog_clear(P);

    /* relu(x - y) along (t, t + 10^-20): never tied exactly (x - y =
       -10^-20), but for t > 0 both coordinates round to the same double:
       a tie rounding created; with relu0 = 1 the gradient then differs,
       (1, -1) against the exact (0, 0).  At t = 0, y = 10^-20 is a
       double of its own: no tie. */
    load(P, "f(x, y) = relu(x - y)\n");
    curve_from(g, P, "x=t, y=t + 1e-20", NULL);
    conv_from(C, "relu0=1");
    ck_assert_int_eq(pd_curve_samples(S, P, g, C, A, 5, err), PD_OK);
    ck_assert_int_eq(S->samples[0].cause, PD_CURVE_SAMPLE_EQUAL);
    for (k = 1; k < 5; k++) {
        ck_assert_int_eq(S->samples[k].cause, PD_CURVE_SAMPLE_TIE_CREATED);
        ck_assert_int_eq(S->samples[k].differs, 1);
        ck_assert_int_eq(S->samples[k].ntied_exact, 0);
        ck_assert_int_eq(S->samples[k].ntied_ad, 1);
        pd_test_fmpq_set_str(q, "1");
        pd_assert_fmpq_eq(S->samples[k].ad + 0, q);
        pd_test_fmpq_set_str(q, "-1");
        pd_assert_fmpq_eq(S->samples[k].ad + 1, q);
        ck_assert_str_eq(S->samples[k].ad_str[1], "-1");
    }
    ck_assert_int_eq(S->ndiffer, 4);
    ck_assert_int_eq(S->nties, 4);

    /* N = 1 uses the midpoint; N = 0 is refused */
    ck_assert_int_eq(pd_curve_samples(S, P, g, C, A, 1, err), PD_OK);
    pd_test_fmpq_set_str(q, "1/2");
    pd_assert_fmpq_eq(S->samples[0].t, q);
    ck_assert_int_eq(pd_curve_samples(S, P, g, C, A, 0, err), PD_EINVAL);
    pd_curve_samples_clear(S);
    pd_conv_clear(C);
    pd_curve_clear(g);
    pd_prog_clear(P);
    fmpq_clear(q);
}
END_TEST

START_TEST(oracle_rows)
{
    pd_prog_t P;
    pd_curve_t g;
    pd_curve_result_t R;
    pd_curve_oracle_t O;
    pd_error_t err;
    fmpq_t tol;
    static const struct {
        const char *text;
        slong line, col;
    } bad[] = {{"x,d_x,d_y\n", 1, 1},            /* no t                */
               {"t,d_x\n", 1, 1},                /* no d_y              */
               {"t,d_x,d_y,d_z\n", 1, 11},       /* unknown column      */
               {"t,d_x,d_x,d_y\n", 1, 7},        /* d_x twice           */
               {"t,d_x,d_y\n1/2,1\n", 2, 1},     /* short row           */
               {"t,d_x,d_y\n1/2,1,abc\n", 2, 7}, /* bad number          */
               {"t,d_x,d_y\n1/2,1,nan\n", 2, 7},
               {"t,t,d_x,d_y\n", 1, 3},       /* t twice             */
               {"# only a comment\n", 0, 0}}; /* no header           */
    slong k;

    pd_error_init(err);
    fmpq_init(tol);
    load(P, "f(x, y) = max(x, y)\n");
    curve_from(g, P, "x=t, y=t", NULL);
    run_check(R, P, g, "pytorch");
    pd_curve_oracle_init(O);
    ck_assert_int_eq(pd_curve_oracle_read_string(
                         O, P,
                         "# from a tool\n"
                         "t, x, d_y, d_x\n"
                         "1/4, 0.25, 0.5, 0.5\n" /* split: holds      */
                         "\n"
                         "0.5, 0.5, 1, 1\n"             /* both: 2 != 1      */
                         "0, 0, 1, 0\n"                 /* an end            */
                         "2, 2, 1, 0\n"                 /* outside           */
                         "3/4, 0.75, 0.5000001, 0.5\n", /* rounding      */
                         "o.csv", err),
                     PD_OK);
    ck_assert_int_eq(O->nrows, 5);
    ck_assert_int_eq(O->rows[1].line, 5);
    fmpq_set_si(tol, 1, 1000000);
    ck_assert_int_eq(pd_curve_oracle_check(O, R, g, tol, err), PD_OK);
    ck_assert_int_eq(O->njudged, 3);
    ck_assert_int_eq(O->nviolations, 1);
    ck_assert_int_eq(O->rows[0].violates, 0);
    ck_assert_int_eq(O->rows[1].violates, 1);
    {
        fmpq_t q;
        fmpq_init(q);
        fmpq_set_si(q, 2, 1);
        pd_assert_fmpq_eq(O->rows[1].rhs, q);
        fmpq_one(q);
        pd_assert_fmpq_eq(O->rows[1].lhs, q);
        fmpq_clear(q);
    }
    ck_assert_int_eq(O->rows[2].interval, -1);
    ck_assert_int_eq(O->rows[2].at_break, 1);
    ck_assert_int_eq(O->rows[3].at_break, 0);
    ck_assert_int_eq(O->rows[4].violates, 0);
    /* exact: the rounded row violates too */
    fmpq_zero(tol);
    ck_assert_int_eq(pd_curve_oracle_check(O, R, g, tol, err), PD_OK);
    ck_assert_int_eq(O->nviolations, 2);
    fmpq_set_si(tol, -1, 1);
    ck_assert_int_eq(pd_curve_oracle_check(O, R, g, tol, err), PD_EINVAL);

    for (k = 0; k < (slong)(sizeof(bad) / sizeof(bad[0])); k++) {
        pd_error_reset(err);
        ck_assert_msg(pd_curve_oracle_read_string(O, P, bad[k].text, "o.csv",
                                                  err) == PD_EPARSE,
                      "accepted: %s", bad[k].text);
        ck_assert_msg(err->line == bad[k].line && err->col == bad[k].col,
                      "%s: at %ld:%ld, expected %ld:%ld (%s)", bad[k].text,
                      (long)err->line, (long)err->col, (long)bad[k].line,
                      (long)bad[k].col, err->msg);
        ck_assert_int_eq(O->nrows, 0);
    }
    pd_error_reset(err);
    ck_assert_int_eq(pd_curve_oracle_read(O, P, "/nonexistent/o.csv", err),
                     PD_EIO);
    pd_curve_oracle_clear(O);
    pd_curve_result_clear(R);
    pd_curve_clear(g);
    pd_prog_clear(P);
    fmpq_clear(tol);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("curve");
    TCase *tc;
    pd_test_init();

    tc = tcase_create("realalg");
    tcase_add_test(tc, realalg_roots_and_intervals);
    tcase_add_test(tc, realalg_simplest_between);
    tcase_add_test(tc, realalg_decimal_strings);
    tcase_add_test(tc, realalg_random);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_test(tc, parse_polys);
    tcase_add_test(tc, parse_curves_and_ranges);
    suite_add_tcase(s, tc);

    tc = tcase_create("check");
    tcase_add_test(tc, max_along_diagonal);
    tcase_add_test(tc, cusp_curves);
    tcase_add_test(tc, parabola_crossing_lines);
    tcase_add_test(tc, breakpoints_are_ties);
    tcase_add_test(tc, relu_sum_along_axis);
    tcase_add_test(tc, sort_along_tie_line);
    tcase_add_test(tc, integral_irrational);
    tcase_add_test(tc, field_node_by_node);
    tcase_add_test(tc, check_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_add_test(tc, random_frameworks_hold);
    tcase_add_test(tc, random_one_argument_rules_pass);
    tcase_add_test(tc, random_max_both);
    suite_add_tcase(s, tc);

    tc = tcase_create("samples");
    tcase_add_test(tc, samples_ties);
    tcase_add_test(tc, oracle_rows);
    suite_add_tcase(s, tc);

    return pd_test_run(s);
}
