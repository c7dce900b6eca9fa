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

/* ------------------------------------------------------------------ */
/* interval kernels (src/ad/interval.h) against MPFR                   */

#include "ad/interval.h"
#include <fenv.h>

/* RD or RU of a op b (op '+', '*', '/'; 'r': a alone) in binary32
   (isf) or binary64, with subnormals and overflow as the format has them:
   MPFR's directed rounding at the precision the exact value's binade
   leaves above the least subnormal, in MPFR's own exponent range. */
static double ref_op(char op, double a, double b, mpfr_rnd_t rnd, int isf)
{
    const mpfr_exp_t p = isf ? 24 : 53, elo = isf ? -149 : -1074;
    const double big = isf ? FLT_MAX : DBL_MAX;
    mpfr_t x, y, r;
    mpfr_exp_t e;
    double out;
    int neg;
    mpfr_init2(x, 53);
    mpfr_init2(y, 53);
    mpfr_init2(r, p + 8);
    mpfr_set_d(x, a, MPFR_RNDN);
    mpfr_set_d(y, b, MPFR_RNDN);
#define REF_OP(rr, rnd_) (op == '+' ? mpfr_add(rr, x, y, rnd_)                  \
                          : op == '*' ? mpfr_mul(rr, x, y, rnd_)                \
                          : op == '/' ? mpfr_div(rr, x, y, rnd_)                \
                          : mpfr_set(rr, x, rnd_))
    REF_OP(r, MPFR_RNDZ);             /* the binade, [2^(e-1), 2^e) */
    if (mpfr_zero_p(r)) {
        out = 0;
    } else {
        e = mpfr_get_exp(r);
        neg = mpfr_sgn(r) < 0;
        if (e - elo < 1) {
            /* below the least subnormal */
            if (rnd == MPFR_RNDD)
                out = neg ? -ldexp(1.0, (int) elo) : 0.0;
            else
                out = neg ? 0.0 : ldexp(1.0, (int) elo);
        } else {
            mpfr_set_prec(r, FLINT_MIN(p, e - elo));
            REF_OP(r, rnd);
            out = mpfr_get_d(r, MPFR_RNDN);      /* exact, or infinite */
            if (out > big)
                out = rnd == MPFR_RNDD ? big : INFINITY;
            else if (out < -big)
                out = rnd == MPFR_RNDD ? -INFINITY : -big;
        }
    }
#undef REF_OP
    mpfr_clear(x);
    mpfr_clear(y);
    mpfr_clear(r);
    return out;
}

/* A random double of the format: all binades (subnormals too), full or
   short significands (so that exact results are common), zeros, extremes
   and infinities; or a number near a given one (cancellation, ties). */
static double rand_value(flint_rand_t st, int isf)
{
    const int emin = isf ? -149 : -1074, emax = isf ? 127 : 1023;
    const int p = isf ? 24 : 53;
    double m, v;
    int e;
    switch (n_randint(st, 16)) {
    case 0: return 0.0;
    case 1: return isf ? FLT_MAX : DBL_MAX;
    case 2: return isf ? FLT_MIN : DBL_MIN;
    case 3: return isf ? FLT_TRUE_MIN : DBL_TRUE_MIN;
    case 4: return 1.0;
    default: break;
    }
    /* significand: p random bits, or a few */
    if (n_randint(st, 2)) {
        m = (double) (n_randlimb(st) >> (FLINT_BITS - p)) + ldexp(1.0, p);
        m = ldexp(m, -p);                        /* [1, 2) */
    } else {
        m = 1.0 + ldexp((double) n_randint(st, 256), -8);
    }
    if (n_randint(st, 3) == 0)
        e = emin + (int) n_randint(st, (ulong) (emax - emin + 1));
    else
        e = (int) n_randint(st, 61) - 30;
    v = ldexp(m, e);
    /* round to the format (binary32 subnormals lose bits) */
    v = isf ? (double) (float) v : v;
    if (!isfinite(v))
        v = isf ? FLT_MAX : DBL_MAX;
    return n_randint(st, 2) ? -v : v;
}

