/* check_ad.c: conventions, arithmetics, tapes and numeric AD in float,
   double, MPFR and exact rationals. */
#include "testlib.h"
#include "pathdiff/ad.h"
#include "pathdiff/exact.h"
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                            */

static slong in(pd_prog_t P, const char *name)
{
    slong i = pd_prog_add_input(P, name, 0, 0, NULL);
    ck_assert(i >= 0);
    return i;
}

static slong node1(pd_prog_t P, pd_op_t op, slong a)
{
    slong i = pd_prog_add_node(P, op, 1, &a, NULL, NULL, 0, 0, 0, NULL);
    ck_assert(i >= 0);
    return i;
}

static slong node2(pd_prog_t P, pd_op_t op, slong a, slong b)
{
    slong args[2], i;
    args[0] = a;
    args[1] = b;
    i = pd_prog_add_node(P, op, 2, args, NULL, NULL, 0, 0, 0, NULL);
    ck_assert(i >= 0);
    return i;
}

static slong nodec(pd_prog_t P, pd_op_t op, slong a, const char *c,
                   const char *c2, slong index)
{
    fmpq_t q, q2;
    slong i;
    fmpq_init(q);
    fmpq_init(q2);
    if (c != NULL)
        pd_test_fmpq_set_str(q, c);
    if (c2 != NULL)
        pd_test_fmpq_set_str(q2, c2);
    i = pd_prog_add_node(P, op, 1, &a, c ? q : NULL, c2 ? q2 : NULL, index,
                         0, 0, NULL);
    ck_assert(i >= 0);
    fmpq_clear(q);
    fmpq_clear(q2);
    return i;
}

static slong konst(pd_prog_t P, const char *c)
{
    fmpq_t q;
    slong i;
    fmpq_init(q);
    pd_test_fmpq_set_str(q, c);
    i = pd_prog_add_const(P, q, 0, 0, NULL);
    ck_assert(i >= 0);
    fmpq_clear(q);
    return i;
}

static slong noden(pd_prog_t P, pd_op_t op, slong n, const slong *args)
{
    slong i = pd_prog_add_node(P, op, n, args, NULL, NULL, 0, 0, 0, NULL);
    ck_assert(i >= 0);
    return i;
}

static void set_vec(fmpq *v, const char *const *s, slong n)
{
    slong k;
    for (k = 0; k < n; k++)
        pd_test_fmpq_set_str(v + k, s[k]);
}

/* Exact gradient of P under convention spec at x; checks against want. */
static void check_exact_grad(const pd_prog_t P, const char *spec,
                             const char *const *x, const char *const *want)
{
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    fmpq *xv, *g, *w;
    fmpq_t val;
    slong n = P->ninputs, k;
    pd_conv_init(C);
    pd_error_init(err);
    ck_assert_int_eq(pd_conv_parse(C, spec, err), PD_OK);
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    xv = _fmpq_vec_init(n);
    g = _fmpq_vec_init(n);
    w = _fmpq_vec_init(n);
    fmpq_init(val);
    set_vec(xv, x, n);
    set_vec(w, want, n);
    ck_assert_int_eq(pd_ad_grad_fmpq(val, g, T, xv, err), PD_OK);
    for (k = 0; k < n; k++)
        pd_assert_fmpq_eq(g + k, w + k);
    fmpq_clear(val);
    _fmpq_vec_clear(xv, n);
    _fmpq_vec_clear(g, n);
    _fmpq_vec_clear(w, n);
    pd_tape_clear(T);
    pd_conv_clear(C);
}

/* relu(x) - relu(-x) */
static void build_relu_identity(pd_prog_t P)
{
    slong x = in(P, "x");
    slong r1 = node1(P, PD_OP_RELU, x);
    slong r2 = node1(P, PD_OP_RELU, node1(P, PD_OP_NEG, x));
    pd_prog_set_output(P, node2(P, PD_OP_SUB, r1, r2));
}

/* ------------------------------------------------------------------ */
/* conventions                                                        */

START_TEST(conv_parse_presets)
{
    pd_conv_t C, D;
    pd_error_t err;
    pd_conv_init(C);
    pd_conv_init(D);
    pd_error_init(err);
    ck_assert_str_eq(pd_conv_name(C), "pytorch");
    ck_assert_int_eq(pd_conv_parse(C, "jax", err), PD_OK);
    ck_assert_str_eq(pd_conv_name(C), "jax");
    ck_assert(fmpq_is_one(C->abs0));
    ck_assert_int_eq(pd_conv_parse(C, "tensorflow", err), PD_OK);
    ck_assert_str_eq(pd_conv_name(C), "tensorflow");
    ck_assert_int_eq(C->max2, PD_TIE_FIRST);
    ck_assert_int_eq(C->maxn, PD_TIE_SPLIT);
    /* explicit rules: the unnamed ones keep the pytorch choice */
    ck_assert_int_eq(pd_conv_parse(C, "relu0=0,abs0=0,max=split", err), PD_OK);
    ck_assert_str_eq(pd_conv_name(C),
        "relu0=0,abs0=0,leaky0=slope,max=split,clamp=inside,hardtanh=outside,"
        "relu6=outside,sort=stable");
    ck_assert_int_eq(C->preset, PD_CONV_CUSTOM);
    ck_assert_int_eq(pd_conv_parse(D, "pytorch", err), PD_OK);
    ck_assert(pd_conv_equal(C, D));
    ck_assert_int_eq(pd_conv_parse(C, "relu0=1/2, abs0=-0.25,max=both,clamp=3/4,"
                                      "hardtanh=inside,relu6=1e-1,leaky0=2,sort=reverse",
                                   err), PD_OK);
    ck_assert_str_eq(pd_conv_name(C),
        "relu0=1/2,abs0=-1/4,leaky0=2,max=both,clamp=3/4,hardtanh=inside,"
        "relu6=1/10,sort=reverse");
    ck_assert(!pd_conv_equal(C, D));
    /* a preset as the base, and max2 / maxn apart */
    ck_assert_int_eq(pd_conv_parse(C, "tensorflow,abs0=1", err), PD_OK);
    ck_assert_str_eq(pd_conv_name(C),
        "relu0=0,abs0=1,leaky0=slope,max2=first,maxn=split,clamp=inside,"
        "hardtanh=outside,relu6=outside,sort=stable");
    ck_assert_int_eq(pd_conv_parse(C, "max2=last,maxn=first", err), PD_OK);
    ck_assert_int_eq(C->max2, PD_TIE_LAST);
    ck_assert_int_eq(C->maxn, PD_TIE_FIRST);
    /* set / copy */
    pd_conv_set(D, C);
    ck_assert(pd_conv_equal(C, D));
    ck_assert_str_eq(pd_conv_name(C), pd_conv_name(D));
    pd_conv_clear(C);
    pd_conv_clear(D);
}
END_TEST

START_TEST(conv_parse_errors)
{
    pd_conv_t C;
    pd_error_t err;
    const char *bad[] = { "", "torch", "relu0", "relu0=", "relu0=x",
                          "relu0=1/0", "max=middle", "clamp=perhaps",
                          "sort=random", "leaky0=steep", "foo=1",
                          "relu0=1,jax", "abs0=1.5e", "relu0=--1" };
    slong k;
    pd_conv_init(C);
    pd_error_init(err);
    for (k = 0; k < (slong) (sizeof bad / sizeof bad[0]); k++) {
        pd_error_reset(err);
        ck_assert_msg(pd_conv_parse(C, bad[k], err) == PD_EINVAL, "%s", bad[k]);
        ck_assert_int_eq(err->code, PD_EINVAL);
        ck_assert(strlen(err->msg) > 0);
        /* C unchanged */
        ck_assert_str_eq(pd_conv_name(C), "pytorch");
    }
    ck_assert_int_eq(pd_conv_parse(C, NULL, err), PD_EINVAL);
    ck_assert_int_eq(pd_conv_set_preset(C, PD_CONV_CUSTOM, err), PD_EINVAL);
    pd_conv_clear(C);
}
END_TEST

