/* check_exact.c: exact values, tied nodes, active choices, piece gradients,
   pieces and guards (MATH.md 2), on hand-derived cases and random programs. */
#include "testlib.h"
#include "pathdiff/exact.h"
#include <string.h>

/* ---- building programs without the parser ---------------------------- */

static slong in(pd_prog_t P, const char *name)
{
    slong i = pd_prog_add_input(P, name, 0, 0, NULL);
    ck_assert_int_ge(i, 0);
    return i;
}

static slong opn(pd_prog_t P, pd_op_t op, slong n, const slong *a)
{
    slong i = pd_prog_add_node(P, op, n, a, NULL, NULL, 0, 0, 0, NULL);
    ck_assert_int_ge(i, 0);
    return i;
}

static slong op1(pd_prog_t P, pd_op_t op, slong a)
{
    return opn(P, op, 1, &a);
}

static slong op2(pd_prog_t P, pd_op_t op, slong a, slong b)
{
    slong v[2];
    v[0] = a;
    v[1] = b;
    return opn(P, op, 2, v);
}

static slong op3(pd_prog_t P, pd_op_t op, slong a, slong b, slong c)
{
    slong v[3];
    v[0] = a;
    v[1] = b;
    v[2] = c;
    return opn(P, op, 3, v);
}

static slong cst(pd_prog_t P, const char *c)
{
    fmpq_t q;
    slong i;
    fmpq_init(q);
    pd_test_fmpq_set_str(q, c);
    i = pd_prog_add_const(P, q, 0, 0, NULL);
    fmpq_clear(q);
    ck_assert_int_ge(i, 0);
    return i;
}

/* DIV, LEAKY_RELU: one constant. */
static slong opc(pd_prog_t P, pd_op_t op, slong a, const char *c)
{
    fmpq_t q;
    slong i;
    fmpq_init(q);
    pd_test_fmpq_set_str(q, c);
    i = pd_prog_add_node(P, op, 1, &a, q, NULL, 0, 0, 0, NULL);
    fmpq_clear(q);
    ck_assert_int_ge(i, 0);
    return i;
}

static slong clampn(pd_prog_t P, slong a, const char *lo, const char *hi)
{
    fmpq_t l, h;
    slong i;
    fmpq_init(l);
    fmpq_init(h);
    pd_test_fmpq_set_str(l, lo);
    pd_test_fmpq_set_str(h, hi);
    i = pd_prog_add_node(P, PD_OP_CLAMP, 1, &a, l, h, 0, 0, 0, NULL);
    fmpq_clear(l);
    fmpq_clear(h);
    ck_assert_int_ge(i, 0);
    return i;
}

static slong powe(pd_prog_t P, slong a, slong e)
{
    slong i = pd_prog_add_node(P, PD_OP_POW, 1, &a, NULL, NULL, e, 0, 0, NULL);
    ck_assert_int_ge(i, 0);
    return i;
}

static slong sorted(pd_prog_t P, slong s, slong k)
{
    slong i = pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL, k, 0, 0, NULL);
    ck_assert_int_ge(i, 0);
    return i;
}

static void setpt(fmpq *x, slong n, const char **s)
{
    slong i;
    for (i = 0; i < n; i++)
        pd_test_fmpq_set_str(x + i, s[i]);
}

static void assert_q(const fmpq_t q, const char *s)
{
    fmpq_t e;
    fmpq_init(e);
    pd_test_fmpq_set_str(e, s);
    pd_assert_fmpq_eq(q, e);
    fmpq_clear(e);
}

static void assert_vec(const fmpq *v, slong n, const char **s)
{
    slong i;
    for (i = 0; i < n; i++)
        assert_q(v + i, s[i]);
}

/* p == the polynomial written s (trusted literal) in P's input names. */
static void assert_poly(const fmpq_mpoly_t p, const char *s, const pd_prog_t P,
                        const fmpq_mpoly_ctx_t ctx)
{
    fmpq_mpoly_t e;
    fmpq_mpoly_init(e, ctx);
    ck_assert_int_eq(fmpq_mpoly_set_str_pretty(e, s, (const char **) P->input_names,
                                               ctx), 0);
    if (!fmpq_mpoly_equal(p, e, ctx)) {
        char *a = fmpq_mpoly_get_str_pretty(p, (const char **) P->input_names, ctx);
        ck_abort_msg("polynomial %s, expected %s", a, s);
    }
    fmpq_mpoly_clear(e, ctx);
}

/* f(x,y) = relu(x - 2*y)*x + max(x^2, y): nodes and slots fixed below. */
static void build_f(pd_prog_t P, slong *relu, slong *mx)
{
    slong x = in(P, "x"), y = in(P, "y");
    slong two = cst(P, "2");
    slong m = op2(P, PD_OP_MUL, two, y);
    slong s = op2(P, PD_OP_SUB, x, m);
    slong r = op1(P, PD_OP_RELU, s);
    slong p = op2(P, PD_OP_MUL, r, x);
    slong q = powe(P, x, 2);
    slong M = op2(P, PD_OP_MAX, q, y);
    pd_prog_set_output(P, op2(P, PD_OP_ADD, p, M));
    *relu = r;
    *mx = M;
}

/* ---- evaluation ------------------------------------------------------- */

START_TEST(eval_relu_identity)
{
    /* relu(x) - relu(-x) = x: at 0 both relus tied; at 3/2 neither. */
    pd_prog_t P;
    pd_eval_t ev;
    pd_error_t err;
    fmpq x[1];
    slong v, r1, r2;
    pd_prog_init(P);
    pd_error_init(err);
    v = in(P, "x");
    r1 = op1(P, PD_OP_RELU, v);
    r2 = op1(P, PD_OP_RELU, op1(P, PD_OP_NEG, v));
    pd_prog_set_output(P, op2(P, PD_OP_SUB, r1, r2));
    pd_eval_init(ev, P);
    fmpq_init(x);

    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    assert_q(pd_eval_output(ev), "0");
    ck_assert_int_eq(ev->ntied, 2);
    ck_assert(pd_eval_is_tied(ev, r1) && pd_eval_is_tied(ev, r2));
    ck_assert(!pd_eval_is_tied(ev, v));
    ck_assert_int_eq(ev->pattern[0], 0);   /* lowest active branch */
    ck_assert_int_eq(ev->pattern[1], 0);
    ck_assert(pd_eval_branch_is_active(ev, r1, 0));
    ck_assert(pd_eval_branch_is_active(ev, r1, 1));
    ck_assert(!pd_eval_branch_is_active(ev, r1, 2));
    ck_assert_int_eq(pd_eval_choice_count(ev, r1), 2);

    fmpq_set_si(x, 3, 2);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    assert_q(pd_eval_output(ev), "3/2");
    ck_assert_int_eq(ev->ntied, 0);
    ck_assert_int_eq(ev->pattern[0], 1);
    ck_assert_int_eq(ev->pattern[1], 0);
    ck_assert(!pd_eval_branch_is_active(ev, r1, 0));
    ck_assert(pd_eval_branch_is_active(ev, r2, 0));
    assert_q(ev->val + r2, "0");
    ck_assert_int_eq(pd_eval_choice_count(ev, r1), 1);

    fmpq_clear(x);
    pd_eval_clear(ev);
    pd_prog_clear(P);
}
END_TEST

