/* check_verify.c: AD data files (CSV, JSON lines) and verdicts on AD
   outputs, exact and up to rounding. */
#include "testlib.h"
#include "pathdiff/io.h"
#include "pathdiff/verify.h"
#include <math.h>
#include <string.h>

static void parse(pd_prog_t P, const char *text)
{
    pd_error_t err;
    pd_error_init(err);
    pd_prog_init(P);
    ck_assert_msg(pd_parse_string(P, text, "t.pd", err) == PD_OK, "%s", err->msg);
}

static void assert_q(const fmpq_t q, const char *s)
{
    fmpq_t e;
    fmpq_init(e);
    pd_test_fmpq_set_str(e, s);
    pd_assert_fmpq_eq(q, e);
    fmpq_clear(e);
}

/* ------------------------------------------------------------------ */
/* data files                                                         */

START_TEST(csv_reads)
{
    pd_prog_t P;
    pd_addata_t D;
    pd_error_t err;
    parse(P, "f(x, y) = max(x, y)\n");
    pd_error_init(err);
    pd_addata_init(D, 2);
    /* columns in any order, blanks, comments, decimals and rationals */
    ck_assert_int_eq(pd_addata_read_string(D, P,
        "# a comment\n d_y , x,y,d_x\n\n1/2, 0.25, -3e-1, .5\n0,1,1,1/3\n",
        "a.csv", PD_POINTS_EXACT, err), PD_OK);
    ck_assert_int_eq(D->nrows, 2);
    assert_q(D->x + 0, "1/4");
    assert_q(D->x + 1, "-3/10");
    assert_q(D->grad + 0, "1/2");
    assert_q(D->grad + 1, "1/2");
    assert_q(D->grad + 2, "1/3");
    assert_q(D->grad + 3, "0");
    ck_assert_int_eq(D->line[0], 4);
    ck_assert_int_eq(D->line[1], 5);
    /* rounded to float32: 0.1 is 13421773/2^27 */
    ck_assert_int_eq(pd_addata_read_string(D, P, "x,y,d_x,d_y\n0.1,1,1,1/3\n",
                                           "a.csv", PD_POINTS_FLOAT32, err), PD_OK);
    ck_assert_int_eq(D->nrows, 1);
    assert_q(D->x + 0, "13421773/134217728");
    assert_q(D->grad + 1, "11184811/33554432");
    pd_addata_clear(D);
    pd_prog_clear(P);
}
END_TEST

START_TEST(jsonl_reads)
{
    pd_prog_t P;
    pd_addata_t D;
    pd_error_t err;
    parse(P, "f(x, y) = max(x, y)\n");
    pd_error_init(err);
    pd_addata_init(D, 2);
    ck_assert_int_eq(pd_addata_read_string(D, P,
        "{\"x\": [1, \"2/3\"], \"grad\": [0.5, 5e-1], \"id\": {\"a\": [1, \"b\"]}}\n"
        "\n{\"grad\":[1,0],\"x\":[-1e0,0]}\n", NULL, PD_POINTS_EXACT, err), PD_OK);
    ck_assert_int_eq(D->nrows, 2);
    assert_q(D->x + 1, "2/3");
    assert_q(D->grad + 1, "1/2");
    assert_q(D->x + 2, "-1");
    ck_assert_int_eq(D->line[1], 3);
    pd_addata_clear(D);
    pd_prog_clear(P);
}
END_TEST

/* Expect a parse error at line:col. */
static void bad(const pd_prog_t P, pd_addata_t D, const char *text,
                pd_status_t code, slong line, slong col)
{
    pd_error_t err;
    pd_error_init(err);
    ck_assert_int_eq(pd_addata_read_string(D, P, text, "d.csv", PD_POINTS_FLOAT32,
                                           err), code);
    ck_assert_int_eq(err->code, code);
    ck_assert_msg(err->line == line && err->col == col,
                  "'%s': got %ld:%ld (%s), want %ld:%ld", text, (long) err->line,
                  (long) err->col, err->msg, (long) line, (long) col);
    ck_assert_str_eq(err->file, "d.csv");
}