/* The local derivative of a one-argument node at argument value u. */
static void local1(fmpq_t w, const char *spec, pd_op_t op, const char *u,
                   const char *c, const char *c2)
{
    pd_prog_t P;
    pd_conv_t C;
    pd_error_t err;
    fmpq_t a;
    slong i;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    fmpq_init(a);
    i = nodec(P, op, in(P, "x"), c, c2, 0);
    pd_test_fmpq_set_str(a, u);
    ck_assert_int_eq(pd_conv_parse(C, spec, err), PD_OK);
    ck_assert_int_eq(pd_conv_local_fmpq(w, NULL, C, P, i, a, err), PD_OK);
    fmpq_clear(a);
    pd_conv_clear(C);
    pd_prog_clear(P);
}

static void check_local1(const char *spec, pd_op_t op, const char *u,
                         const char *c, const char *c2, const char *want)
{
    fmpq_t w, e;
    fmpq_init(w);
    fmpq_init(e);
    local1(w, spec, op, u, c, c2);
    pd_test_fmpq_set_str(e, want);
    if (!fmpq_equal(w, e)) {
        char *s = fmpq_get_str(NULL, 10, w);
        ck_abort_msg("%s at %s under %s: got %s, want %s", pd_op_name(op), u,
                     spec, s, want);
    }
    fmpq_clear(w);
    fmpq_clear(e);
}

START_TEST(conv_local_one_argument)
{
    /* CONVENTIONS.md, at each kink, per framework */
    const char *fw[] = { "pytorch", "jax", "tensorflow" };
    slong k;
    for (k = 0; k < 3; k++) {
        check_local1(fw[k], PD_OP_RELU, "0", NULL, NULL, "0");
        check_local1(fw[k], PD_OP_RELU, "1/3", NULL, NULL, "1");
        check_local1(fw[k], PD_OP_RELU, "-1/3", NULL, NULL, "0");
        check_local1(fw[k], PD_OP_ABS, "-2", NULL, NULL, "-1");
        check_local1(fw[k], PD_OP_ABS, "2", NULL, NULL, "1");
        check_local1(fw[k], PD_OP_RELU6, "0", NULL, NULL, "0");
        check_local1(fw[k], PD_OP_RELU6, "6", NULL, NULL, "0");
        check_local1(fw[k], PD_OP_RELU6, "3", NULL, NULL, "1");
        check_local1(fw[k], PD_OP_RELU6, "7", NULL, NULL, "0");
    }
    check_local1("pytorch", PD_OP_ABS, "0", NULL, NULL, "0");
    check_local1("jax", PD_OP_ABS, "0", NULL, NULL, "1");
    check_local1("tensorflow", PD_OP_ABS, "0", NULL, NULL, "0");
    /* clamp inclusive in pytorch (1), hardtanh exclusive (0) */
    check_local1("pytorch", PD_OP_CLAMP, "-1", "-1", "1", "1");
    check_local1("pytorch", PD_OP_CLAMP, "1", "-1", "1", "1");
    check_local1("pytorch", PD_OP_CLAMP, "2", "-1", "1", "0");
    check_local1("pytorch", PD_OP_HARDTANH, "1", NULL, NULL, "0");
    check_local1("pytorch", PD_OP_HARDTANH, "-1", NULL, NULL, "0");
    check_local1("pytorch", PD_OP_HARDTANH, "1/2", NULL, NULL, "1");
    check_local1("tensorflow", PD_OP_CLAMP, "1", "-1", "1", "1");
    check_local1("jax", PD_OP_CLAMP, "1", "-1", "1", "1/2");
    check_local1("jax", PD_OP_HARDTANH, "1", NULL, NULL, "1");
    /* leaky_relu: the slope at 0 in pytorch and tensorflow, 1 in jax */
    check_local1("pytorch", PD_OP_LEAKY_RELU, "0", "1/10", NULL, "1/10");
    check_local1("tensorflow", PD_OP_LEAKY_RELU, "0", "1/10", NULL, "1/10");
    check_local1("jax", PD_OP_LEAKY_RELU, "0", "1/10", NULL, "1");
    check_local1("pytorch", PD_OP_LEAKY_RELU, "-3", "1/10", NULL, "1/10");
    /* explicit rules */
    check_local1("relu0=1", PD_OP_RELU, "0", NULL, NULL, "1");
    check_local1("relu0=-7/2", PD_OP_RELU, "0", NULL, NULL, "-7/2");
    check_local1("relu0=-7/2", PD_OP_RELU, "1", NULL, NULL, "1");
    check_local1("abs0=5", PD_OP_ABS, "0", NULL, NULL, "5");
    check_local1("clamp=outside", PD_OP_CLAMP, "1", "-1", "1", "0");
    check_local1("clamp=1/4", PD_OP_CLAMP, "-1", "-1", "1", "1/4");
    check_local1("hardtanh=inside", PD_OP_HARDTANH, "-1", NULL, NULL, "1");
    check_local1("relu6=3", PD_OP_RELU6, "6", NULL, NULL, "3");
    check_local1("leaky0=1/2", PD_OP_LEAKY_RELU, "0", "1/10", NULL, "1/2");
}
END_TEST

/* Local derivatives of max/min of the given argument values. */
static void check_localn(const char *spec, pd_op_t op, slong n,
                         const char *const *vals, const char *const *want)
{
    pd_prog_t P;
    pd_conv_t C;
    pd_error_t err;
    fmpq *a, *w, *e;
    slong args[8], i, k;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    for (k = 0; k < n; k++) {
        char nm[8];
        nm[0] = 'x';
        nm[1] = (char) ('0' + k);
        nm[2] = 0;
        args[k] = in(P, nm);
    }
    i = noden(P, op, n, args);
    a = _fmpq_vec_init(n);
    w = _fmpq_vec_init(n);
    e = _fmpq_vec_init(n);
    set_vec(a, vals, n);
    set_vec(e, want, n);
    ck_assert_int_eq(pd_conv_parse(C, spec, err), PD_OK);
    ck_assert_int_eq(pd_conv_local_fmpq(w, NULL, C, P, i, a, err), PD_OK);
    for (k = 0; k < n; k++)
        pd_assert_fmpq_eq(w + k, e + k);
    _fmpq_vec_clear(a, n);
    _fmpq_vec_clear(w, n);
    _fmpq_vec_clear(e, n);
    pd_conv_clear(C);
    pd_prog_clear(P);
}