/* b related to a: a itself, -a, a scaled, a plus a few ulps. */
static double rand_partner(flint_rand_t st, double a, int isf)
{
    double b;
    switch (n_randint(st, 6)) {
    case 0: b = -a; break;
    case 1: b = ldexp(a, (int) n_randint(st, 80) - 40); break;
    case 2: {
        int k = (int) n_randint(st, 4);
        b = -a;
        while (k-- > 0)
            b = isf ? (double) nextafterf((float) b, INFINITY) : nextafter(b, INFINITY);
        break;
    }
    default: return rand_value(st, isf);
    }
    if (isf)
        b = (double) (float) b;
    return isfinite(b) ? b : a;
}

/* 0, or 2^-400 <= |v| <= 2^400 */
static int mid(double v)
{
    return v == 0 || (fabs(v) >= 0x1p-400 && fabs(v) <= 0x1p400);
}

START_TEST(interval_kernels_directed)
{
    /* Every directed operation of interval.h equals MPFR's directed
       rounding in the format, subnormals and overflow included; binary64
       products and quotients far out of range (out of the error-free
       transformations' range) are sound and within one ulp. */
    flint_rand_t st;
    slong iter;
    pd_test_randinit(st, 41);
    for (iter = 0; iter < 200000 * pd_test_mult; iter++) {
        int isf = (int) (iter & 1);
        double a = rand_value(st, isf), b = rand_partner(st, a, isf);
        double dn, up, rdn, rup;
        char op = "+*/r"[n_randint(st, 4)];
        if (op == '/' && b == 0)
            b = 1.0;
        if (op == 'r') {
            /* a double, not of the format, rounded to binary32 */
            double y = ldexp((double) (n_randlimb(st) >> 11), (int) n_randint(st, 400) - 240);
            if (n_randint(st, 2))
                y = -y;
            ck_assert(_pd_rd_f(y) == ref_op('r', y, 0, MPFR_RNDD, 1));
            ck_assert(_pd_ru_f(y) == ref_op('r', y, 0, MPFR_RNDU, 1));
            continue;
        }
        rdn = ref_op(op, a, b, MPFR_RNDD, isf);
        rup = ref_op(op, a, b, MPFR_RNDU, isf);
        if (isf) {
            dn = op == '+' ? _pd_add_dn_f(a, b) : op == '*' ? _pd_mul_dn_f(a, b)
               : _pd_div_dn_f(a, b);
            up = op == '+' ? _pd_add_up_f(a, b) : op == '*' ? _pd_mul_up_f(a, b)
               : _pd_div_up_f(a, b);
        } else {
            dn = op == '+' ? _pd_add_dn_d(a, b) : op == '*' ? _pd_mul_dn_d(a, b)
               : _pd_div_dn_d(a, b);
            up = op == '+' ? _pd_add_up_d(a, b) : op == '*' ? _pd_mul_up_d(a, b)
               : _pd_div_up_d(a, b);
        }
        ck_assert_msg(dn <= rdn && up >= rup,
                      "unsound: %a %c %a in %s: [%a, %a] vs [%a, %a]", a, op, b,
                      isf ? "binary32" : "binary64", dn, up, rdn, rup);
        if (isf || op == '+' || (mid(a) && mid(b) && mid(rdn) && mid(rup)))
            ck_assert_msg(dn == rdn && up == rup,
                          "not exact: %a %c %a in %s: [%a, %a] vs [%a, %a]", a, op, b,
                          isf ? "binary32" : "binary64", dn, up, rdn, rup);
        else
            ck_assert((dn == rdn || dn == _pd_next_dn_d(rdn))
                      && (up == rup || up == _pd_next_up_d(rup)));
    }
    /* the ends of the ranges, by hand */
    ck_assert(_pd_mul_dn_d(0x1p-600, 0x1p-600) == 0);
    ck_assert(_pd_mul_up_d(0x1p-600, 0x1p-600) == DBL_TRUE_MIN);
    ck_assert(_pd_mul_dn_d(-0x1p-600, 0x1p-600) == -DBL_TRUE_MIN);
    ck_assert(_pd_mul_up_d(-0x1p-600, 0x1p-600) == 0);
    ck_assert(_pd_mul_dn_d(0x1p600, 0x1p600) == DBL_MAX);
    ck_assert(_pd_mul_up_d(0x1p600, 0x1p600) == INFINITY);
    ck_assert(_pd_div_dn_d(1.0, 0x1p-1074) == DBL_MAX);
    ck_assert(_pd_div_up_d(-1.0, 0x1p-1074) == -DBL_MAX);
    ck_assert(_pd_add_dn_d(DBL_MAX, DBL_MAX) == DBL_MAX);
    ck_assert(_pd_add_up_d(-DBL_MAX, -DBL_MAX) == -DBL_MAX);
    ck_assert(_pd_add_dn_d(-INFINITY, 1.0) == -INFINITY);
    ck_assert(_pd_add_dn_f(FLT_MAX, FLT_MAX) == FLT_MAX);
    ck_assert(_pd_add_up_f(FLT_MAX, FLT_MAX) == INFINITY);
    ck_assert(_pd_add_dn_f(1.0, 0x1p-60) == 1.0);
    ck_assert(_pd_add_up_f(1.0, 0x1p-60) == 1.0 + 0x1p-23);
    ck_assert(_pd_add_dn_f(1.0, -0x1p-60) == 1.0 - 0x1p-24);
    ck_assert(_pd_add_dn_f(-FLT_TRUE_MIN, 0x1p-149) == 0);
    ck_assert(_pd_mul_dn_f(FLT_TRUE_MIN, 0.5) == 0);
    ck_assert(_pd_mul_up_f(FLT_TRUE_MIN, 0.5) == FLT_TRUE_MIN);
    ck_assert(_pd_mul_dn_f(-FLT_TRUE_MIN, 0.5) == -FLT_TRUE_MIN);
    ck_assert(_pd_div_dn_f(-FLT_TRUE_MIN, 3.0) == -FLT_TRUE_MIN);
    ck_assert(_pd_div_up_f(FLT_MAX, 0.5) == INFINITY);
    ck_assert(_pd_div_dn_f(FLT_MAX, 0.5) == FLT_MAX);
    ck_assert(_pd_rd_f(INFINITY) == INFINITY && _pd_ru_f(-INFINITY) == -INFINITY);
    ck_assert(_pd_next_dn_f(0) == -FLT_TRUE_MIN && _pd_next_up_f(FLT_MAX) == INFINITY);
    ck_assert(_pd_next_dn_d(-DBL_MAX) == -INFINITY && _pd_next_up_d(-0.0) == DBL_TRUE_MIN);
    flint_randclear(st);
}
END_TEST