START_TEST(data_errors)
{
    pd_prog_t P;
    pd_addata_t D, D3;
    pd_error_t err;
    parse(P, "f(x, y) = max(x, y)\n");
    pd_addata_init(D, 2);
    bad(P, D, "x,y,d_x\n", PD_EPARSE, 1, 1);              /* missing d_y   */
    bad(P, D, "x,y,d_x,d_z\n", PD_EPARSE, 1, 9);          /* unknown column */
    bad(P, D, "x,y,d_x,x\n", PD_EPARSE, 1, 9);            /* twice         */
    bad(P, D, "x,y,d_x,d_y\n1,2,3\n", PD_EPARSE, 2, 6);   /* too few       */
    bad(P, D, "x,y,d_x,d_y\n1,2,3,4,5\n", PD_EPARSE, 2, 9); /* too many    */
    bad(P, D, "x,y,d_x,d_y\n1,2,3,abc\n", PD_EPARSE, 2, 7);
    bad(P, D, "x,y,d_x,d_y\n1,,3,4\n", PD_EPARSE, 2, 3);  /* empty field   */
    bad(P, D, "x,y,d_x,d_y\n1,1e99,3,4\n", PD_EDOM, 2, 3); /* float32 range */
    bad(P, D, "x,y,d_x,d_y\n1,1/0,3,4\n", PD_EDOM, 2, 3);
    bad(P, D, "{\"x\": [1], \"grad\": [1, 2]}\n", PD_EPARSE, 1, 7);
    bad(P, D, "{\"x\": [1, 2]}\n", PD_EPARSE, 1, 1);
    bad(P, D, "{\"x\": [1, 2], \"grad\": [1, 2]}\nx\n", PD_EPARSE, 2, 1);
    bad(P, D, "{\"x\": [1, 2], \"grad\": [1, 2] trailing\n", PD_EPARSE, 1, 30);
    bad(P, D, "{\"x\": [1, 2 \"grad\": [1, 2]}\n", PD_EPARSE, 1, 13);
    bad(P, D, "{\"x\": [1, \"q\"], \"grad\": [1, 2]}\n", PD_EPARSE, 1, 12);
    bad(P, D, "{\"x\": 1, \"grad\": [1, 2]}\n", PD_EPARSE, 1, 7);
    /* no header */
    pd_error_init(err);
    ck_assert_int_eq(pd_addata_read_string(D, P, "\n# only a comment\n", "d.csv",
                                           PD_POINTS_EXACT, err), PD_EPARSE);
    /* wrong size, unreadable file */
    pd_addata_init(D3, 3);
    ck_assert_int_eq(pd_addata_read_string(D3, P, "x,y,d_x,d_y\n", NULL,
                                           PD_POINTS_EXACT, err), PD_EINVAL);
    ck_assert_int_eq(pd_addata_read_file(D, P, "/nonexistent/d.csv",
                                         PD_POINTS_EXACT, err), PD_EIO);
    pd_addata_clear(D3);
    pd_addata_clear(D);
    pd_prog_clear(P);
}
END_TEST

/* ------------------------------------------------------------------ */
/* verdicts                                                           */

/* The verdict on v at x (strings) for program text under convention. */
static void judge(pd_verify_row_t R, pd_tape_t T, pd_prog_t P, pd_conv_t C,
                  const char *text, const char *conv, const char *const *x,
                  const char *const *v, pd_points_t mode)
{
    pd_error_t err;
    fmpq *xv, *vv;
    slong k, n;
    pd_status_t st;
    pd_error_init(err);
    parse(P, text);
    n = P->ninputs;
    pd_conv_init(C);
    ck_assert_int_eq(pd_conv_parse(C, conv, err), PD_OK);
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    xv = _fmpq_vec_init(n);
    vv = _fmpq_vec_init(n);
    for (k = 0; k < n; k++) {
        ck_assert_int_eq(pd_number_parse(xv + k, x[k], mode, err), PD_OK);
        ck_assert_int_eq(pd_number_parse(vv + k, v[k], mode, err), PD_OK);
    }
    pd_verify_row_init(R, n);
    st = pd_verify_row(R, T, xv, vv, mode, NULL, err);
    ck_assert_msg(st == PD_OK, "%s", err->msg);
    _fmpq_vec_clear(xv, n);
    _fmpq_vec_clear(vv, n);
}

static void done(pd_verify_row_t R, pd_tape_t T, pd_prog_t P, pd_conv_t C)
{
    pd_verify_row_clear(R);
    pd_tape_clear(T);
    pd_conv_clear(C);
    pd_prog_clear(P);
}