START_TEST(conv_local_max_min)
{
    const char *tie2[] = { "1", "1" };
    const char *tie3[] = { "1", "1", "1" };
    const char *tie2of3[] = { "0", "2", "2" };
    const char *mintie[] = { "0", "3", "0", "1" };
    const char *h[] = { "1/2", "1/2" }, *fst[] = { "1", "0" };
    const char *lst[] = { "0", "1" }, *both[] = { "1", "1" };
    const char *th[] = { "1/3", "1/3", "1/3" };
    const char *t23[] = { "0", "1/2", "1/2" };
    const char *t23f[] = { "0", "1", "0" }, *t23l[] = { "0", "0", "1" };
    const char *t23b[] = { "0", "1", "1" };
    const char *mt[] = { "1/2", "0", "1/2", "0" };
    const char *untied[] = { "3", "-1", "2" }, *u1[] = { "1", "0", "0" };
    const char *u1min[] = { "0", "1", "0" };

    check_localn("pytorch", PD_OP_MAX, 2, tie2, h);
    check_localn("jax", PD_OP_MAX, 2, tie2, h);
    check_localn("tensorflow", PD_OP_MAX, 2, tie2, fst);
    check_localn("pytorch", PD_OP_MIN, 2, tie2, h);
    check_localn("tensorflow", PD_OP_MIN, 2, tie2, fst);
    check_localn("max=last", PD_OP_MAX, 2, tie2, lst);
    check_localn("max=both", PD_OP_MAX, 2, tie2, both);
    /* n-ary: 1/j each in pytorch (amax) and tensorflow (reduce_max) */
    check_localn("pytorch", PD_OP_MAX, 3, tie3, th);
    check_localn("tensorflow", PD_OP_MAX, 3, tie3, th);
    check_localn("jax", PD_OP_MAX, 3, tie3, th);
    check_localn("pytorch", PD_OP_MAX, 3, tie2of3, t23);
    check_localn("max=first", PD_OP_MAX, 3, tie2of3, t23f);
    check_localn("max=last", PD_OP_MAX, 3, tie2of3, t23l);
    check_localn("max=both", PD_OP_MAX, 3, tie2of3, t23b);
    check_localn("pytorch", PD_OP_MIN, 4, mintie, mt);
    check_localn("pytorch", PD_OP_MAX, 3, untied, u1);
    check_localn("max=both", PD_OP_MAX, 3, untied, u1);
    check_localn("pytorch", PD_OP_MIN, 3, untied, u1min);
}
END_TEST

START_TEST(conv_local_sort_and_errors)
{
    pd_prog_t P;
    pd_conv_t C;
    pd_error_t err;
    fmpq *a;
    fmpq_t w;
    slong args[4], perm[4], s, k, x;
    const char *vals[] = { "2", "1", "2", "1" };
    const slong stable[] = { 1, 3, 0, 2 }, reverse[] = { 3, 1, 2, 0 };
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    fmpq_init(w);
    for (k = 0; k < 4; k++)
        args[k] = in(P, k == 0 ? "a" : k == 1 ? "b" : k == 2 ? "c" : "d");
    s = noden(P, PD_OP_SORT, 4, args);
    a = _fmpq_vec_init(4);
    set_vec(a, vals, 4);
    ck_assert(pd_conv_node_is_tied(P, s, a));
    ck_assert_int_eq(pd_conv_local_fmpq(NULL, perm, C, P, s, a, err), PD_OK);
    for (k = 0; k < 4; k++)
        ck_assert_int_eq(perm[k], stable[k]);
    ck_assert_int_eq(pd_conv_parse(C, "sort=reverse", err), PD_OK);
    ck_assert_int_eq(pd_conv_local_fmpq(NULL, perm, C, P, s, a, err), PD_OK);
    for (k = 0; k < 4; k++)
        ck_assert_int_eq(perm[k], reverse[k]);
    /* errors: NULL perm for sort, NULL w, smooth node, out of range */
    ck_assert_int_eq(pd_conv_local_fmpq(w, NULL, C, P, s, a, err), PD_EINVAL);
    x = node1(P, PD_OP_RELU, args[0]);
    ck_assert_int_eq(pd_conv_local_fmpq(NULL, NULL, C, P, x, a, err), PD_EINVAL);
    x = node1(P, PD_OP_NEG, args[0]);
    ck_assert_int_eq(pd_conv_local_fmpq(w, NULL, C, P, x, a, err), PD_EINVAL);
    ck_assert_int_eq(pd_conv_local_fmpq(w, NULL, C, P, 99, a, err), PD_EINVAL);
    ck_assert_int_eq(pd_conv_local_fmpq(w, NULL, C, P, -1, a, err), PD_EINVAL);
    ck_assert(!pd_conv_node_is_tied(P, x, a));
    _fmpq_vec_clear(a, 4);
    fmpq_clear(w);
    pd_conv_clear(C);
    pd_prog_clear(P);
}
END_TEST

/* ------------------------------------------------------------------ */
/* arithmetics                                                        */

START_TEST(arith_parse_and_print)
{
    pd_arith_t A;
    pd_error_t err;
    char *s;
    mpfr_t v;
    const char *bad[] = { "", "half", "mpfr", "mpfr:", "mpfr:1", "mpfr:x",
                          "mpfr:64x", "mpfr:99999999", "Float" };
    slong k;
    pd_error_init(err);
    ck_assert_int_eq(pd_arith_parse(A, "float", err), PD_OK);
    ck_assert_int_eq(A->prec, 24);
    ck_assert_int_eq(pd_arith_parse(A, "mpfr:256", err), PD_OK);
    ck_assert_int_eq(A->kind, PD_ARITH_MPFR);
    ck_assert_int_eq(A->prec, 256);
    s = pd_arith_get_str(A);
    ck_assert_str_eq(s, "mpfr:256");
    flint_free(s);
    for (k = 0; k < (slong) (sizeof bad / sizeof bad[0]); k++)
        ck_assert_msg(pd_arith_parse(A, bad[k], err) == PD_EINVAL, "%s", bad[k]);
    ck_assert_int_eq(pd_arith_parse(A, NULL, err), PD_EINVAL);

    /* shortest round-trip strings */
    mpfr_init2(v, 53);
    pd_arith_set(A, PD_ARITH_DOUBLE, 0);
    mpfr_set_d(v, 0.1, MPFR_RNDN);
    s = pd_arith_get_str_mpfr(A, v);
    ck_assert_str_eq(s, "0.1");
    flint_free(s);
    mpfr_set_d(v, 1.0 / 3.0, MPFR_RNDN);
    s = pd_arith_get_str_mpfr(A, v);
    ck_assert_str_eq(s, "0.3333333333333333");
    flint_free(s);
    mpfr_set_d(v, -0.0, MPFR_RNDN);
    s = pd_arith_get_str_mpfr(A, v);
    ck_assert_str_eq(s, "-0");
    flint_free(s);
    mpfr_set_inf(v, -1);
    s = pd_arith_get_str_mpfr(A, v);
    ck_assert_str_eq(s, "-inf");
    flint_free(s);
    pd_arith_set(A, PD_ARITH_FLOAT, 0);
    mpfr_set_flt(v, 1.0f / 3.0f, MPFR_RNDN);
    s = pd_arith_get_str_mpfr(A, v);
    ck_assert_str_eq(s, "0.33333334");
    flint_free(s);
    mpfr_set_flt(v, 0.1f, MPFR_RNDN);
    s = pd_arith_get_str_mpfr(A, v);
    ck_assert_str_eq(s, "0.1");
    flint_free(s);
    /* exact reading of a dyadic */
    pd_arith_set(A, PD_ARITH_EXACT, 0);
    mpfr_set_d(v, -0.375, MPFR_RNDN);
    s = pd_arith_get_str_mpfr(A, v);
    ck_assert_str_eq(s, "-3/8");
    flint_free(s);
    /* mpfr: enough digits to read back */
    pd_arith_set(A, PD_ARITH_MPFR, 100);
    mpfr_set_prec(v, 100);
    mpfr_set_ui(v, 1, MPFR_RNDN);
    mpfr_div_ui(v, v, 3, MPFR_RNDN);
    s = pd_arith_get_str_mpfr(A, v);
    {
        mpfr_t r;
        mpfr_init2(r, 100);
        mpfr_set_str(r, s, 10, MPFR_RNDN);
        ck_assert(mpfr_equal_p(r, v));
        mpfr_clear(r);
    }
    flint_free(s);
    mpfr_clear(v);
}
END_TEST