START_TEST(eval_max_min)
{
    pd_prog_t P, Q;
    pd_eval_t ev, eq;
    pd_error_t err;
    fmpq x[3];
    slong M, m, b[3], c[1], n, i;
    const char *p11[] = {"1", "1"}, *p12[] = {"1", "2"}, *p100[] = {"1", "0", "0"};

    pd_prog_init(P);
    pd_error_init(err);
    for (i = 0; i < 3; i++)
        fmpq_init(x + i);
    n = in(P, "x");          /* inputs first, in order (C leaves the order */
    i = in(P, "y");          /* of evaluation of arguments unspecified)    */
    M = op2(P, PD_OP_MAX, n, i);
    pd_prog_set_output(P, M);
    pd_eval_init(ev, P);
    setpt(x, 2, p11);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    assert_q(pd_eval_output(ev), "1");
    ck_assert(pd_eval_is_tied(ev, M));
    n = pd_eval_active_branches(b, ev, M);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(b[0], 0);
    ck_assert_int_eq(b[1], 1);
    pd_eval_choice_first(c, ev, M);
    ck_assert_int_eq(c[0], 0);
    ck_assert(pd_eval_choice_next(c, ev, M));
    ck_assert_int_eq(c[0], 1);
    ck_assert(!pd_eval_choice_next(c, ev, M));
    ck_assert_int_eq(c[0], 1);
    setpt(x, 2, p12);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    assert_q(pd_eval_output(ev), "2");
    ck_assert(!pd_eval_is_tied(ev, M));
    ck_assert_int_eq(ev->pattern[0], 1);
    ck_assert_int_eq(pd_eval_active_branches(b, ev, M), 1);
    ck_assert_int_eq(b[0], 1);

    /* min(x, y, z) at (1, 0, 0): value 0, branches 1 and 2 active. */
    pd_prog_init(Q);
    n = in(Q, "x");
    i = in(Q, "y");
    m = op3(Q, PD_OP_MIN, n, i, in(Q, "z"));
    pd_prog_set_output(Q, m);
    pd_eval_init(eq, Q);
    setpt(x, 3, p100);
    ck_assert_int_eq(pd_eval_fmpq(eq, Q, x, err), PD_OK);
    assert_q(pd_eval_output(eq), "0");
    ck_assert(pd_eval_is_tied(eq, m));
    ck_assert_int_eq(eq->pattern[0], 1);
    ck_assert(!pd_eval_branch_is_active(eq, m, 0));
    ck_assert(pd_eval_branch_is_active(eq, m, 2));
    ck_assert_int_eq(pd_eval_choice_count(eq, m), 2);
    /* smooth nodes and SORT-only queries answer 0 */
    ck_assert_int_eq(pd_eval_active_branches(b, eq, 0), 0);
    ck_assert(!pd_eval_branch_is_active(eq, 0, 0));

    for (i = 0; i < 3; i++)
        fmpq_clear(x + i);
    pd_eval_clear(ev);
    pd_eval_clear(eq);
    pd_prog_clear(P);
    pd_prog_clear(Q);
}
END_TEST

/* Evaluate the one-input program P at s, check value, tie and canonical
   branch of node i. */
static void check1(pd_eval_t ev, pd_prog_t P, slong i, const char *s,
                   const char *val, int tied, slong canon, slong nactive)
{
    pd_error_t err;
    fmpq x[1];
    pd_error_init(err);
    fmpq_init(x);
    pd_test_fmpq_set_str(x, s);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    assert_q(ev->val + i, val);
    ck_assert_int_eq(pd_eval_is_tied(ev, i), tied);
    ck_assert_int_eq(ev->pattern[P->nodes[i].slot], canon);
    ck_assert_int_eq(pd_eval_choice_count(ev, i), nactive);
    fmpq_clear(x);
}

START_TEST(eval_clamp_leaky)
{
    pd_prog_t P;
    pd_eval_t ev;
    slong x, c, h, r6, c1, lk, ab, b[3];
    pd_prog_init(P);
    x = in(P, "x");
    c = clampn(P, x, "-1", "2");
    h = op1(P, PD_OP_HARDTANH, x);
    r6 = op1(P, PD_OP_RELU6, x);
    c1 = clampn(P, x, "1", "1");
    lk = opc(P, PD_OP_LEAKY_RELU, x, "1/10");
    ab = op1(P, PD_OP_ABS, x);
    pd_prog_set_output(P, c);
    pd_eval_init(ev, P);

    check1(ev, P, c, "-1", "-1", 1, 0, 2);
    ck_assert_int_eq(pd_eval_active_branches(b, ev, c), 2);
    ck_assert_int_eq(b[1], 1);
    check1(ev, P, c, "2", "2", 1, 1, 2);
    ck_assert(pd_eval_branch_is_active(ev, c, 2));
    ck_assert(!pd_eval_branch_is_active(ev, c, 0));
    check1(ev, P, c, "0", "0", 0, 1, 1);
    check1(ev, P, c, "5", "2", 0, 2, 1);
    check1(ev, P, c, "-3", "-1", 0, 0, 1);
    check1(ev, P, h, "1", "1", 1, 1, 2);
    check1(ev, P, h, "-7/2", "-1", 0, 0, 1);
    check1(ev, P, r6, "6", "6", 1, 1, 2);
    check1(ev, P, r6, "7", "6", 0, 2, 1);
    check1(ev, P, r6, "0", "0", 1, 0, 2);
    /* clamp(x, 1, 1) at 1: all three branches active */
    check1(ev, P, c1, "1", "1", 1, 0, 3);
    check1(ev, P, c1, "0", "1", 0, 0, 1);
    check1(ev, P, c1, "3", "1", 0, 2, 1);
    /* leaky_relu(x, 1/10) */
    check1(ev, P, lk, "-2", "-1/5", 0, 0, 1);
    check1(ev, P, lk, "0", "0", 1, 0, 2);
    check1(ev, P, lk, "3", "3", 0, 1, 1);
    check1(ev, P, ab, "-3", "3", 0, 0, 1);
    check1(ev, P, ab, "0", "0", 1, 0, 2);
    pd_eval_clear(ev);
    pd_prog_clear(P);
}
END_TEST