START_TEST(verdicts_exact)
{
    pd_verify_row_t R;
    pd_tape_t T;
    pd_prog_t P;
    pd_conv_t C;
    const char *z[] = { "0" }, *one[] = { "1" }, *two[] = { "2" }, *three[] = { "3" };
    const char *half[] = { "1/2" };
    /* MATH.md 5: relu(x) - relu(-x) at 0: Clarke {1}, field [0, 2] */
    judge(R, T, P, C, "f(x) = relu(x) - relu(-x)\n", "pytorch", z, z, PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_SPURIOUS);
    ck_assert(R->sets);
    ck_assert_int_eq(R->ntied_exact, 2);
    ck_assert_int_eq(R->has_float, 0);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = relu(x) - relu(-x)\n", "pytorch", z, one, PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_GRADIENT);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = relu(x) - relu(-x)\n", "pytorch", z, two, PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_SPURIOUS);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = relu(x) - relu(-x)\n", "pytorch", z, three, PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->has_enclosure, 0);
    done(R, T, P, C);
    /* relu at 0: Clarke [0, 1], 1/2 a Clarke subgradient */
    judge(R, T, P, C, "f(x) = relu(x)\n", "pytorch", z, half, PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_CLARKE);
    done(R, T, P, C);
    /* away from kinks: no exact sets computed */
    judge(R, T, P, C, "f(x) = relu(x) - relu(-x)\n", "pytorch", half, one, PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_GRADIENT);
    ck_assert_int_eq(R->sets, 0);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = relu(x) - relu(-x)\n", "pytorch", half, half, PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    done(R, T, P, C);
}
END_TEST

START_TEST(verdicts_up_to_rounding)
{
    pd_verify_row_t R;
    pd_tape_t T;
    pd_prog_t P;
    pd_conv_t C;
    const char *ones[] = { "1", "1", "1" };
    const char *third[] = { "0.33333334", "0.33333334", "0.33333334" };
    const char *half3[] = { "0.5", "0.5", "0.5" };
    const char *x01[] = { "0.1" }, *g3[] = { "0.30000001" }, *g3b[] = { "0.3" };
    const char *g3c[] = { "0.29999995" };
    /* float32 1/3 split: a member only up to rounding */
    judge(R, T, P, C, "f(x, y, z) = max(x, y, z)\n", "pytorch", ones, third,
          PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->exact_verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->verdict, PD_VERDICT_CLARKE);
    ck_assert(R->rounding);
    ck_assert(R->has_enclosure);
    ck_assert_int_eq(R->outside, -1);
    assert_q(R->conv + 0, "1/3");
    ck_assert_int_eq(R->ntied_float, 1);
    done(R, T, P, C);
    /* the same numbers as exact data: invalid */
    judge(R, T, P, C, "f(x, y, z) = max(x, y, z)\n", "pytorch", ones, third,
          PD_POINTS_EXACT);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    done(R, T, P, C);
    /* (1/2, 1/2, 1/2): outside the enclosure, invalid with a certificate */
    judge(R, T, P, C, "f(x, y, z) = max(x, y, z)\n", "pytorch", ones, half3,
          PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->outside, 0);
    done(R, T, P, C);
    /* x / 10 * 3 at a smooth point, float32: the derivative 3/10 is not a
       float; the floats on either side of it (0.29999998, 0.30000001 =
       float32(3/10)) are consistent with rounding, 0.29999995 (one more
       ulp down) is not */
    judge(R, T, P, C, "f(x) = x / 10 * 3\n", "pytorch", x01, g3, PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->verdict, PD_VERDICT_GRADIENT);
    ck_assert(R->rounding);
    ck_assert_int_eq(R->sets, 0);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = x / 10 * 3\n", "pytorch", x01, g3b, PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->verdict, PD_VERDICT_GRADIENT);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = x / 10 * 3\n", "pytorch", x01, g3c, PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->outside, 0);
    done(R, T, P, C);
}
END_TEST