START_TEST(arith_rounding)
{
    fmpq_t q, r;
    double d;
    float f;
    fmpq_init(q);
    fmpq_init(r);
    pd_test_fmpq_set_str(q, "1/10");
    ck_assert(pd_fmpq_get_d_rnd(&d, q));
    ck_assert(d == 0.1);
    ck_assert(pd_fmpq_get_f_rnd(&f, q));
    ck_assert(f == 0.1f);
    /* a halfway case rounds to even: 1 + 2^-53 -> 1, 1 + 3 2^-53 -> 1 + 2^-51 */
    fmpq_set_si(q, 1, 1);
    fmpq_set_si(r, 1, 1);
    fmpq_div_2exp(r, r, 53);
    fmpq_add(q, q, r);
    ck_assert(pd_fmpq_get_d_rnd(&d, q));
    ck_assert(d == 1.0);
    fmpq_mul_ui(r, r, 2);
    fmpq_add(q, q, r);
    ck_assert(pd_fmpq_get_d_rnd(&d, q));
    ck_assert(d == 1.0 + ldexp(1.0, -51));
    /* subnormals and overflow */
    fmpq_set_si(q, 3, 1);
    fmpq_div_2exp(q, q, 1076);       /* 0.75 * 2^-1074: rounds to 2^-1074 */
    ck_assert(pd_fmpq_get_d_rnd(&d, q));
    ck_assert(d == ldexp(1.0, -1074));
    fmpq_set_si(q, 1, 1);
    fmpq_div_2exp(q, q, 151);        /* 2^-151 < 2^-149 / 2: rounds to 0 */
    ck_assert(pd_fmpq_get_f_rnd(&f, q));
    ck_assert(f == 0.0f);
    fmpq_set_si(q, 1, 1);
    fmpq_mul_2exp(q, q, 128);
    ck_assert(!pd_fmpq_get_f_rnd(&f, q));
    ck_assert(isinf(f));
    /* exact reading back */
    pd_fmpq_set_d_exact(q, -0.1);
    fmpq_set_si(r, -3602879701896397, 1);
    fmpq_div_2exp(r, r, 55);
    pd_assert_fmpq_eq(q, r);
    pd_fmpq_set_d_exact(q, ldexp(1.0, -1074));
    fmpq_set_si(r, 1, 1);
    fmpq_div_2exp(r, r, 1074);
    pd_assert_fmpq_eq(q, r);
    fmpq_clear(q);
    fmpq_clear(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* exact AD on hand-derived cases                                     */

START_TEST(exact_relu_identity)
{
    pd_prog_t P;
    const char *x[] = { "0" }, *z[] = { "0" }, *two[] = { "2" }, *one[] = { "1" };
    const char *xp[] = { "5/7" };
    pd_prog_init(P);
    build_relu_identity(P);
    check_exact_grad(P, "relu0=0,abs0=0,max=split", x, z);
    check_exact_grad(P, "relu0=1", x, two);
    check_exact_grad(P, "relu0=1/2", x, one);
    check_exact_grad(P, "pytorch", x, z);
    check_exact_grad(P, "pytorch", xp, one);
    pd_prog_clear(P);
}
END_TEST

START_TEST(exact_hand_values)
{
    /* f(x, y) = x^3 y - ((2/3) x) / 3 + max(x, y) y at (1/2, -3), where
       max picks x: d/dx = 3 x^2 y - 2/9 + y = -9/4 - 2/9 - 3 = -197/36,
       d/dy = x^3 + max(x, y) = 1/8 + 1/2 = 5/8. */
    pd_prog_t P;
    slong x, y, t, u;
    const char *pt[] = { "1/2", "-3" };
    const char *want[] = { "-197/36", "5/8" };
    const char *tie[] = { "2", "2" };
    const char *wtie[] = { "13", "9" };
    const char *wtie_tf[] = { "14", "8" };
    pd_prog_init(P);
    x = in(P, "x");
    y = in(P, "y");
    t = node2(P, PD_OP_MUL, nodec(P, PD_OP_POW, x, NULL, NULL, 3), y);
    u = nodec(P, PD_OP_DIV, node2(P, PD_OP_MUL, konst(P, "2/3"), x), "3", NULL, 0);
    t = node2(P, PD_OP_SUB, t, u);
    u = node2(P, PD_OP_MUL, node2(P, PD_OP_MAX, x, y), y);
    pd_prog_set_output(P, node2(P, PD_OP_ADD, t, u));
    check_exact_grad(P, "pytorch", pt, want);
    pd_prog_clear(P);

    /* g(x, y) = x^3 y + max(x, y) y - 12 x - 2 y at (2, 2), max tied with
       local weights (w_x, w_y): d/dx = 3 x^2 y + w_x y - 12 = 12 + 2 w_x,
       d/dy = x^3 + max + w_y y - 2 = 8 + 2 w_y.  split: (13, 9);
       tensorflow (first argument): (14, 8). */
    pd_prog_init(P);
    x = in(P, "x");
    y = in(P, "y");
    t = node2(P, PD_OP_MUL, nodec(P, PD_OP_POW, x, NULL, NULL, 3), y);
    u = node2(P, PD_OP_MUL, node2(P, PD_OP_MAX, x, y), y);
    t = node2(P, PD_OP_ADD, t, u);
    u = node2(P, PD_OP_MUL, konst(P, "12"), x);
    t = node2(P, PD_OP_SUB, t, u);
    pd_prog_set_output(P, node2(P, PD_OP_SUB, t, node2(P, PD_OP_MUL, konst(P, "2"), y)));
    check_exact_grad(P, "pytorch", tie, wtie);
    check_exact_grad(P, "tensorflow", tie, wtie_tf);
    pd_prog_clear(P);
}
END_TEST

START_TEST(exact_shared_vs_duplicated)
{
    /* relu(x) - relu(x) under relu0=1: 1 - 1 = 0 (one rule for both
       nodes); max(x, x) at 0: max=both sends 1 to each argument (2),
       split 1/2 + 1/2, first 1. */
    pd_prog_t P;
    slong x, m;
    const char *z[] = { "0" }, *zero[] = { "0" }, *two[] = { "2" }, *one[] = { "1" };
    pd_prog_init(P);
    x = in(P, "x");
    pd_prog_set_output(P, node2(P, PD_OP_SUB, node1(P, PD_OP_RELU, x),
                                node1(P, PD_OP_RELU, x)));
    check_exact_grad(P, "relu0=1", z, zero);
    pd_prog_clear(P);
    pd_prog_init(P);
    x = in(P, "x");
    m = node2(P, PD_OP_MAX, x, x);
    pd_prog_set_output(P, m);
    check_exact_grad(P, "max=both", z, two);
    check_exact_grad(P, "max=split", z, one);
    check_exact_grad(P, "max=first", z, one);
    pd_prog_clear(P);
}
END_TEST

START_TEST(sort_gradients)
{
    /* w . sort(a, b, c) with w = (1, 2, 3) at (2, 1, 1): stable order
       b, c, a -> grad (3, 1, 2); reverse order c, b, a -> (3, 2, 1) */
    pd_prog_t P;
    slong args[3], s, k, acc = -1;
    const char *pt[] = { "2", "1", "1" };
    const char *st[] = { "3", "1", "2" }, *rv[] = { "3", "2", "1" };
    pd_prog_init(P);
    args[0] = in(P, "a");
    args[1] = in(P, "b");
    args[2] = in(P, "c");
    s = noden(P, PD_OP_SORT, 3, args);
    for (k = 0; k < 3; k++) {
        slong e = pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL, k, 0, 0, NULL);
        char c[2] = { (char) ('1' + k), 0 };
        ck_assert(e >= 0);
        e = node2(P, PD_OP_MUL, konst(P, c), e);
        acc = acc < 0 ? e : node2(P, PD_OP_ADD, acc, e);
    }
    pd_prog_set_output(P, acc);
    check_exact_grad(P, "pytorch", pt, st);
    check_exact_grad(P, "sort=reverse", pt, rv);
    pd_prog_clear(P);
}
END_TEST

/* ------------------------------------------------------------------ */
/* random programs                                                    */

/* A random program in n inputs with about len nodes.  positive != 0 keeps
   every value positive at positive points (no subtraction, negation or
   sign changes), for rounding-error bounds without cancellation. */
static void random_prog(pd_prog_t P, flint_rand_t st, slong n, slong len,
                        int positive)
{
    slong k, i;
    for (k = 0; k < n; k++) {
        char nm[8];
        nm[0] = 'x';
        nm[1] = (char) ('1' + k);
        nm[2] = 0;
        in(P, nm);
    }
    for (i = 0; i < len; i++) {
        slong m = P->len;
        slong a = m - 1 - (slong) n_randint(st, FLINT_MIN(m, 4));
        slong b = (slong) n_randint(st, m);
        int op = (int) n_randint(st, positive ? 9 : 15);
        slong r;
        while (P->nodes[a].op == PD_OP_SORT)
            a--;
        while (P->nodes[b].op == PD_OP_SORT)
            b--;
        switch (op) {
        case 0: case 1: r = node2(P, PD_OP_ADD, a, b); break;
        case 2: r = node2(P, PD_OP_MUL, a, b); break;
        case 3: r = nodec(P, PD_OP_DIV, a, n_randint(st, 2) ? "3" : "1/4", NULL, 0); break;
        case 4: r = nodec(P, PD_OP_POW, a, NULL, NULL, (slong) n_randint(st, 4)); break;
        case 5: r = node2(P, PD_OP_MAX, a, b); break;
        case 6: r = node2(P, PD_OP_MIN, a, b); break;
        case 7: r = node1(P, PD_OP_RELU, a); break;
        case 8: {
            slong args[3];
            args[0] = a;
            args[1] = b;
            args[2] = (slong) n_randint(st, m);
            while (P->nodes[args[2]].op == PD_OP_SORT)
                args[2]--;
            r = noden(P, n_randint(st, 2) ? PD_OP_MAX : PD_OP_MIN, 3, args);
            break;
        }
        case 9: r = node2(P, PD_OP_SUB, a, b); break;
        case 10: r = node1(P, PD_OP_ABS, node1(P, PD_OP_NEG, a)); break;
        case 11: r = nodec(P, PD_OP_LEAKY_RELU, a, "1/8", NULL, 0); break;
        case 12: r = nodec(P, PD_OP_CLAMP, a, "-1", "3/2", 0); break;
        case 13: r = node1(P, n_randint(st, 2) ? PD_OP_HARDTANH : PD_OP_RELU6, a); break;
        default: {
            slong args[3], s;
            args[0] = a;
            args[1] = b;
            args[2] = (slong) n_randint(st, m);
            while (P->nodes[args[2]].op == PD_OP_SORT)
                args[2]--;
            s = noden(P, PD_OP_SORT, 3, args);
            r = pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL,
                                 (slong) n_randint(st, 3), 0, 0, NULL);
            ck_assert(r >= 0);
            break;
        }
        }
        (void) r;
    }
    /* combine the last node with an input so every input may matter */
    pd_prog_set_output(P, node2(P, PD_OP_ADD, P->len - 1,
                                (slong) n_randint(st, n)));
}