/* sort(x, y, z) with f = s1 + 2 s2 + 3 s3. */
static slong build_sort(pd_prog_t P)
{
    slong x = in(P, "x"), y = in(P, "y"), z = in(P, "z");
    slong S = op3(P, PD_OP_SORT, x, y, z);
    slong s0 = sorted(P, S, 0), s1 = sorted(P, S, 1), s2 = sorted(P, S, 2);
    slong t1 = op2(P, PD_OP_MUL, cst(P, "2"), s1);
    slong t2 = op2(P, PD_OP_MUL, cst(P, "3"), s2);
    pd_prog_set_output(P, op2(P, PD_OP_ADD, op2(P, PD_OP_ADD, s0, t1), t2));
    return S;
}

START_TEST(eval_sort)
{
    pd_prog_t P;
    pd_eval_t ev;
    pd_error_t err;
    fmpq x[3];
    slong S, c[3], i, k;
    const char *p212[] = {"2", "1", "2"}, *p000[] = {"0", "0", "0"};
    const char *p312[] = {"3", "1", "2"};
    static const slong all[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                    {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    pd_prog_init(P);
    pd_error_init(err);
    for (i = 0; i < 3; i++)
        fmpq_init(x + i);
    S = build_sort(P);
    pd_eval_init(ev, P);

    /* (2, 1, 2): sorted (1, 2, 2), f = 1 + 4 + 6 = 11; stable perm (1,0,2) */
    setpt(x, 3, p212);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    assert_q(pd_eval_output(ev), "11");
    assert_q(ev->val + S + 1, "1");
    assert_q(ev->val + S + 2, "2");
    assert_q(ev->val + S + 3, "2");
    ck_assert(pd_eval_is_tied(ev, S));
    ck_assert_int_eq(ev->ntied, 1);
    ck_assert_int_eq(ev->pattern[0], 1);
    ck_assert_int_eq(ev->pattern[1], 0);
    ck_assert_int_eq(ev->pattern[2], 2);
    ck_assert_int_eq(pd_eval_choice_count(ev, S), 2);
    pd_eval_choice_first(c, ev, S);
    ck_assert(c[0] == 1 && c[1] == 0 && c[2] == 2);
    ck_assert(pd_eval_choice_next(c, ev, S));
    ck_assert(c[0] == 1 && c[1] == 2 && c[2] == 0);
    ck_assert(!pd_eval_choice_next(c, ev, S));
    ck_assert(pd_eval_perm_is_active(ev, S, c));
    c[0] = 0; c[1] = 1; c[2] = 2;
    ck_assert(!pd_eval_perm_is_active(ev, S, c));
    c[0] = 1; c[1] = 1; c[2] = 2;          /* not a permutation */
    ck_assert(!pd_eval_perm_is_active(ev, S, c));
    ck_assert(!pd_eval_choice_is_active(ev, S, c));

    /* triple tie: all 6 permutations, in lexicographic order */
    setpt(x, 3, p000);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    ck_assert_int_eq(pd_eval_choice_count(ev, S), 6);
    pd_eval_choice_first(c, ev, S);
    for (k = 0; k < 6; k++) {
        ck_assert(c[0] == all[k][0] && c[1] == all[k][1] && c[2] == all[k][2]);
        ck_assert(pd_eval_choice_is_active(ev, S, c));
        ck_assert_int_eq(pd_eval_choice_next(c, ev, S), k < 5);
    }

    /* (3, 1, 2): untied, perm (1, 2, 0) */
    setpt(x, 3, p312);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    assert_q(pd_eval_output(ev), "14");     /* 1 + 2*2 + 3*3 */
    ck_assert(!pd_eval_is_tied(ev, S));
    ck_assert_int_eq(pd_eval_choice_count(ev, S), 1);
    pd_eval_choice_first(c, ev, S);
    ck_assert(c[0] == 1 && c[1] == 2 && c[2] == 0);
    ck_assert(!pd_eval_choice_next(c, ev, S));

    for (i = 0; i < 3; i++)
        fmpq_clear(x + i);
    pd_eval_clear(ev);
    pd_prog_clear(P);
}
END_TEST

START_TEST(eval_errors)
{
    pd_prog_t P, Q;
    pd_eval_t ev;
    pd_error_t err;
    fmpq x[1];
    slong v;
    pd_prog_init(P);
    pd_prog_init(Q);
    pd_error_init(err);
    fmpq_init(x);
    v = in(P, "x");
    op1(P, PD_OP_RELU, v);
    pd_eval_init(ev, P);
    /* no output */
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_EINVAL);
    ck_assert_int_eq(err->code, PD_EINVAL);
    ck_assert(!ev->valid);
    /* another program */
    pd_prog_set_output(P, 1);
    in(Q, "x");
    pd_prog_set_output(Q, 0);
    pd_error_reset(err);
    ck_assert_int_eq(pd_eval_fmpq(ev, Q, x, err), PD_EINVAL);
    pd_error_reset(err);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    ck_assert(ev->valid);
    pd_eval_clear(ev);
    /* a huge exact power: 3^(10^8) */
    powe(P, v, 100000000);
    pd_prog_set_output(P, 2);
    pd_eval_init(ev, P);
    fmpq_set_si(x, 3, 1);
    pd_error_reset(err);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_ELIMIT);
    ck_assert(!ev->valid);
    fmpq_clear(x);
    pd_eval_clear(ev);
    pd_prog_clear(P);
    pd_prog_clear(Q);
}
END_TEST

/* ---- piece gradients -------------------------------------------------- */