START_TEST(verdicts_random_float_ad)
{
    /* Property: our own float and double AD outputs, at random points of
       the format (often on kinks), are never invalid under the convention
       they were computed with (consistent with rounding at worst), and
       exact AD outputs of that convention are never invalid either. */
    flint_rand_t st;
    slong iter, k;
    const char *progs[] = {
        "f(x, y) = relu(x - y) + max(x, y, x*y) - abs(y)/3\n",
        "f(x, y) = relu(x) - relu(-x) + clamp(y, -1, 1) * leaky_relu(x, 1/10)\n",
        "input a, b, c\ns = sort([a, b, c])\noutput s[1] - 2*s[2] + s[3]/7\n",
        "f(x, y) = hardtanh(x + y) + relu6(3*x) - min(x, y/10)\n",
        "input x[2]\nh = relu([[1, -1], [1/2, 1]] @ x + [0, 1/4])\noutput dot([1, -3/2], h)\n",
    };
    const char *convs[] = { "pytorch", "tensorflow", "jax" };
    pd_test_randinit(st, 31);
    for (iter = 0; iter < 60 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_conv_t C;
        pd_tape_t T;
        pd_error_t err;
        pd_arith_t A;
        pd_ad_result_t Rf;
        pd_verify_row_t R;
        fmpq *x;
        slong n;
        pd_points_t mode = (iter & 1) ? PD_POINTS_FLOAT32 : PD_POINTS_FLOAT64;
        pd_error_init(err);
        parse(P, progs[iter % 5]);
        n = P->ninputs;
        pd_conv_init(C);
        ck_assert_int_eq(pd_conv_parse(C, convs[iter % 3], err), PD_OK);
        ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
        x = _fmpq_vec_init(n);
        for (k = 0; k < n; k++) {
            fmpq_set_si(x + k, (slong) n_randint(st, 9) - 4, 1 + n_randint(st, 3));
            /* round to the format */
            if (mode == PD_POINTS_FLOAT32) {
                float f;
                pd_fmpq_get_f_rnd(&f, x + k);
                pd_fmpq_set_d_exact(x + k, f);
            } else {
                double d;
                pd_fmpq_get_d_rnd(&d, x + k);
                pd_fmpq_set_d_exact(x + k, d);
            }
        }
        pd_ad_result_init(Rf, n);
        pd_arith_set(A, mode == PD_POINTS_FLOAT32 ? PD_ARITH_FLOAT : PD_ARITH_DOUBLE, 0);
        ck_assert_int_eq(pd_ad_run(Rf, T, A, x, NULL, err), PD_OK);
        pd_verify_row_init(R, n);
        ck_assert_int_eq(pd_verify_row(R, T, x, Rf->grad, mode, NULL, err), PD_OK);
        if (R->verdict == PD_VERDICT_INVALID) {
            char *s = pd_prog_get_str(P);
            ck_abort_msg("own %s output judged invalid (%s):\n%s",
                         mode == PD_POINTS_FLOAT32 ? "float" : "double",
                         convs[iter % 3], s);
        }
        /* the exact convention output: never invalid (every framework
           convention picks inside the primitives' Clarke Jacobians) */
        ck_assert_int_eq(pd_verify_row(R, T, x, R->conv, PD_POINTS_EXACT, NULL, err),
                         PD_OK);
        ck_assert_int_ne(R->verdict, PD_VERDICT_INVALID);
        pd_verify_row_clear(R);
        pd_ad_result_clear(Rf);
        _fmpq_vec_clear(x, n);
        pd_tape_clear(T);
        pd_conv_clear(C);
        pd_prog_clear(P);
    }
    flint_randclear(st);
}
END_TEST