static void random_point(fmpq *x, flint_rand_t st, slong n, int positive,
                         int dyadic)
{
    slong k;
    for (k = 0; k < n; k++) {
        slong num = (slong) n_randint(st, 200) + 1;
        ulong den = dyadic ? (UWORD(1) << n_randint(st, 6)) : n_randint(st, 50) + 1;
        if (!positive && n_randint(st, 2))
            num = -num;
        fmpq_set_si(x + k, num, den);
    }
}

START_TEST(exact_against_pieces_and_forward)
{
    /* The exact reverse gradient equals (1) the gradient of the active
       piece computed by the exact module (pd_piece_grad_fmpq) at untied
       points, and (2) exact forward mode along each unit vector, at every
       point and under every convention (same local choices). */
    flint_rand_t st;
    slong iter, n, k, untied = 0;
    const char *convs[] = { "pytorch", "jax", "tensorflow", "max=both,relu0=1/3",
                            "max=last,sort=reverse,clamp=1/2" };
    pd_test_randinit(st, 11);
    for (iter = 0; iter < 150 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_conv_t C;
        pd_tape_t T;
        pd_error_t err;
        pd_eval_t ev;
        fmpq *x, *g, *gp, *e;
        fmpq_t val, valp, dot;
        n = 1 + (slong) n_randint(st, 3);
        pd_prog_init(P);
        pd_error_init(err);
        pd_conv_init(C);
        random_prog(P, st, n, 3 + (slong) n_randint(st, 12), 0);
        x = _fmpq_vec_init(n);
        g = _fmpq_vec_init(n);
        gp = _fmpq_vec_init(n);
        e = _fmpq_vec_init(n);
        fmpq_init(val);
        fmpq_init(valp);
        fmpq_init(dot);
        random_point(x, st, n, 0, 1);
        if (n > 1 && n_randint(st, 2))
            fmpq_set(x + 1, x + 0);   /* ties */
        ck_assert_int_eq(pd_conv_parse(C, convs[iter % 5], err), PD_OK);
        ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
        ck_assert_int_eq(pd_ad_grad_fmpq(val, g, T, x, err), PD_OK);
        pd_eval_init(ev, P);
        ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
        pd_assert_fmpq_eq(val, pd_eval_output(ev));
        /* the tied set agrees with the exact module's */
        ck_assert_int_eq(T->ntied, ev->ntied);
        for (k = 0; k < T->ntied; k++)
            ck_assert(pd_eval_is_tied(ev, T->tied[k]));
        if (ev->ntied == 0) {
            untied++;
            ck_assert_int_eq(pd_piece_grad_fmpq(gp, valp, P, ev->pattern, x, err), PD_OK);
            for (k = 0; k < n; k++)
                pd_assert_fmpq_eq(g + k, gp + k);
        }
        for (k = 0; k < n; k++) {
            for (slong j = 0; j < n; j++)
                fmpq_zero(e + j);
            fmpq_one(e + k);
            ck_assert_int_eq(pd_ad_jvp_fmpq(valp, dot, T, x, e, err), PD_OK);
            pd_assert_fmpq_eq(dot, g + k);
        }
        pd_eval_clear(ev);
        pd_tape_clear(T);
        fmpq_clear(val);
        fmpq_clear(valp);
        fmpq_clear(dot);
        _fmpq_vec_clear(x, n);
        _fmpq_vec_clear(g, n);
        _fmpq_vec_clear(gp, n);
        _fmpq_vec_clear(e, n);
        pd_conv_clear(C);
        pd_prog_clear(P);
    }
    ck_assert(untied > 20);
    flint_randclear(st);
}
END_TEST