/* The exact hull of { a b : a in x, b in y } rounded outward in the
   format (MPFR), for finite ends. */
static void ref_iv_mul(_pd_iv *r, _pd_iv x, _pd_iv y, int isf)
{
    double e[4] = { x.lo, x.hi, x.lo, x.hi }, f[4] = { y.lo, y.lo, y.hi, y.hi };
    int k;
    r->lo = INFINITY;
    r->hi = -INFINITY;
    for (k = 0; k < 4; k++) {
        r->lo = FLINT_MIN(r->lo, ref_op('*', e[k], f[k], MPFR_RNDD, isf));
        r->hi = FLINT_MAX(r->hi, ref_op('*', e[k], f[k], MPFR_RNDU, isf));
    }
}

START_TEST(interval_kernels_products)
{
    /* Interval products against the rounded hull of the endpoint
       products: equal in binary32, and in binary64 where the ends are in
       TwoProduct's range; everything when 0 meets inf. */
    flint_rand_t st;
    slong iter;
    pd_test_randinit(st, 42);
    for (iter = 0; iter < 50000 * pd_test_mult; iter++) {
        int isf = (int) (iter & 1);
        _pd_iv x, y, r, q;
        double t;
        x.lo = rand_value(st, isf);
        x.hi = n_randint(st, 4) ? rand_partner(st, x.lo, isf) : x.lo;
        y.lo = rand_value(st, isf);
        y.hi = n_randint(st, 4) ? rand_partner(st, y.lo, isf) : y.lo;
        if (x.lo > x.hi)
            t = x.lo, x.lo = x.hi, x.hi = t;
        if (y.lo > y.hi)
            t = y.lo, y.lo = y.hi, y.hi = t;
        if (isf)
            _pd_iv_mul_f(&r, x, y);
        else
            _pd_iv_mul_d(&r, x, y);
        ref_iv_mul(&q, x, y, isf);
        ck_assert_msg(r.lo <= q.lo && r.hi >= q.hi,
                      "[%a, %a] [%a, %a]: [%a, %a] vs [%a, %a]",
                      x.lo, x.hi, y.lo, y.hi, r.lo, r.hi, q.lo, q.hi);
        if (isf || (fabs(x.lo) >= 0x1p-400 && fabs(x.hi) >= 0x1p-400
                    && fabs(y.lo) >= 0x1p-400 && fabs(y.hi) >= 0x1p-400
                    && fabs(x.lo) <= 0x1p400 && fabs(x.hi) <= 0x1p400
                    && fabs(y.lo) <= 0x1p400 && fabs(y.hi) <= 0x1p400))
            ck_assert(r.lo == q.lo && r.hi == q.hi);
    }
    /* unbounded: 0 * inf is everything; otherwise infinite ends stay */
    {
        _pd_iv z = { 0, 0 }, u = { 1, INFINITY }, m = { -2, 3 }, r;
        _pd_iv_mul_f(&r, z, u);
        ck_assert(r.lo == -INFINITY && r.hi == INFINITY);
        _pd_iv_mul_d(&r, z, u);
        ck_assert(r.lo == -INFINITY && r.hi == INFINITY);
        _pd_iv_mul_d(&r, m, u);
        ck_assert(r.lo == -INFINITY && r.hi == INFINITY);
        _pd_iv_mul_d(&r, u, u);
        ck_assert(r.lo == 1 && r.hi == INFINITY);
    }
    flint_randclear(st);
}
END_TEST