START_TEST(verdicts_rounding_moves_ties)
{
    /* MATH.md 10: the exact and the floating tied sets differ both ways,
       and an output that only rounding explains is judged by the exact
       convention output it rounds. */
    pd_verify_row_t R;
    pd_tape_t T;
    pd_prog_t P;
    pd_conv_t C;
    const char *x01[] = { "0.1" }, *one[] = { "1" }, *z[] = { "0" }, *two[] = { "2" };
    const char *x01f[] = { "0.100000001490116119384765625" };
    const char *g03[] = { "0.30000000000000004" }, *g03b[] = { "0.3000000000000001" };
    /* rounding makes a tie: relu(x - 1/10) at x = float32(0.1) > 1/10 is
       smooth with derivative 1, but float32 rounds 1/10 to x and sees a
       tie; torch's 0 is consistent with that rounding: a gradient */
    judge(R, T, P, C, "f(x) = relu(x - 1/10)\n", "pytorch", x01, z, PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->exact_verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->verdict, PD_VERDICT_GRADIENT);
    ck_assert(R->rounding && R->has_enclosure && R->outside == -1);
    ck_assert_int_eq(R->ntied_exact, 0);
    ck_assert_int_eq(R->ntied_float, 1);
    ck_assert_int_eq(R->sets, 0);
    assert_q(R->conv + 0, "1");
    ck_assert(mpfr_cmp_ui(R->lo + 0, 0) == 0 && mpfr_cmp_ui(R->hi + 0, 1) == 0);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = relu(x - 1/10)\n", "pytorch", x01, one, PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->verdict, PD_VERDICT_GRADIENT);
    ck_assert(!R->rounding);
    done(R, T, P, C);
    judge(R, T, P, C, "f(x) = relu(x - 1/10)\n", "pytorch", x01, two, PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->outside, 0);
    done(R, T, P, C);
    /* in float64 that point (float32(0.1) written out) is off the
       constant's rounding: no tie, the enclosure the point {1}, and 0 is
       invalid */
    judge(R, T, P, C, "f(x) = relu(x - 1/10)\n", "pytorch", x01f, z, PD_POINTS_FLOAT64);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->ntied_float, 0);
    ck_assert(R->has_enclosure && R->outside == 0);
    ck_assert(mpfr_cmp_ui(R->lo + 0, 1) == 0 && mpfr_cmp_ui(R->hi + 0, 1) == 0);
    done(R, T, P, C);

    /* rounding unmakes a tie: relu(x (1/10) 3 - 3/10) is tied at x = 1,
       but float64 computes 0.1 * 3 above the rounding of 0.3 and returns
       3 * 0.1 = 0.30000000000000004, outside Clarke [0, 3/10] and the
       field read exactly; consistent with rounding of the convention's 0,
       which is a Clarke subgradient */
    judge(R, T, P, C, "f(x) = relu(x * (1/10) * 3 - 3/10)\n", "pytorch", one, g03,
          PD_POINTS_FLOAT64);
    ck_assert_int_eq(R->exact_verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->verdict, PD_VERDICT_CLARKE);
    ck_assert(R->rounding && R->sets);
    ck_assert_int_eq(R->ntied_exact, 1);
    ck_assert_int_eq(R->ntied_float, 0);
    assert_q(R->conv + 0, "0");
    done(R, T, P, C);
    /* one ulp further is not a rounding of any allowed evaluation */
    judge(R, T, P, C, "f(x) = relu(x * (1/10) * 3 - 3/10)\n", "pytorch", one, g03b,
          PD_POINTS_FLOAT64);
    ck_assert_int_eq(R->verdict, PD_VERDICT_INVALID);
    ck_assert_int_eq(R->outside, 0);
    done(R, T, P, C);
    /* float32 keeps that tie: 0, exactly a Clarke subgradient */
    judge(R, T, P, C, "f(x) = relu(x * (1/10) * 3 - 3/10)\n", "pytorch", one, z,
          PD_POINTS_FLOAT32);
    ck_assert_int_eq(R->verdict, PD_VERDICT_CLARKE);
    ck_assert(!R->rounding);
    ck_assert_int_eq(R->ntied_float, 1);
    done(R, T, P, C);
}
END_TEST