/* |a - b| <= ulps * ulp(b) for doubles given as rationals. */
static int within_ulps(const fmpq_t a, const fmpq_t b, slong ulps, slong prec)
{
    fmpq_t d, bound;
    int ok;
    slong e;
    if (fmpq_is_zero(b))
        return fmpq_is_zero(a);
    fmpq_init(d);
    fmpq_init(bound);
    fmpq_sub(d, a, b);
    fmpq_abs(d, d);
    /* ulp(b) = 2^(floor(log2 |b|) - prec + 1) */
    e = fmpz_bits(fmpq_numref(b)) - fmpz_bits(fmpq_denref(b));
    fmpq_set_si(bound, ulps, 1);
    if (e - prec + 1 >= 0)
        fmpq_mul_2exp(bound, bound, (ulong) (e - prec + 1));
    else
        fmpq_div_2exp(bound, bound, (ulong) (prec - 1 - e));
    ok = fmpq_cmp(d, bound) <= 0;
    fmpq_clear(d);
    fmpq_clear(bound);
    return ok;
}

START_TEST(double_and_float_near_exact)
{
    /* Positive programs at positive dyadic points: no cancellation, so
       every value and adjoint carries a relative error of at most
       (operations on its path) * u; the programs have at most 10 nodes
       past the inputs, so a few ulps (<= 8) is the expected bound at the
       output and we assert 16.  Points away from kinks: the exact
       evaluation has no ties. */
    flint_rand_t st;
    slong iter, n, k, checked = 0;
    pd_test_randinit(st, 12);
    for (iter = 0; iter < 300 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_conv_t C;
        pd_tape_t T;
        pd_error_t err;
        pd_arith_t A;
        pd_ad_result_t Rd, Rf, Rq;
        fmpq *x;
        n = 1 + (slong) n_randint(st, 3);
        pd_prog_init(P);
        pd_error_init(err);
        pd_conv_init(C);
        random_prog(P, st, n, 2 + (slong) n_randint(st, 8), 1);
        x = _fmpq_vec_init(n);
        random_point(x, st, n, 1, 1);
        ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
        pd_ad_result_init(Rd, n);
        pd_ad_result_init(Rf, n);
        pd_ad_result_init(Rq, n);
        pd_arith_set(A, PD_ARITH_EXACT, 0);
        ck_assert_int_eq(pd_ad_run(Rq, T, A, x, NULL, err), PD_OK);
        pd_arith_set(A, PD_ARITH_DOUBLE, 0);
        ck_assert_int_eq(pd_ad_run(Rd, T, A, x, NULL, err), PD_OK);
        pd_arith_set(A, PD_ARITH_FLOAT, 0);
        ck_assert_int_eq(pd_ad_run(Rf, T, A, x, NULL, err), PD_OK);
        if (Rq->ntied == 0 && Rd->ntied == 0 && Rf->ntied == 0 && Rd->finite
            && Rf->finite && fmpz_bits(fmpq_numref(Rq->value)) < 900) {
            checked++;
            /* dyadic points with few bits are exact in both formats */
            for (k = 0; k < n; k++) {
                pd_assert_fmpq_eq(Rd->point + k, x + k);
                pd_assert_fmpq_eq(Rf->point + k, x + k);
            }
            ck_assert(within_ulps(Rd->value, Rq->value, 16, 53));
            for (k = 0; k < n; k++) {
                if (!within_ulps(Rd->grad + k, Rq->grad + k, 16, 53)) {
                    char *s = pd_prog_get_str(P);
                    ck_abort_msg("double gradient %ld off by more than 16 ulps:\n%s",
                                 (long) k, s);
                }
                ck_assert(within_ulps(Rf->grad + k, Rq->grad + k, 16, 24));
            }
        }
        pd_ad_result_clear(Rd);
        pd_ad_result_clear(Rf);
        pd_ad_result_clear(Rq);
        pd_tape_clear(T);
        _fmpq_vec_clear(x, n);
        pd_conv_clear(C);
        pd_prog_clear(P);
    }
    ck_assert(checked > 100);
    flint_randclear(st);
}
END_TEST

START_TEST(mpfr256_near_exact)
{
    /* General random programs (subtraction, abs, clamp, sort, ...) at
       random rational points (inexact in binary): MPFR at 256 bits within
       2^-200 relative of the exact gradient (absolute 2^-200 where the
       exact entry is below 1), wherever neither evaluation sees a tie. */
    flint_rand_t st;
    slong iter, n, k, checked = 0;
    mpfr_t bound;
    pd_test_randinit(st, 13);
    mpfr_init2(bound, 64);
    for (iter = 0; iter < 400 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_conv_t C;
        pd_tape_t T;
        pd_error_t err;
        pd_arith_t A;
        pd_ad_result_t Rm, Rq, Rj;
        fmpq *x, *d;
        n = 1 + (slong) n_randint(st, 3);
        pd_prog_init(P);
        pd_error_init(err);
        pd_conv_init(C);
        random_prog(P, st, n, 2 + (slong) n_randint(st, 14), 0);
        x = _fmpq_vec_init(n);
        d = _fmpq_vec_init(n);
        random_point(x, st, n, 0, 0);
        random_point(d, st, n, 0, 0);
        ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
        pd_ad_result_init(Rm, n);
        pd_ad_result_init(Rq, n);
        pd_ad_result_init(Rj, n);
        pd_arith_set(A, PD_ARITH_EXACT, 0);
        ck_assert_int_eq(pd_ad_run(Rq, T, A, x, NULL, err), PD_OK);
        pd_arith_set(A, PD_ARITH_MPFR, 256);
        ck_assert_int_eq(pd_ad_run(Rm, T, A, x, NULL, err), PD_OK);
        ck_assert_int_eq(pd_ad_run(Rj, T, A, x, d, err), PD_OK);
        if (Rq->ntied == 0 && Rm->ntied == 0) {
            fmpq_t diff, lim, dd;
            fmpq_init(diff);
            fmpq_init(lim);
            fmpq_init(dd);
            checked++;
            for (k = 0; k <= n; k++) {
                const fmpq *ex = k < n ? Rq->grad + k : Rq->value;
                const fmpq *got = k < n ? Rm->grad + k : Rm->value;
                fmpq_sub(diff, got, ex);
                fmpq_abs(diff, diff);
                fmpq_abs(lim, ex);
                if (fmpz_cmp(fmpq_numref(lim), fmpq_denref(lim)) < 0)
                    fmpq_one(lim);
                fmpq_div_2exp(lim, lim, 200);
                if (fmpq_cmp(diff, lim) > 0) {
                    char *s = pd_prog_get_str(P);
                    ck_abort_msg("MPFR-256 entry %ld not within 2^-200:\n%s", (long) k, s);
                }
            }
            /* forward mode: <grad, d> */
            fmpq_zero(dd);
            for (k = 0; k < n; k++)
                fmpq_addmul(dd, Rq->grad + k, d + k);
            fmpq_sub(diff, Rj->dot, dd);
            fmpq_abs(diff, diff);
            fmpq_abs(lim, dd);
            if (fmpz_cmp(fmpq_numref(lim), fmpq_denref(lim)) < 0)
                fmpq_one(lim);
            fmpq_div_2exp(lim, lim, 190);
            ck_assert(fmpq_cmp(diff, lim) <= 0);
            fmpq_clear(diff);
            fmpq_clear(lim);
            fmpq_clear(dd);
        }
        pd_ad_result_clear(Rm);
        pd_ad_result_clear(Rq);
        pd_ad_result_clear(Rj);
        pd_tape_clear(T);
        _fmpq_vec_clear(x, n);
        _fmpq_vec_clear(d, n);
        pd_conv_clear(C);
        pd_prog_clear(P);
    }
    ck_assert_msg(checked > 100, "only %ld untied samples", (long) checked);
    mpfr_clear(bound);
    flint_randclear(st);
}
END_TEST