/* ------------------------------------------------------------------ */
/* enclosures: containment, ties made and unmade by rounding           */

/* A random program for the enclosure tests: random_prog's operations,
   products by and sums with constants that are not dyadic (k/255, k/10,
   1/3), kinks of inputs at those constants (input i at kc[i] if kc is
   given), powers up to 7 (libm's pow from 4 on), negations, and longer
   chains. */
static const char *const rounding_consts[] = { "1/3", "-7/10", "200/255", "3",
                                               "1/10", "-1/255", "5/4", "2" };

static void random_prog_rounding(pd_prog_t P, flint_rand_t st, slong n,
                                 slong len, const char *const *kc)
{
    const char *const *consts = rounding_consts;
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
        const char *c = consts[n_randint(st, 8)];
        slong args[3], s;
        while (P->nodes[a].op == PD_OP_SORT)
            a--;
        while (P->nodes[b].op == PD_OP_SORT)
            b--;
        args[0] = a;
        args[1] = b;
        args[2] = (slong) n_randint(st, m);
        while (P->nodes[args[2]].op == PD_OP_SORT)
            args[2]--;
        switch (n_randint(st, 22)) {
        case 20: case 21: {
            /* an input against a constant (kc[i] for input i if given): a
               kink that rounding moves */
            slong i = (slong) n_randint(st, n);
            slong d = node2(P, PD_OP_SUB, i, konst(P, kc != NULL ? kc[i] : c));
            if (n_randint(st, 2))
                node1(P, n_randint(st, 2) ? PD_OP_RELU : PD_OP_ABS, d);
            else
                node2(P, n_randint(st, 2) ? PD_OP_MAX : PD_OP_MIN, d, a);
            break;
        }
        case 0: case 1: node2(P, PD_OP_ADD, a, b); break;
        case 2: node2(P, PD_OP_SUB, a, b); break;
        case 3: node2(P, PD_OP_MUL, a, b); break;
        case 4: case 5: node2(P, PD_OP_MUL, konst(P, c), a); break;
        case 6: node2(P, PD_OP_SUB, a, konst(P, c)); break;
        case 7: nodec(P, PD_OP_DIV, a, n_randint(st, 2) ? "10" : "-7/3", NULL, 0); break;
        case 8: nodec(P, PD_OP_POW, a, NULL, NULL, 2 + (slong) n_randint(st, 6)); break;
        case 9: node2(P, PD_OP_MAX, a, b); break;
        case 10: node2(P, PD_OP_MIN, a, b); break;
        case 11: case 12: node1(P, PD_OP_RELU, a); break;
        case 13: noden(P, n_randint(st, 2) ? PD_OP_MAX : PD_OP_MIN, 3, args); break;
        case 14: node1(P, PD_OP_ABS, a); break;
        case 15: nodec(P, PD_OP_LEAKY_RELU, a, "1/10", NULL, 0); break;
        case 16: nodec(P, PD_OP_CLAMP, a, "-1/3", "7/5", 0); break;
        case 17: node1(P, n_randint(st, 2) ? PD_OP_HARDTANH : PD_OP_RELU6, a); break;
        case 18: node1(P, PD_OP_NEG, a); break;
        default:
            s = noden(P, PD_OP_SORT, 3, args);
            ck_assert(pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL,
                                       (slong) n_randint(st, 3), 0, 0, NULL) >= 0);
            break;
        }
    }
    pd_prog_set_output(P, node2(P, PD_OP_ADD, P->len - 1,
                                (slong) n_randint(st, n)));
}