static void check_grad(const pd_prog_t P, const slong *pat, const char **pt,
                       const char *val, const char **grad)
{
    pd_error_t err;
    fmpq x[3], g[3];
    fmpq_t v;
    slong i, n = P->ninputs;
    pd_error_init(err);
    fmpq_init(v);
    for (i = 0; i < 3; i++) {
        fmpq_init(x + i);
        fmpq_init(g + i);
    }
    setpt(x, n, pt);
    ck_assert_int_eq(pd_piece_grad_fmpq(g, v, P, pat, x, err), PD_OK);
    assert_q(v, val);
    assert_vec(g, n, grad);
    fmpq_clear(v);
    for (i = 0; i < 3; i++) {
        fmpq_clear(x + i);
        fmpq_clear(g + i);
    }
}

START_TEST(grad_hand)
{
    /* f = relu(x - 2y) x + max(x^2, y) at (1, 1/2) (values by hand):
       (relu 1, max 0): (x-2y)x + x^2, grad (2x-2y+2x, -2x) = (3, -2), value 1
       (0, 0): x^2, (2, 0), 1;  (1, 1): (x-2y)x + y, (1, -1), 1/2;
       (0, 1): y, (0, 1), 1/2. */
    pd_prog_t P;
    slong r, M;
    slong p10[2] = {1, 0}, p00[2] = {0, 0}, p11[2] = {1, 1}, p01[2] = {0, 1};
    const char *pt[] = {"1", "1/2"};
    const char *g10[] = {"3", "-2"}, *g00[] = {"2", "0"}, *g11[] = {"1", "-1"},
               *g01[] = {"0", "1"};
    pd_prog_init(P);
    build_f(P, &r, &M);
    ck_assert_int_eq(P->nodes[r].slot, 0);
    ck_assert_int_eq(P->nodes[M].slot, 1);
    check_grad(P, p10, pt, "1", g10);
    check_grad(P, p00, pt, "1", g00);
    check_grad(P, p11, pt, "1/2", g11);
    check_grad(P, p01, pt, "1/2", g01);
    pd_prog_clear(P);
}
END_TEST

START_TEST(grad_ops)
{
    /* g = (x/3)^3 - abs(y) * leaky(x, 1/4) + clamp(x*y, 0, 1):
       at (-3, 2), branches abs 1, leaky 0, clamp 0 (x*y = -6):
       value -1 - 2*(-3/4) + 0 = 1/2;
       d/dx = x^2/9 - y/4 = 1 - 1/2 = 1/2; d/dy = -x/4 = 3/4.
       With clamp branch 1 (not active): + x*y: value 1/2 - 6 = -11/2,
       grad + (y, x) = (5/2, -9/4).  abs branch 0, leaky 1, clamp 2:
       value -1 + |..| ... = -1 - (-2)(-3) + 1 = -6, grad (1 + y, x) =
       (1 + 2, -3)... computed: -(-y)*x = x*y: d/dx = y = 2 so
       grad (1 + 2, -3) = (3, -3). */
    pd_prog_t P;
    slong x, y, a, b, c, ab, lk;
    slong s0[3] = {1, 0, 0}, s1[3] = {1, 0, 1}, s2[3] = {0, 1, 2};
    const char *pt[] = {"-3", "2"};
    const char *g0[] = {"1/2", "3/4"}, *g1[] = {"5/2", "-9/4"}, *g2[] = {"3", "-3"};
    pd_prog_init(P);
    x = in(P, "x");
    y = in(P, "y");
    a = powe(P, opc(P, PD_OP_DIV, x, "3"), 3);
    ab = op1(P, PD_OP_ABS, y);                      /* slot 0 */
    lk = opc(P, PD_OP_LEAKY_RELU, x, "1/4");        /* slot 1 */
    b = op2(P, PD_OP_MUL, ab, lk);
    c = clampn(P, op2(P, PD_OP_MUL, x, y), "0", "1");
    pd_prog_set_output(P, op2(P, PD_OP_ADD, op2(P, PD_OP_SUB, a, b), c));
    check_grad(P, s0, pt, "1/2", g0);
    check_grad(P, s1, pt, "-11/2", g1);
    check_grad(P, s2, pt, "-6", g2);
    pd_prog_clear(P);
}
END_TEST

START_TEST(grad_sort)
{
    /* f = s1 + 2 s2 + 3 s3 at (2, 1, 2):
       perm (1,0,2): y + 2x + 3z, grad (2, 1, 3), value 11;
       perm (1,2,0): y + 2z + 3x, grad (3, 1, 2), value 11;
       perm (0,1,2) (not active): x + 2y + 3z, grad (1, 2, 3), value 10. */
    pd_prog_t P;
    slong a[3] = {1, 0, 2}, b[3] = {1, 2, 0}, c[3] = {0, 1, 2};
    const char *pt[] = {"2", "1", "2"};
    const char *ga[] = {"2", "1", "3"}, *gb[] = {"3", "1", "2"}, *gc[] = {"1", "2", "3"};
    pd_prog_init(P);
    build_sort(P);
    check_grad(P, a, pt, "11", ga);
    check_grad(P, b, pt, "11", gb);
    check_grad(P, c, pt, "10", gc);
    pd_prog_clear(P);
}
END_TEST

START_TEST(grad_errors)
{
    pd_prog_t P;
    pd_error_t err;
    fmpq x[3], g[3];
    fmpq_t v;
    slong i, bad[3] = {0, 0, 2}, bad2[2] = {2, 0}, good[3] = {0, 1, 2};
    pd_error_init(err);
    fmpq_init(v);
    for (i = 0; i < 3; i++) {
        fmpq_init(x + i);
        fmpq_init(g + i);
    }
    pd_prog_init(P);
    build_sort(P);
    ck_assert_int_eq(pd_piece_grad_fmpq(g, v, P, bad, x, err), PD_EINVAL);
    ck_assert(!pd_pattern_is_valid(P, bad));
    ck_assert(pd_pattern_is_valid(P, good));
    pd_prog_clear(P);
    pd_prog_init(P);
    build_f(P, &i, &i);
    pd_error_reset(err);
    ck_assert_int_eq(pd_piece_grad_fmpq(g, v, P, bad2, x, err), PD_EINVAL);
    ck_assert(!pd_choice_is_valid(P, 0, bad2));   /* node 0 is an input */
    pd_prog_set_output(P, -1);
    pd_error_reset(err);
    ck_assert_int_eq(pd_piece_grad_fmpq(g, v, P, good, x, err), PD_EINVAL);
    pd_prog_clear(P);
    fmpq_clear(v);
    for (i = 0; i < 3; i++) {
        fmpq_clear(x + i);
        fmpq_clear(g + i);
    }
}
END_TEST

/* ---- pieces and guards ------------------------------------------------ */