/* ------------------------------------------------------------------ */
/* float specifics: torch's formulas, ties seen by rounding, errors    */

START_TEST(float_kinks_pytorch)
{
    /* relu(x) - relu(-x) at 0 in float and double: 0 (torch); maximum
       tie: 1/2 each; amax of three: each gets 1/3 rounded. */
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    slong args[3];
    double xd[3] = { 1.0, 1.0, 1.0 }, gd[3], vd;
    float xf[3] = { 1.0f, 1.0f, 1.0f }, gf[3], vf;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    build_relu_identity(P);
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    xd[0] = 0.0;
    ck_assert_int_eq(pd_ad_grad_d(&vd, gd, T, xd, err), PD_OK);
    ck_assert(gd[0] == 0.0 && !signbit(gd[0]));
    ck_assert_int_eq(T->ntied, 2);
    xd[0] = 0.5;
    ck_assert_int_eq(pd_ad_grad_d(&vd, gd, T, xd, err), PD_OK);
    ck_assert(gd[0] == 1.0);
    ck_assert_int_eq(T->ntied, 0);
    pd_tape_clear(T);
    pd_prog_clear(P);

    pd_prog_init(P);
    args[0] = in(P, "a");
    args[1] = in(P, "b");
    args[2] = in(P, "c");
    pd_prog_set_output(P, noden(P, PD_OP_MAX, 3, args));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    xd[0] = 1.0;
    ck_assert_int_eq(pd_ad_grad_d(&vd, gd, T, xd, err), PD_OK);
    ck_assert(gd[0] == 1.0 / 3.0 && gd[1] == 1.0 / 3.0 && gd[2] == 1.0 / 3.0);
    ck_assert_int_eq(pd_ad_grad_f(&vf, gf, T, xf, err), PD_OK);
    ck_assert(gf[0] == 1.0f / 3.0f && gf[2] == 1.0f / 3.0f);
    xf[1] = 0.5f;
    ck_assert_int_eq(pd_ad_grad_f(&vf, gf, T, xf, err), PD_OK);
    ck_assert(gf[0] == 0.5f && gf[1] == 0.0f && gf[2] == 0.5f);
    pd_tape_clear(T);
    pd_prog_clear(P);
    pd_conv_clear(C);
}
END_TEST

START_TEST(rounding_creates_ties)
{
    /* relu(x/10*10 - x) is tied at every x in exact arithmetic; at some
       x = k/7 rounding makes x/10*10 != x in double, which then sees no
       tie (MATH.md 10: the tied sets can differ). */
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    pd_arith_t A;
    pd_ad_result_t R;
    fmpq_t q;
    slong x, t, k, found = 0;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    fmpq_init(q);
    x = in(P, "x");
    t = nodec(P, PD_OP_DIV, x, "10", NULL, 0);
    t = node2(P, PD_OP_MUL, t, konst(P, "10"));
    pd_prog_set_output(P, node1(P, PD_OP_RELU, node2(P, PD_OP_SUB, t, x)));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    pd_ad_result_init(R, 1);
    for (k = 1; k < 100 && !found; k++) {
        fmpq_set_si(q, k, 7);
        pd_arith_set(A, PD_ARITH_EXACT, 0);
        ck_assert_int_eq(pd_ad_run(R, T, A, q, NULL, err), PD_OK);
        ck_assert_int_eq(R->ntied, 1);
        pd_arith_set(A, PD_ARITH_DOUBLE, 0);
        ck_assert_int_eq(pd_ad_run(R, T, A, q, NULL, err), PD_OK);
        if (R->ntied == 0)
            found = 1;
    }
    ck_assert(found);
    pd_ad_result_clear(R);
    fmpq_clear(q);
    pd_tape_clear(T);
    pd_conv_clear(C);
    pd_prog_clear(P);
}
END_TEST

START_TEST(run_errors_and_limits)
{
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    pd_arith_t A;
    pd_ad_result_t R, R2;
    fmpq_t q;
    mpfr_t v, g;
    slong x;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    fmpq_init(q);
    /* no output */
    x = in(P, "x");
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_EINVAL);
    ck_assert_int_eq(err->code, PD_EINVAL);
    pd_error_reset(err);
    pd_prog_set_output(P, nodec(P, PD_OP_POW, x, NULL, NULL, 5));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    /* a point that overflows float: PD_EDOM */
    pd_ad_result_init(R, 1);
    fmpq_set_si(q, 1, 1);
    fmpq_mul_2exp(q, q, 250);
    pd_arith_set(A, PD_ARITH_FLOAT, 0);
    ck_assert_int_eq(pd_ad_run(R, T, A, q, NULL, err), PD_EDOM);
    pd_error_reset(err);
    /* a value that overflows double: finite = 0 */
    pd_arith_set(A, PD_ARITH_DOUBLE, 0);
    ck_assert_int_eq(pd_ad_run(R, T, A, q, NULL, err), PD_OK);
    ck_assert(!R->finite);
    /* the same exactly: 2^1250 */
    pd_arith_set(A, PD_ARITH_EXACT, 0);
    ck_assert_int_eq(pd_ad_run(R, T, A, q, NULL, err), PD_OK);
    ck_assert(R->finite);
    ck_assert_int_eq(fmpz_bits(fmpq_numref(R->value)), 1251);
    /* wrong size */
    pd_ad_result_init(R2, 2);
    ck_assert_int_eq(pd_ad_run(R2, T, A, q, NULL, err), PD_EINVAL);
    pd_ad_result_clear(R2);
    /* bad MPFR precision */
    mpfr_init2(v, 53);
    mpfr_init2(g, 53);
    ck_assert_int_eq(pd_ad_grad_mpfr(v, g, T, g, 0, err), PD_EINVAL);
    ck_assert_int_eq(pd_ad_jvp_mpfr(v, g, T, g, g, 0, err), PD_EINVAL);
    mpfr_clear(v);
    mpfr_clear(g);
    pd_tape_clear(T);
    pd_prog_clear(P);

    /* an exact power too large: PD_ELIMIT */
    pd_prog_init(P);
    x = in(P, "x");
    x = nodec(P, PD_OP_POW, x, NULL, NULL, 1000000);
    pd_prog_set_output(P, nodec(P, PD_OP_POW, x, NULL, NULL, 1000));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    fmpq_set_si(q, 3, 1);
    ck_assert_int_eq(pd_ad_run(R, T, A, q, NULL, err), PD_ELIMIT);
    pd_tape_clear(T);
    pd_ad_result_clear(R);
    fmpq_clear(q);
    pd_conv_clear(C);
    pd_prog_clear(P);
}
END_TEST