/* x rounded to the format (a value of it), moved by steps ulps of the
   format (the sign says the way). */
static void format_point(fmpq_t q, int isf, slong steps)
{
    double d;
    float f;
    if (isf) {
        pd_fmpq_get_f_rnd(&f, q);
        for (; steps > 0; steps--)
            f = nextafterf(f, INFINITY);
        for (; steps < 0; steps++)
            f = nextafterf(f, -INFINITY);
        d = f;
    } else {
        pd_fmpq_get_d_rnd(&d, q);
        for (; steps > 0; steps--)
            d = nextafter(d, INFINITY);
        for (; steps < 0; steps++)
            d = nextafter(d, -INFINITY);
    }
    pd_fmpq_set_d_exact(q, d);
}

static int in_list(const slong *v, slong n, slong x)
{
    slong k;
    for (k = 0; k < n; k++)
        if (v[k] == x)
            return 1;
    return 0;
}

/* mpfr lo <= q <= hi */
static int iv_contains(mpfr_srcptr lo, mpfr_srcptr hi, const fmpq_t q)
{
    mpq_t m;
    int ok;
    mpq_init(m);
    fmpq_get_mpq(m, q);
    ok = mpfr_cmp_q(lo, m) <= 0 && mpfr_cmp_q(hi, m) >= 0;
    mpq_clear(m);
    return ok;
}