START_TEST(piece_polys_guards)
{
    pd_prog_t P;
    pd_piece_t pc;
    pd_error_t err;
    slong r, M, c1 = 1, c0 = 0;
    slong p10[2] = {1, 0}, p01[2] = {0, 1};
    pd_prog_init(P);
    pd_error_init(err);
    build_f(P, &r, &M);
    pd_piece_init(pc, P);

    ck_assert_int_eq(pd_piece_next_node(pc), r);
    ck_assert_int_eq(pd_piece_push(pc, &c1, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_node(pc), r);
    ck_assert_int_eq(pd_piece_last_gstart(pc), 0);
    ck_assert_int_eq(pd_piece_last_flags(pc), 0);
    ck_assert_int_eq(pd_piece_nguards(pc), 1);
    assert_poly(pd_piece_guard(pc, 0), "x - 2*y", P, pc->ctx);
    ck_assert_int_eq(pd_piece_guard_node(pc, 0), r);
    assert_poly(pd_piece_node_poly(pc, r), "x - 2*y", P, pc->ctx);
    ck_assert(pd_piece_is_affine(pc));
    ck_assert(!pd_piece_is_complete(pc));
    ck_assert_int_eq(pd_piece_next_node(pc), M);
    ck_assert_int_eq(pd_piece_push(pc, &c0, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_gstart(pc), 1);
    ck_assert_int_eq(pd_piece_nguards(pc), 2);
    assert_poly(pd_piece_guard(pc, 1), "x^2 - y", P, pc->ctx);
    ck_assert(!pd_piece_is_affine(pc));
    ck_assert_int_eq(pd_piece_next_node(pc), -1);
    ck_assert_int_eq(pd_piece_complete(pc, err), PD_OK);
    ck_assert(pd_piece_is_complete(pc));
    assert_poly(pd_piece_output(pc), "2*x^2 - 2*x*y", P, pc->ctx);

    /* backtrack: pop the max, choose branch 1 */
    pd_piece_pop(pc);
    ck_assert_int_eq(pd_piece_nguards(pc), 1);
    ck_assert(pd_piece_is_affine(pc));
    ck_assert_int_eq(pd_piece_next_node(pc), M);
    ck_assert_int_eq(pd_piece_push(pc, &c1, err), PD_OK);
    assert_poly(pd_piece_guard(pc, 1), "y - x^2", P, pc->ctx);
    ck_assert_int_eq(pd_piece_complete(pc, err), PD_OK);
    assert_poly(pd_piece_output(pc), "x^2 - 2*x*y + y", P, pc->ctx);

    /* whole patterns */
    ck_assert_int_eq(pd_piece_set_pattern(pc, p01, err), PD_OK);
    ck_assert_int_eq(pd_piece_nguards(pc), 2);
    assert_poly(pd_piece_guard(pc, 0), "2*y - x", P, pc->ctx);
    assert_poly(pd_piece_guard(pc, 1), "y - x^2", P, pc->ctx);
    assert_poly(pd_piece_output(pc), "y", P, pc->ctx);
    ck_assert_int_eq(pd_piece_set_pattern(pc, p10, err), PD_OK);
    assert_poly(pd_piece_output(pc), "2*x^2 - 2*x*y", P, pc->ctx);
    assert_poly(pd_piece_node_poly(pc, M), "x^2", P, pc->ctx);

    pd_piece_reset(pc);
    ck_assert_int_eq(pc->depth, 0);
    ck_assert_int_eq(pd_piece_nguards(pc), 0);
    ck_assert_int_eq(pd_piece_last_node(pc), -1);
    pd_piece_clear(pc);
    pd_prog_clear(P);
}
END_TEST

START_TEST(piece_op_guards)
{
    /* Guards of each op for each branch, oriented g > 0 (exact.h table). */
    pd_prog_t P;
    pd_piece_t pc;
    pd_error_t err;
    slong x, y, z, b;
    slong perm[3] = {2, 0, 1};
    pd_prog_init(P);
    pd_error_init(err);
    x = in(P, "x");
    y = in(P, "y");
    z = in(P, "z");
    clampn(P, x, "-1", "2");                        /* node 3 */
    op3(P, PD_OP_MIN, x, y, z);                     /* node 4 */
    opc(P, PD_OP_LEAKY_RELU, y, "1/10");            /* node 5 */
    op1(P, PD_OP_ABS, z);                           /* node 6 */
    op3(P, PD_OP_SORT, x, y, z);                    /* node 7 */
    pd_prog_set_output(P, 3);
    pd_piece_init(pc, P);

    b = 0;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_nguards(pc), 1);
    assert_poly(pd_piece_guard(pc, 0), "-1 - x", P, pc->ctx);
    assert_poly(pd_piece_node_poly(pc, 3), "-1", P, pc->ctx);
    pd_piece_pop(pc);
    b = 1;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_nguards(pc), 2);
    assert_poly(pd_piece_guard(pc, 0), "x + 1", P, pc->ctx);
    assert_poly(pd_piece_guard(pc, 1), "2 - x", P, pc->ctx);
    assert_poly(pd_piece_node_poly(pc, 3), "x", P, pc->ctx);
    pd_piece_pop(pc);
    b = 2;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    assert_poly(pd_piece_guard(pc, 0), "x - 2", P, pc->ctx);
    assert_poly(pd_piece_node_poly(pc, 3), "2", P, pc->ctx);

    b = 2;                                          /* min: z is the min */
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_nguards(pc), 3);
    assert_poly(pd_piece_guard(pc, 1), "x - z", P, pc->ctx);
    assert_poly(pd_piece_guard(pc, 2), "y - z", P, pc->ctx);
    b = 0;                                          /* leaky flat branch */
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    assert_poly(pd_piece_guard(pc, 3), "-y", P, pc->ctx);
    assert_poly(pd_piece_node_poly(pc, 5), "1/10*y", P, pc->ctx);
    b = 0;                                          /* abs: -z */
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    assert_poly(pd_piece_guard(pc, 4), "-z", P, pc->ctx);
    assert_poly(pd_piece_node_poly(pc, 6), "-z", P, pc->ctx);
    ck_assert_int_eq(pd_piece_push(pc, perm, err), PD_OK);   /* z < x < y */
    ck_assert_int_eq(pd_piece_nguards(pc), 7);
    assert_poly(pd_piece_guard(pc, 5), "x - z", P, pc->ctx);
    assert_poly(pd_piece_guard(pc, 6), "y - x", P, pc->ctx);
    ck_assert_int_eq(pd_piece_guard_node(pc, 6), 7);
    ck_assert_int_eq(pd_piece_complete(pc, err), PD_OK);
    assert_poly(pd_piece_output(pc), "2", P, pc->ctx);
    pd_piece_clear(pc);
    pd_prog_clear(P);
}
END_TEST