START_TEST(verdicts_near_ties_float_ad)
{
    /* Property: at points of the format on the kinks that rounding moves
       (inputs at constants the format rounds, equal inputs) and a few ulps
       off them, our own float and double AD outputs are never invalid
       under the convention they were computed with. */
    flint_rand_t st;
    slong iter, k, rounding = 0;
    const char *progs[] = {
        "f(x, y) = relu(x - 1/10) + max(y, x * 3/10) - abs(y - 1/3)\n",
        "f(x, y) = max(x, y, 1/3) * 7/10 - min(x - 1/10, y / 3)\n",
        "input a, b, c\ns = sort([a, b - 1/10, c * 1/3])\noutput s[1] - 2*s[2] + s[3]/7\n",
        "f(x, y) = clamp(x, 1/10, 1/3) + hardtanh(y * 10/3) + leaky_relu(x - y, 1/10)\n",
        "input x[2]\nh = relu([[1/3, -1], [1/10, 1]] @ x + [0, -1/10])\noutput dot([1, -3/2], h)\n",
    };
    const char *at[] = { "1/10", "1/3", "-1/3", "0", "3/10", "1" };
    const char *convs[] = { "pytorch", "tensorflow", "jax", "max=split,relu0=1/3" };
    pd_test_randinit(st, 32);
    for (iter = 0; iter < 200 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_conv_t C;
        pd_tape_t T;
        pd_error_t err;
        pd_arith_t A;
        pd_ad_result_t Rf;
        pd_verify_row_t R;
        fmpq *x;
        slong n;
        int isf = (int) (iter & 1);
        pd_points_t mode = isf ? PD_POINTS_FLOAT32 : PD_POINTS_FLOAT64;
        pd_error_init(err);
        parse(P, progs[iter % 5]);
        n = P->ninputs;
        pd_conv_init(C);
        ck_assert_int_eq(pd_conv_parse(C, convs[iter % 4], err), PD_OK);
        ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
        x = _fmpq_vec_init(n);
        for (k = 0; k < n; k++) {
            slong steps = n_randint(st, 2) ? (slong) n_randint(st, 5) - 2 : 0;
            double d;
            float f;
            if (k > 0 && n_randint(st, 3) == 0) {
                fmpq_set(x + k, x + k - 1);
                continue;
            }
            pd_test_fmpq_set_str(x + k, at[n_randint(st, 6)]);
            if (isf) {
                pd_fmpq_get_f_rnd(&f, x + k);
                for (; steps > 0; steps--)
                    f = nextafterf(f, INFINITY);
                for (; steps < 0; steps++)
                    f = nextafterf(f, -INFINITY);
                d = f;
            } else {
                pd_fmpq_get_d_rnd(&d, x + k);
                for (; steps > 0; steps--)
                    d = nextafter(d, INFINITY);
                for (; steps < 0; steps++)
                    d = nextafter(d, -INFINITY);
            }
            pd_fmpq_set_d_exact(x + k, d);
        }
        pd_ad_result_init(Rf, n);
        pd_arith_set(A, isf ? PD_ARITH_FLOAT : PD_ARITH_DOUBLE, 0);
        ck_assert_int_eq(pd_ad_run(Rf, T, A, x, NULL, err), PD_OK);
        pd_verify_row_init(R, n);
        ck_assert_int_eq(pd_verify_row(R, T, x, Rf->grad, mode, NULL, err), PD_OK);
        if (R->verdict == PD_VERDICT_INVALID) {
            char *s = pd_prog_get_str(P);
            ck_abort_msg("own %s output judged invalid (%s, seed %lu, iteration %ld):\n%s",
                         isf ? "float" : "double", convs[iter % 4],
                         (unsigned long) pd_test_seed, (long) iter, s);
        }
        rounding += R->rounding;
        pd_verify_row_clear(R);
        pd_ad_result_clear(Rf);
        _fmpq_vec_clear(x, n);
        pd_tape_clear(T);
        pd_conv_clear(C);
        pd_prog_clear(P);
    }
    /* many outputs were valid only up to rounding */
    ck_assert(rounding > 20 * pd_test_mult);
    flint_randclear(st);
}
END_TEST

START_TEST(verify_errors)
{
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    pd_verify_row_t R, R2;
    fmpq_t x, v;
    pd_error_init(err);
    parse(P, "f(x) = relu(x)\n");
    pd_conv_init(C);
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    fmpq_init(x);
    fmpq_init(v);
    fmpq_set_si(x, 1, 3);                       /* not a float */
    pd_verify_row_init(R, 1);
    ck_assert_int_eq(pd_verify_row(R, T, x, v, PD_POINTS_FLOAT32, NULL, err), PD_EINVAL);
    ck_assert_int_eq(pd_verify_row(R, T, x, v, PD_POINTS_FLOAT64, NULL, err), PD_EINVAL);
    ck_assert_int_eq(pd_verify_row(R, T, x, v, PD_POINTS_EXACT, NULL, err), PD_OK);
    pd_verify_row_init(R2, 2);
    ck_assert_int_eq(pd_verify_row(R2, T, x, v, PD_POINTS_EXACT, NULL, err), PD_EINVAL);
    pd_verify_row_clear(R2);
    pd_verify_row_clear(R);
    fmpq_clear(x);
    fmpq_clear(v);
    pd_tape_clear(T);
    pd_conv_clear(C);
    pd_prog_clear(P);
}
END_TEST

Suite *verify_suite(void)
{
    Suite *s = suite_create("verify");
    TCase *tc;
    tc = tcase_create("addata_read");
    tcase_add_test(tc, csv_reads);
    tcase_add_test(tc, jsonl_reads);
    tcase_add_test(tc, data_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("verify_row");
    tcase_add_test(tc, verdicts_exact);
    tcase_add_test(tc, verdicts_up_to_rounding);
    tcase_add_test(tc, verdicts_random_float_ad);
    tcase_add_test(tc, verdicts_rounding_moves_ties);
    tcase_add_test(tc, verdicts_near_ties_float_ad);
    tcase_add_test(tc, verify_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    pd_test_init();
    return pd_test_run(verify_suite());
}