START_TEST(enclosure_contains_near_ties)
{
    /* MATH.md 10, at kinks and near them: on random programs with
       constants the formats round, at points of the format that sit on
       kinks (short dyadics, equal coordinates), a few ulps off them, or
       anywhere, the binary32 and binary64 enclosures of every convention
       contain both the convention's exact gradient and the gradient of
       pathdiff's own float / double AD; every node tied exactly or in the
       format's evaluation is flagged.  Both formats in turn on one tape,
       as verify may. */
    flint_rand_t st;
    slong iter, n, k, flagged = 0, near = 0, moved = 0;
    const char *convs[] = { "pytorch", "jax", "tensorflow", "max=both,relu0=1/3",
                            "max=last,sort=reverse,clamp=1/2,abs0=-1/7,leaky0=1/2" };
    pd_test_randinit(st, 43);
    for (iter = 0; iter < 600 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_conv_t C;
        pd_tape_t T;
        pd_error_t err;
        fmpq *x;
        const char *kc[3];
        slong mode = (slong) n_randint(st, 3), fmt;
        n = 1 + (slong) n_randint(st, 3);
        pd_prog_init(P);
        pd_error_init(err);
        pd_conv_init(C);
        x = _fmpq_vec_init(n);
        for (k = 0; k < n; k++)
            kc[k] = rounding_consts[n_randint(st, 8)];
        random_prog_rounding(P, st, n, 2 + (slong) n_randint(st, 20),
                             mode == 1 ? kc : NULL);
        ck_assert_int_eq(pd_conv_parse(C, convs[iter % 5], err), PD_OK);
        ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
        if (mode == 2) {
            for (k = 0; k < n; k++)
                fmpq_set_si(x + k, (slong) n_randint(st, 1u << 20) - (1 << 19),
                            UWORD(1) << 18);
        } else if (mode == 1) {
            /* at the constants of the kinks, which rounding moves */
            for (k = 0; k < n; k++)
                pd_test_fmpq_set_str(x + k, kc[k]);
        } else {
            random_point(x, st, n, 0, 1);
            if (n > 1 && n_randint(st, 2))
                fmpq_set(x + 1, x + 0);
        }
        for (fmt = 0; fmt < 2; fmt++) {
            int isf = (fmt == 0);
            pd_arith_t A;
            pd_ad_result_t Rf, Rq;
            mpfr_ptr lo, hi;
            fmpq *y = _fmpq_vec_init(n);
            for (k = 0; k < n; k++) {
                fmpq_set(y + k, x + k);
                /* mode 1: near the kink, a few ulps of the format away */
                format_point(y + k, isf, mode == 1 && n_randint(st, 2)
                                         ? (slong) n_randint(st, 7) - 3 : 0);
            }
            pd_ad_result_init(Rf, n);
            pd_ad_result_init(Rq, n);
            lo = flint_malloc(n * sizeof(__mpfr_struct));
            hi = flint_malloc(n * sizeof(__mpfr_struct));
            for (k = 0; k < n; k++) {
                mpfr_init2(lo + k, 2);
                mpfr_init2(hi + k, 2);
            }
            pd_arith_set(A, PD_ARITH_EXACT, 0);
            ck_assert_int_eq(pd_ad_run(Rq, T, A, y, NULL, err), PD_OK);
            pd_arith_set(A, isf ? PD_ARITH_FLOAT : PD_ARITH_DOUBLE, 0);
            ck_assert_int_eq(pd_ad_run(Rf, T, A, y, NULL, err), PD_OK);
            ck_assert_int_eq(pd_ad_grad_enclose(lo, hi, T, A->kind, y, err), PD_OK);
            flagged += (T->ntied > 0);
            near += (T->ntied > Rq->ntied);
            moved += (Rf->ntied != Rq->ntied);
            for (k = 0; k < Rq->ntied; k++)
                ck_assert(in_list(T->tied, T->ntied, Rq->tied[k]));
            for (k = 0; k < Rf->ntied; k++)
                ck_assert(in_list(T->tied, T->ntied, Rf->tied[k]));
            for (k = 0; k < n; k++) {
                ck_assert_int_eq(mpfr_get_prec(lo + k), isf ? 24 : 53);
                ck_assert(mpfr_lessequal_p(lo + k, hi + k));
                if (!iv_contains(lo + k, hi + k, Rq->grad + k)
                    || (Rf->finite && !iv_contains(lo + k, hi + k, Rf->grad + k))) {
                    char *s = pd_prog_get_str(P);
                    ck_abort_msg("%s: exact or %s gradient %ld outside the enclosure "
                                 "(%s, seed %lu, iteration %ld):\n%s", convs[iter % 5],
                                 isf ? "float" : "double", (long) k,
                                 iv_contains(lo + k, hi + k, Rq->grad + k) ? "float" : "exact",
                                 (unsigned long) pd_test_seed, (long) iter, s);
                }
            }
            for (k = 0; k < n; k++) {
                mpfr_clear(lo + k);
                mpfr_clear(hi + k);
            }
            flint_free(lo);
            flint_free(hi);
            pd_ad_result_clear(Rf);
            pd_ad_result_clear(Rq);
            _fmpq_vec_clear(y, n);
        }
        pd_tape_clear(T);
        _fmpq_vec_clear(x, n);
        pd_conv_clear(C);
        pd_prog_clear(P);
    }
    /* the points did sit on and near kinks */
    /* the points did sit on kinks (flagged), near them (flagged though
       not tied exactly), and rounding did move ties (the float's tied
       set differs from the exact one) */
    ck_assert_msg(flagged > 300 * pd_test_mult && near > 30 * pd_test_mult
                  && moved > 30 * pd_test_mult, "flagged %ld, near %ld, moved %ld",
                  (long) flagged, (long) near, (long) moved);
    flint_randclear(st);
}
END_TEST