START_TEST(enclosure_contains_float_and_exact)
{
    /* MATH.md 10: at points of the format (dyadic, few bits, so kinks are
       hit often), the enclosure contains the float/double gradient and
       the convention's exact gradient, for random programs and every
       convention; where no node is flagged, it is tight (a few ulps). */
    flint_rand_t st;
    slong iter, n, k, flagged = 0;
    const char *convs[] = { "pytorch", "jax", "tensorflow", "max=both,relu0=1/3",
                            "max=last,sort=reverse,clamp=1/2" };
    pd_test_randinit(st, 14);
    for (iter = 0; iter < 300 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_conv_t C;
        pd_tape_t T;
        pd_error_t err;
        pd_arith_t A;
        pd_ad_result_t Rf, Rq;
        mpfr_ptr lo, hi;
        fmpq *x;
        int isf = (int) (iter & 1);
        n = 1 + (slong) n_randint(st, 3);
        pd_prog_init(P);
        pd_error_init(err);
        pd_conv_init(C);
        random_prog(P, st, n, 2 + (slong) n_randint(st, 12), 0);
        x = _fmpq_vec_init(n);
        random_point(x, st, n, 0, 1);
        if (n > 1 && n_randint(st, 2))
            fmpq_set(x + 1, x + 0);
        ck_assert_int_eq(pd_conv_parse(C, convs[iter % 5], err), PD_OK);
        ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
        pd_ad_result_init(Rf, n);
        pd_ad_result_init(Rq, n);
        lo = flint_malloc(n * sizeof(__mpfr_struct));
        hi = flint_malloc(n * sizeof(__mpfr_struct));
        for (k = 0; k < n; k++) {
            mpfr_init2(lo + k, 53);
            mpfr_init2(hi + k, 53);
        }
        pd_arith_set(A, PD_ARITH_EXACT, 0);
        ck_assert_int_eq(pd_ad_run(Rq, T, A, x, NULL, err), PD_OK);
        pd_arith_set(A, isf ? PD_ARITH_FLOAT : PD_ARITH_DOUBLE, 0);
        ck_assert_int_eq(pd_ad_run(Rf, T, A, x, NULL, err), PD_OK);
        ck_assert_int_eq(pd_ad_grad_enclose(lo, hi, T, A->kind, Rf->point, err), PD_OK);
        flagged += (T->ntied > 0);
        /* every exactly tied node is flagged */
        ck_assert(T->ntied >= Rq->ntied);
        for (k = 0; k < n; k++) {
            mpq_t m;
            mpq_init(m);
            fmpq_get_mpq(m, Rq->grad + k);
            if (!(mpfr_cmp_q(lo + k, m) <= 0 && mpfr_cmp_q(hi + k, m) >= 0)) {
                char *s = pd_prog_get_str(P);
                ck_abort_msg("exact gradient %ld outside the enclosure (%s):\n%s",
                             (long) k, convs[iter % 5], s);
            }
            if (Rf->finite) {
                fmpq_get_mpq(m, Rf->grad + k);
                if (!(mpfr_cmp_q(lo + k, m) <= 0 && mpfr_cmp_q(hi + k, m) >= 0)) {
                    char *s = pd_prog_get_str(P);
                    ck_abort_msg("%s gradient %ld outside the enclosure (%s):\n%s",
                                 isf ? "float" : "double", (long) k, convs[iter % 5], s);
                }
            }
            mpq_clear(m);
            mpfr_clear(lo + k);
            mpfr_clear(hi + k);
        }
        flint_free(lo);
        flint_free(hi);
        pd_ad_result_clear(Rf);
        pd_ad_result_clear(Rq);
        pd_tape_clear(T);
        _fmpq_vec_clear(x, n);
        pd_conv_clear(C);
        pd_prog_clear(P);
    }
    ck_assert(flagged > 30);
    flint_randclear(st);
}
END_TEST

START_TEST(enclosure_excludes_wrong)
{
    /* max(x, y, z) at (1, 1, 1) in float: the enclosure of each entry is
       tight around 1/3 rounded; 1/2 is outside (invalid), float(1/3) in. */
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    slong args[3];
    fmpq x[3];
    mpfr_ptr lo, hi;
    slong k;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    args[0] = in(P, "a");
    args[1] = in(P, "b");
    args[2] = in(P, "c");
    pd_prog_set_output(P, noden(P, PD_OP_MAX, 3, args));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    lo = flint_malloc(3 * sizeof(__mpfr_struct));
    hi = flint_malloc(3 * sizeof(__mpfr_struct));
    for (k = 0; k < 3; k++) {
        fmpq_init(x + k);
        fmpq_one(x + k);
        mpfr_init2(lo + k, 24);
        mpfr_init2(hi + k, 24);
    }
    ck_assert_int_eq(pd_ad_grad_enclose(lo, hi, T, PD_ARITH_FLOAT, x, err), PD_OK);
    ck_assert_int_eq(T->ntied, 1);
    for (k = 0; k < 3; k++) {
        ck_assert(mpfr_cmp_d(lo + k, (double) (1.0f / 3.0f)) <= 0);
        ck_assert(mpfr_cmp_d(hi + k, (double) (1.0f / 3.0f)) >= 0);
        ck_assert(mpfr_cmp_d(hi + k, 0.34) < 0);
        ck_assert(mpfr_cmp_d(lo + k, 0.33) > 0);
    }
    ck_assert_int_eq(pd_ad_grad_enclose(lo, hi, T, PD_ARITH_EXACT, x, err), PD_EINVAL);
    for (k = 0; k < 3; k++) {
        fmpq_clear(x + k);
        mpfr_clear(lo + k);
        mpfr_clear(hi + k);
    }
    flint_free(lo);
    flint_free(hi);
    pd_tape_clear(T);
    pd_conv_clear(C);
    pd_prog_clear(P);
}
END_TEST

Suite *ad_suite(void)
{
    Suite *s = suite_create("ad");
    TCase *tc;
    tc = tcase_create("conv_parse");
    tcase_add_test(tc, conv_parse_presets);
    tcase_add_test(tc, conv_parse_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("conv_local_fmpq");
    tcase_add_test(tc, conv_local_one_argument);
    tcase_add_test(tc, conv_local_max_min);
    tcase_add_test(tc, conv_local_sort_and_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("arith");
    tcase_add_test(tc, arith_parse_and_print);
    tcase_add_test(tc, arith_rounding);
    suite_add_tcase(s, tc);
    tc = tcase_create("ad_grad_fmpq");
    tcase_add_test(tc, exact_relu_identity);
    tcase_add_test(tc, exact_hand_values);
    tcase_add_test(tc, exact_shared_vs_duplicated);
    tcase_add_test(tc, sort_gradients);
    tcase_add_test(tc, exact_against_pieces_and_forward);
    suite_add_tcase(s, tc);
    tc = tcase_create("ad_grad_numeric");
    tcase_add_test(tc, double_and_float_near_exact);
    tcase_add_test(tc, mpfr256_near_exact);
    tcase_add_test(tc, float_kinks_pytorch);
    tcase_add_test(tc, rounding_creates_ties);
    tcase_add_test(tc, run_errors_and_limits);
    suite_add_tcase(s, tc);
    tc = tcase_create("ad_grad_enclose");
    tcase_add_test(tc, enclosure_contains_float_and_exact);
    tcase_add_test(tc, enclosure_excludes_wrong);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return pd_test_run(ad_suite());
}