START_TEST(piece_merge)
{
    /* MATH.md 2 merge rule: relu(x - x), max(x, x, y), sort(x, x, y),
       clamp(x - x, 0, 1). */
    pd_prog_t P;
    pd_piece_t pc;
    pd_error_t err;
    slong x, y, d, r, M, S, C, b, i;
    slong p102[3] = {1, 0, 2}, p012[3] = {0, 1, 2};
    pd_prog_init(P);
    pd_error_init(err);
    x = in(P, "x");
    y = in(P, "y");
    d = op2(P, PD_OP_SUB, x, x);
    r = op1(P, PD_OP_RELU, d);
    M = op3(P, PD_OP_MAX, x, x, y);
    S = op3(P, PD_OP_SORT, x, x, y);
    C = clampn(P, d, "0", "1");
    pd_prog_set_output(P, op2(P, PD_OP_ADD, r, M));
    pd_piece_init(pc, P);

    b = 0;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_node(pc), r);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE);
    ck_assert_int_eq(pd_piece_nguards(pc), 0);
    pd_piece_pop(pc);
    b = 1;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT);
    ck_assert_int_eq(pd_piece_nguards(pc), 0);
    assert_poly(pd_piece_node_poly(pc, r), "0", P, pc->ctx);

    b = 1;                                  /* max choice 1 == choice 0 */
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT);
    ck_assert_int_eq(pd_piece_nguards(pc), 1);
    assert_poly(pd_piece_guard(pc, 0), "x - y", P, pc->ctx);
    pd_piece_pop(pc);
    b = 0;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE);
    ck_assert_int_eq(pd_piece_nguards(pc), 1);
    pd_piece_pop(pc);
    b = 2;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), 0);
    ck_assert_int_eq(pd_piece_nguards(pc), 2);
    assert_poly(pd_piece_guard(pc, 0), "y - x", P, pc->ctx);
    assert_poly(pd_piece_guard(pc, 1), "y - x", P, pc->ctx);

    ck_assert_int_eq(pd_piece_next_node(pc), S);
    ck_assert_int_eq(pd_piece_push(pc, p102, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT);
    ck_assert_int_eq(pd_piece_nguards(pc), 3);
    assert_poly(pd_piece_guard(pc, 2), "y - x", P, pc->ctx);
    pd_piece_pop(pc);
    ck_assert_int_eq(pd_piece_push(pc, p012, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE);

    /* clamp(x - x, 0, 1): branch 0 drops 0 - u; branch 1 drops u - 0
       (redundant) and keeps the constant 1 - u = 1; branch 2 keeps -1. */
    ck_assert_int_eq(pd_piece_next_node(pc), C);
    i = pd_piece_nguards(pc);
    b = 0;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE);
    ck_assert_int_eq(pd_piece_nguards(pc), i);
    pd_piece_pop(pc);
    b = 1;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), PD_PIECE_DEGENERATE | PD_PIECE_REDUNDANT);
    ck_assert_int_eq(pd_piece_nguards(pc), i + 1);
    assert_poly(pd_piece_guard(pc, i), "1", P, pc->ctx);
    pd_piece_pop(pc);
    b = 2;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_OK);
    ck_assert_int_eq(pd_piece_last_flags(pc), 0);
    assert_poly(pd_piece_guard(pc, i), "-1", P, pc->ctx);
    ck_assert_int_eq(pd_piece_complete(pc, err), PD_OK);
    assert_poly(pd_piece_output(pc), "y", P, pc->ctx);     /* 0 + y */
    pd_piece_clear(pc);
    pd_prog_clear(P);
}
END_TEST

START_TEST(piece_errors)
{
    pd_prog_t P;
    pd_piece_t pc;
    pd_error_t err;
    slong x, r, b, pat[1] = {5};
    pd_prog_init(P);
    pd_error_init(err);
    x = in(P, "x");
    r = op1(P, PD_OP_RELU, powe(P, op2(P, PD_OP_ADD, x, cst(P, "1")), 20000));
    pd_prog_set_output(P, r);
    pd_piece_init(pc, P);
    b = 2;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_EINVAL);
    ck_assert_int_eq(pc->depth, 0);
    ck_assert_int_eq(pd_piece_complete(pc, err), PD_EINVAL);   /* unchosen */
    pd_error_reset(err);
    b = 1;
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_ELIMIT);  /* degree 20000 */
    ck_assert_int_eq(pc->depth, 0);
    ck_assert_int_eq(pc->pos, 0);
    ck_assert_int_eq(pd_piece_set_pattern(pc, pat, err), PD_EINVAL);
    pd_piece_clear(pc);
    pd_prog_clear(P);

    pd_prog_init(P);
    x = in(P, "x");
    pd_piece_init(pc, P);
    pd_error_reset(err);
    ck_assert_int_eq(pd_piece_push(pc, &b, err), PD_EINVAL);  /* none left */
    ck_assert_int_eq(pd_piece_complete(pc, err), PD_EINVAL);  /* no output */
    pd_prog_set_output(P, x);
    pd_error_reset(err);
    ck_assert_int_eq(pd_piece_complete(pc, err), PD_OK);
    assert_poly(pd_piece_output(pc), "x", P, pc->ctx);
    pd_piece_clear(pc);
    pd_prog_clear(P);
}
END_TEST

/* ---- random programs -------------------------------------------------- */

/* A random program over n inputs with about m operations; scalar nodes are
   kept in pool (SORT nodes are read through all their SORTED nodes). */