/* The enclosure of the derivative of the one-input program P at x (a
   value of the format) in [*lo, *hi]; the number of flagged nodes. */
static slong enclose1(double *lo, double *hi, pd_tape_t T, int isf, double x)
{
    pd_error_t err;
    mpfr_t l, h;
    fmpq_t q;
    pd_error_init(err);
    fmpq_init(q);
    mpfr_init2(l, 53);
    mpfr_init2(h, 53);
    pd_fmpq_set_d_exact(q, x);
    ck_assert_int_eq(pd_ad_grad_enclose(l, h, T, isf ? PD_ARITH_FLOAT : PD_ARITH_DOUBLE,
                                        q, err), PD_OK);
    *lo = mpfr_get_d(l, MPFR_RNDN);
    *hi = mpfr_get_d(h, MPFR_RNDN);
    mpfr_clear(l);
    mpfr_clear(h);
    fmpq_clear(q);
    return T->ntied;
}

START_TEST(enclosure_rounding_makes_and_unmakes_ties)
{
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    double lo, hi, gd, vd;
    float gf, vf, xf = 0.1f;
    slong x, t;
    fmpq_t q, g, v;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    fmpq_init(q);
    fmpq_init(g);
    fmpq_init(v);

    /* relu(x - 1/10) at x = float32(0.1): exactly x > 1/10, untied, the
       derivative 1; float32 rounds the constant to x itself and sees a
       tie (pytorch: 0).  The float32 enclosure holds both and no more,
       [0, 1], the relu flagged.  In float64 the constant rounds elsewhere:
       untied, the point {1}. */
    x = in(P, "x");
    pd_prog_set_output(P, node1(P, PD_OP_RELU, node2(P, PD_OP_SUB, x, konst(P, "1/10"))));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    pd_fmpq_set_d_exact(q, xf);
    ck_assert_int_eq(pd_ad_grad_fmpq(v, g, T, q, err), PD_OK);
    ck_assert(fmpq_is_one(g) && T->ntied == 0);
    ck_assert_int_eq(pd_ad_grad_f(&vf, &gf, T, &xf, err), PD_OK);
    ck_assert(gf == 0.0f && T->ntied == 1);
    ck_assert_int_eq(enclose1(&lo, &hi, T, 1, xf), 1);
    ck_assert(lo == 0 && hi == 1);
    vd = xf;
    ck_assert_int_eq(pd_ad_grad_d(&vd, &gd, T, &vd, err), PD_OK);
    ck_assert(gd == 1.0 && T->ntied == 0);
    ck_assert_int_eq(enclose1(&lo, &hi, T, 0, xf), 0);
    ck_assert(lo == 1 && hi == 1);
    pd_tape_clear(T);
    pd_prog_clear(P);

    /* relu(x (1/10) 3 - 3/10) at x = 1: exactly tied (pytorch: 0).  In
       float64, 0.1 * 3 rounds above the rounding of 0.3: the relu is
       untied and the derivative 3 * 0.1 = 0.30000000000000004.  In
       float32 the roundings meet and the tie stays.  Each enclosure flags
       the relu and holds 0 and its format's derivative. */
    pd_prog_init(P);
    x = in(P, "x");
    t = node2(P, PD_OP_MUL, x, konst(P, "1/10"));
    t = node2(P, PD_OP_MUL, t, konst(P, "3"));
    pd_prog_set_output(P, node1(P, PD_OP_RELU, node2(P, PD_OP_SUB, t, konst(P, "3/10"))));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    fmpq_one(q);
    ck_assert_int_eq(pd_ad_grad_fmpq(v, g, T, q, err), PD_OK);
    ck_assert(fmpq_is_zero(g) && T->ntied == 1);
    vd = 1.0;
    ck_assert_int_eq(pd_ad_grad_d(&vd, &gd, T, &vd, err), PD_OK);
    ck_assert(gd == 3 * 0.1 && gd > 0.3 && T->ntied == 0);
    ck_assert_int_eq(enclose1(&lo, &hi, T, 0, 1.0), 1);
    ck_assert(lo == 0 && hi >= gd && hi < 0.31);
    xf = 1.0f;
    ck_assert_int_eq(pd_ad_grad_f(&vf, &gf, T, &xf, err), PD_OK);
    ck_assert(gf == 0.0f && T->ntied == 1);
    ck_assert_int_eq(enclose1(&lo, &hi, T, 1, 1.0), 1);
    ck_assert(lo == 0 && hi >= 0.3f && hi < 0.31);
    pd_tape_clear(T);
    pd_prog_clear(P);

    /* relu(x - 1) at the float32 just above 1: untied in every
       arithmetic, nothing flagged, the enclosure the point {1} (the
       cheap filter of MATH.md 10) */
    pd_prog_init(P);
    x = in(P, "x");
    pd_prog_set_output(P, node1(P, PD_OP_RELU, node2(P, PD_OP_SUB, x, konst(P, "1"))));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    ck_assert_int_eq(enclose1(&lo, &hi, T, 1, 1.0 + 0x1p-23), 0);
    ck_assert(lo == 1 && hi == 1);
    /* at 1 itself, a sure tie: the rule alone */
    ck_assert_int_eq(enclose1(&lo, &hi, T, 1, 1.0), 1);
    ck_assert(lo == 0 && hi == 0);
    pd_tape_clear(T);
    pd_prog_clear(P);

    fmpq_clear(q);
    fmpq_clear(g);
    fmpq_clear(v);
    pd_conv_clear(C);
}
END_TEST

START_TEST(enclosure_fp_environment)
{
    /* The enclosure runs in round to nearest whatever the caller's mode,
       gives the caller's mode back, and its bounds do not change with it:
       here x / 10 * 3 + x^5 at x = 0.1, whose bounds are all inexact. */
    pd_prog_t P;
    pd_conv_t C;
    pd_tape_t T;
    pd_error_t err;
    double lo, hi, lo2, hi2;
    slong x, t;
    int isf;
    pd_prog_init(P);
    pd_conv_init(C);
    pd_error_init(err);
    x = in(P, "x");
    t = node2(P, PD_OP_MUL, nodec(P, PD_OP_DIV, x, "10", NULL, 0), konst(P, "3"));
    pd_prog_set_output(P, node2(P, PD_OP_ADD, t, nodec(P, PD_OP_POW, x, NULL, NULL, 5)));
    ck_assert_int_eq(pd_tape_init(T, P, C, err), PD_OK);
    for (isf = 0; isf < 2; isf++) {
        double xv = isf ? (double) 0.1f : 0.1;
        enclose1(&lo, &hi, T, isf, xv);
        ck_assert(lo < hi && lo > 0.3 && hi < 0.31);
#ifdef FE_UPWARD
        ck_assert_int_eq(fesetround(FE_UPWARD), 0);
        enclose1(&lo2, &hi2, T, isf, xv);
        ck_assert_int_eq(fegetround(), FE_UPWARD);
        ck_assert_int_eq(fesetround(FE_TONEAREST), 0);
        ck_assert(lo2 == lo && hi2 == hi);
#endif
#ifdef FE_DOWNWARD
        ck_assert_int_eq(fesetround(FE_DOWNWARD), 0);
        enclose1(&lo2, &hi2, T, isf, xv);
        ck_assert_int_eq(fegetround(), FE_DOWNWARD);
        ck_assert_int_eq(fesetround(FE_TONEAREST), 0);
        ck_assert(lo2 == lo && hi2 == hi);
#endif
    }
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
    tcase_add_test(tc, enclosure_contains_near_ties);
    tcase_add_test(tc, enclosure_rounding_makes_and_unmakes_ties);
    tcase_add_test(tc, enclosure_fp_environment);
    suite_add_tcase(s, tc);
    tc = tcase_create("interval_kernels");
    tcase_add_test(tc, interval_kernels_directed);
    tcase_add_test(tc, interval_kernels_products);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    pd_test_init();
    return pd_test_run(ad_suite());
}