static void random_prog(pd_prog_t P, flint_rand_t st, slong n, slong m)
{
    static const char *names[] = {"x", "y", "z"};
    static const char *consts[] = {"-2", "-1", "-1/2", "0", "1/2", "1", "3/4", "2"};
    slong pool[128], deg[128], np = 0, t, i;
    for (i = 0; i < n; i++) {
        pool[np] = in(P, names[i]);
        deg[np++] = 1;
    }
    for (t = 0; t < m && np < 120; t++) {
        slong a = n_randint(st, np), b = n_randint(st, np), c = n_randint(st, np);
        slong r = -1, d = FLINT_MAX(deg[a], deg[b]);
        switch (n_randint(st, 16)) {
        case 0: r = op2(P, PD_OP_ADD, pool[a], pool[b]); break;
        case 1: r = op2(P, PD_OP_SUB, pool[a], pool[b]); break;
        case 2:
            if (deg[a] + deg[b] <= 3) {
                r = op2(P, PD_OP_MUL, pool[a], pool[b]);
                d = deg[a] + deg[b];
            }
            break;
        case 3: r = op1(P, PD_OP_NEG, pool[a]); d = deg[a]; break;
        case 4: r = opc(P, PD_OP_DIV, pool[a], n_randint(st, 2) ? "3" : "-1/2");
            d = deg[a]; break;
        case 5:
            if (deg[a] <= 1) {
                r = powe(P, pool[a], 2);
                d = 2;
            }
            break;
        case 6: r = cst(P, consts[n_randint(st, 8)]); d = 0; break;
        case 7: case 8: r = op1(P, PD_OP_RELU, pool[a]); d = deg[a]; break;
        case 9: r = op1(P, PD_OP_ABS, pool[a]); d = deg[a]; break;
        case 10: r = opc(P, PD_OP_LEAKY_RELU, pool[a], "1/4"); d = deg[a]; break;
        case 11: r = op2(P, n_randint(st, 2) ? PD_OP_MAX : PD_OP_MIN, pool[a], pool[b]); break;
        case 12: r = op3(P, PD_OP_MAX, pool[a], pool[b], pool[c]);
            d = FLINT_MAX(d, deg[c]); break;
        case 13:
        {
            slong k = n_randint(st, 3);
            if (k == 0) r = clampn(P, pool[a], "-1", "1");
            else if (k == 1) r = clampn(P, pool[a], "0", "0");
            else r = op1(P, PD_OP_RELU6, pool[a]);
            d = deg[a];
            break;
        }
        case 14: r = op1(P, PD_OP_HARDTANH, pool[a]); d = deg[a]; break;
        default:
        {
            slong S = op3(P, PD_OP_SORT, pool[a], pool[b], pool[c]), k;
            d = FLINT_MAX(d, deg[c]);
            for (k = 0; k < 3; k++) {
                pool[np] = sorted(P, S, k);
                deg[np++] = d;
            }
            continue;
        }
        }
        if (r >= 0) {
            pool[np] = r;
            deg[np++] = d;
        }
    }
    /* output: the sum of the last three scalar nodes */
    {
        slong o = pool[np - 1];
        if (np >= 2)
            o = op2(P, PD_OP_ADD, o, pool[np - 2]);
        if (np >= 3)
            o = op2(P, PD_OP_SUB, o, pool[np - 3]);
        pd_prog_set_output(P, o);
    }
}

static void random_point(fmpq *x, slong n, flint_rand_t st)
{
    static const char *vals[] = {"-2", "-1", "-1/2", "0", "0", "1/2", "1", "2", "1/3"};
    slong i;
    for (i = 0; i < n; i++) {
        if (n_randint(st, 5) == 0)
            fmpq_randtest(x + i, st, 8);
        else
            pd_test_fmpq_set_str(x + i, vals[n_randint(st, 9)]);
    }
}

static void random_choice(slong *c, const pd_prog_t P, slong i, flint_rand_t st)
{
    slong k, j, t, ns = pd_prog_node_nslots(P, i);
    if (P->nodes[i].op != PD_OP_SORT) {
        c[0] = n_randint(st, pd_prog_nbranches(P, i));
        return;
    }
    for (k = 0; k < ns; k++)
        c[k] = k;
    for (k = ns - 1; k > 0; k--) {
        j = n_randint(st, k + 1);
        t = c[k]; c[k] = c[j]; c[j] = t;
    }
}

static void fail_prog(const pd_prog_t P, const fmpq *x, const char *what)
{
    char *s = pd_prog_get_str(P);
    slong i;
    fprintf(stderr, "seed %lu: %s\n%s at", (unsigned long) pd_test_seed, what, s);
    for (i = 0; i < P->ninputs; i++) {
        fprintf(stderr, " ");
        fmpq_fprint(stderr, x + i);
    }
    fprintf(stderr, "\n");
    flint_free(s);
    ck_abort_msg("%s", what);
}

START_TEST(random_programs)
{
    flint_rand_t st;
    slong iter, i, j, f;
    pd_error_t err;
    pd_error_init(err);
    pd_test_randinit(st, 11);
    for (iter = 0; iter < 300 * pd_test_mult; iter++) {
        pd_prog_t P;
        pd_eval_t ev;
        pd_piece_t pc, pc2;
        slong n = 1 + n_randint(st, 3);
        fmpq x[3], g[3];
        fmpq_t v, w;
        slong *pat, *c;
        fmpq *xs[3];
        fmpq_mpoly_t dp;

        pd_prog_init(P);
        random_prog(P, st, n, 4 + n_randint(st, 10));
        for (i = 0; i < 3; i++) {
            fmpq_init(x + i);
            fmpq_init(g + i);
            xs[i] = x + i;
        }
        fmpq_init(v);
        fmpq_init(w);
        random_point(x, n, st);
        pat = flint_calloc(FLINT_MAX(P->nslots, 1), sizeof(slong));
        c = flint_calloc(4, sizeof(slong));
        pd_eval_init(ev, P);
        pd_piece_init(pc, P);
        pd_piece_init(pc2, P);
        fmpq_mpoly_init(dp, pc->ctx);

        ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
        if (!pd_pattern_is_valid(P, ev->pattern))
            fail_prog(P, x, "canonical pattern invalid");

        /* the canonical pattern's piece takes f's value and every node's
           value at x; its guards are >= 0 at x, and a node is tied iff one
           of its (non-merged) guards vanishes */
        ck_assert_int_eq(pd_piece_set_pattern(pc, ev->pattern, err), PD_OK);
        fmpq_mpoly_evaluate_all_fmpq(v, pd_piece_output(pc), xs, pc->ctx);
        if (!fmpq_equal(v, pd_eval_output(ev)))
            fail_prog(P, x, "piece value != exact value");
        for (i = 0; i < P->len; i++) {
            if (P->nodes[i].op == PD_OP_SORT)
                continue;
            fmpq_mpoly_evaluate_all_fmpq(v, pd_piece_node_poly(pc, i), xs, pc->ctx);
            if (!fmpq_equal(v, ev->val + i))
                fail_prog(P, x, "node polynomial != node value");
        }
        for (f = 0; f < pc->depth; f++) {
            slong node = pc->frame_node[f], g0 = pc->frame_gstart[f];
            slong g1 = f + 1 < pc->depth ? pc->frame_gstart[f + 1] : pc->nguards;
            int vanish = 0;
            if (!pd_eval_choice_is_active(ev, node, ev->pattern + P->nodes[node].slot))
                fail_prog(P, x, "canonical choice not active");
            for (j = g0; j < g1; j++) {
                fmpq_mpoly_evaluate_all_fmpq(v, pd_piece_guard(pc, j), xs, pc->ctx);
                if (fmpq_sgn(v) < 0)
                    fail_prog(P, x, "guard of the canonical pattern negative");
                vanish |= fmpq_is_zero(v);
            }
            if (!(pc->frame_flags[f] & PD_PIECE_DEGENERATE)
                && vanish != pd_eval_is_tied(ev, node))
                fail_prog(P, x, "tied != a guard vanishes");
            if (pc->frame_flags[f] & PD_PIECE_REDUNDANT)
                fail_prog(P, x, "canonical choice redundant");
        }

        /* active choices: enumeration agrees with brute force */
        for (i = 0; i < P->len; i++) {
            slong cnt = 0, brute = 0, prev[3] = {-1, -1, -1}, ns;
            if (!pd_op_is_nonsmooth(P->nodes[i].op))
                continue;
            ns = pd_prog_node_nslots(P, i);
            pd_eval_choice_first(c, ev, i);
            do {
                if (!pd_eval_choice_is_active(ev, i, c))
                    fail_prog(P, x, "enumerated choice not active");
                for (j = 0; j < ns && c[j] == prev[j]; j++)
                    ;
                if (j < ns && cnt > 0 && c[j] < prev[j])
                    fail_prog(P, x, "choices not increasing");
                memcpy(prev, c, ns * sizeof(slong));
                cnt++;
            } while (pd_eval_choice_next(c, ev, i));
            if (P->nodes[i].op == PD_OP_SORT) {
                static const slong all[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                                {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
                for (j = 0; j < 6; j++)
                    brute += pd_eval_perm_is_active(ev, i, all[j]);
            } else {
                for (j = 0; j < pd_prog_nbranches(P, i); j++)
                    brute += pd_eval_branch_is_active(ev, i, j);
            }
            if (cnt != brute || cnt != pd_eval_choice_count(ev, i)
                || (cnt > 1) != pd_eval_is_tied(ev, i))
                fail_prog(P, x, "active choice count");
        }

        /* a random pattern: reverse mode == derivative of the piece */
        for (i = 0; i < P->len; i++)
            if (pd_op_is_nonsmooth(P->nodes[i].op))
                random_choice(pat + P->nodes[i].slot, P, i, st);
        ck_assert_int_eq(pd_piece_grad_fmpq(g, w, P, pat, x, err), PD_OK);
        ck_assert_int_eq(pd_piece_set_pattern(pc2, pat, err), PD_OK);
        fmpq_mpoly_evaluate_all_fmpq(v, pd_piece_output(pc2), xs, pc2->ctx);
        if (!fmpq_equal(v, w))
            fail_prog(P, x, "piece gradient: value");
        for (j = 0; j < n; j++) {
            fmpq_mpoly_derivative(dp, pd_piece_output(pc2), j, pc2->ctx);
            fmpq_mpoly_evaluate_all_fmpq(v, dp, xs, pc2->ctx);
            if (!fmpq_equal(v, g + j))
                fail_prog(P, x, "piece gradient != derivative of the piece");
        }

        /* backtracking: pop part of the canonical pattern, regrow with the
           random choices, compare with the whole-pattern build */
        {
            slong keep = n_randint(st, pc->depth + 1), k;
            while (pc->depth > keep)
                pd_piece_pop(pc);
            while ((k = pd_piece_next_node(pc)) >= 0)
                ck_assert_int_eq(pd_piece_push(pc, pat + P->nodes[k].slot, err), PD_OK);
            ck_assert_int_eq(pd_piece_complete(pc, err), PD_OK);
            for (k = 0; k < keep; k++) {
                slong nd = pc->frame_node[k];
                memcpy(pat + P->nodes[nd].slot, ev->pattern + P->nodes[nd].slot,
                       pd_prog_node_nslots(P, nd) * sizeof(slong));
            }
            ck_assert_int_eq(pd_piece_set_pattern(pc2, pat, err), PD_OK);
            if (!fmpq_mpoly_equal(pd_piece_output(pc), pd_piece_output(pc2), pc->ctx)
                || pc->nguards != pc2->nguards || pc->nonaffine != pc2->nonaffine)
                fail_prog(P, x, "push/pop differs from a fresh build");
            for (k = 0; k < pc->nguards; k++)
                if (!fmpq_mpoly_equal(pc->guard + k, pc2->guard + k, pc->ctx))
                    fail_prog(P, x, "push/pop guards differ");
        }

        fmpq_mpoly_clear(dp, pc->ctx);
        pd_piece_clear(pc);
        pd_piece_clear(pc2);
        pd_eval_clear(ev);
        flint_free(pat);
        flint_free(c);
        for (i = 0; i < 3; i++) {
            fmpq_clear(x + i);
            fmpq_clear(g + i);
        }
        fmpq_clear(v);
        fmpq_clear(w);
        pd_prog_clear(P);
    }
    flint_randclear(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("exact");
    TCase *te = tcase_create("eval");
    TCase *tg = tcase_create("piece_grad");
    TCase *tp = tcase_create("piece");
    TCase *tr = tcase_create("random");
    pd_test_init();
    tcase_add_test(te, eval_relu_identity);
    tcase_add_test(te, eval_max_min);
    tcase_add_test(te, eval_clamp_leaky);
    tcase_add_test(te, eval_sort);
    tcase_add_test(te, eval_errors);
    tcase_add_test(tg, grad_hand);
    tcase_add_test(tg, grad_ops);
    tcase_add_test(tg, grad_sort);
    tcase_add_test(tg, grad_errors);
    tcase_add_test(tp, piece_polys_guards);
    tcase_add_test(tp, piece_op_guards);
    tcase_add_test(tp, piece_merge);
    tcase_add_test(tp, piece_errors);
    tcase_add_test(tr, random_programs);
    suite_add_tcase(s, te);
    suite_add_tcase(s, tg);
    suite_add_tcase(s, tp);
    suite_add_tcase(s, tr);
    return pd_test_run(s);
}
