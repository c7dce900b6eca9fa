/* check_lang.c: the language: the DAG each construct builds, every error
   with its position, numbers and float rounding, points, round trips. */
#include "testlib.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mpfr.h>

/* ---- helpers ----------------------------------------------------------- */

static void parse_ok(pd_prog_t P, const char *src)
{
    pd_error_t err;
    pd_status_t st;
    pd_error_init(err);
    pd_prog_init(P);
    st = pd_parse_string(P, src, "t.pd", err);
    ck_assert_msg(st == PD_OK, "parse failed: %ld:%ld: %s\n--- source:\n%s",
                  (long) err->line, (long) err->col, err->msg, src);
    ck_assert(pd_prog_is_canonical(P));
    pd_error_clear(err);
}

/* One expected node.  args end at -1; c is the constant ("" = don't care),
   label NULL = no label. */
typedef struct {
    pd_op_t op;
    slong args[5];
    const char *c;
    slong index;
    slong line, col;
    const char *label;
} enode;

static void check_nodes(const pd_prog_t P, const enode *e, slong n)
{
    slong i, k;
    fmpq_t q;
    fmpq_init(q);
    ck_assert_int_ge(P->len, n);
    for (i = 0; i < n; i++) {
        const pd_node_struct *nd = P->nodes + i;
        slong na = 0;
        while (na < 5 && e[i].args[na] >= 0)
            na++;
        ck_assert_msg(nd->op == e[i].op, "node %ld: op %s, expected %s", (long) i,
                      pd_op_name(nd->op), pd_op_name(e[i].op));
        ck_assert_msg(nd->nargs == na, "node %ld: %ld args, expected %ld", (long) i,
                      (long) nd->nargs, (long) na);
        for (k = 0; k < na; k++)
            ck_assert_msg(nd->args[k] == e[i].args[k], "node %ld arg %ld: %ld, expected %ld",
                          (long) i, (long) k, (long) nd->args[k], (long) e[i].args[k]);
        if (e[i].c != NULL && e[i].c[0] != '\0') {
            pd_test_fmpq_set_str(q, e[i].c);
            ck_assert_msg(fmpq_equal(q, nd->c), "node %ld: wrong constant", (long) i);
        }
        ck_assert_msg(nd->index == e[i].index, "node %ld: index %ld, expected %ld",
                      (long) i, (long) nd->index, (long) e[i].index);
        ck_assert_msg(nd->line == e[i].line && nd->col == e[i].col,
                      "node %ld: at %ld:%ld, expected %ld:%ld", (long) i,
                      (long) nd->line, (long) nd->col, (long) e[i].line, (long) e[i].col);
        if (e[i].label == NULL)
            ck_assert_msg(nd->label == NULL || nd->op == PD_OP_INPUT,
                          "node %ld: unexpected label %s", (long) i,
                          nd->label ? nd->label : "");
        else
            ck_assert_msg(nd->label != NULL && strcmp(nd->label, e[i].label) == 0,
                          "node %ld: label %s, expected %s", (long) i,
                          nd->label ? nd->label : "(none)", e[i].label);
    }
    fmpq_clear(q);
}

#define A0 {-1}
#define A1(a) {a, -1}
#define A2(a, b) {a, b, -1}
#define A3(a, b, c) {a, b, c, -1}

/* DAG isomorphism from the outputs: same ops, constants, indices and
   argument structure, sharing preserved (map is injective). */
static int dag_match(const pd_prog_t P, const pd_prog_t Q, slong i, slong j,
                     slong *map, slong *rmap)
{
    const pd_node_struct *a = P->nodes + i, *b = Q->nodes + j;
    slong k;
    if (map[i] >= 0 || rmap[j] >= 0)
        return map[i] == j && rmap[j] == i;
    if (a->op != b->op || a->nargs != b->nargs || a->index != b->index
        || !fmpq_equal(a->c, b->c) || !fmpq_equal(a->c2, b->c2))
        return 0;
    if (a->op == PD_OP_INPUT && strcmp(P->input_names[a->index], Q->input_names[b->index]) != 0)
        return 0;
    map[i] = j;
    rmap[j] = i;
    for (k = 0; k < a->nargs; k++)
        if (!dag_match(P, Q, a->args[k], b->args[k], map, rmap))
            return 0;
    return 1;
}

static int dag_equal(const pd_prog_t P, const pd_prog_t Q)
{
    slong *map, *rmap, i;
    int ok;
    if (P->ninputs != Q->ninputs || P->output < 0 || Q->output < 0)
        return 0;
    map = flint_malloc((P->len + 1) * sizeof(slong));
    rmap = flint_malloc((Q->len + 1) * sizeof(slong));
    for (i = 0; i < P->len; i++)
        map[i] = -1;
    for (i = 0; i < Q->len; i++)
        rmap[i] = -1;
    ok = dag_match(P, Q, P->output, Q->output, map, rmap);
    flint_free(map);
    flint_free(rmap);
    return ok;
}

/* Parse the printed form of P and compare. */
static void check_round_trip(const pd_prog_t P, const char *src)
{
    pd_prog_t Q;
    pd_error_t err;
    char *s = pd_prog_get_str(P);
    pd_status_t st;
    pd_error_init(err);
    pd_prog_init(Q);
    st = pd_parse_string(Q, s, "printed.pd", err);
    ck_assert_msg(st == PD_OK, "printed program does not parse: %ld:%ld: %s\n%s",
                  (long) err->line, (long) err->col, err->msg, s);
    ck_assert_msg(dag_equal(P, Q), "printed program differs:\n%s\n--- from:\n%s", s, src);
    flint_free(s);
    pd_prog_clear(Q);
}

/* ---- statements and expressions ---------------------------------------- */

START_TEST(shorthand_dag)
{
    /* Hand-lowered: operands are emitted left to right, a binary node after
       both operands; columns counted in the source line. */
    static const enode e[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 3, NULL},
        {PD_OP_INPUT, A0, NULL, 1, 1, 6, NULL},
        {PD_OP_MAX, A2(0, 1), NULL, 0, 1, 11, NULL},
        {PD_OP_CONST, A0, "2", 0, 1, 32, NULL},
        {PD_OP_MUL, A2(3, 1), NULL, 0, 1, 33, NULL},
        {PD_OP_SUB, A2(0, 4), NULL, 0, 1, 30, NULL},
        {PD_OP_RELU, A1(5), NULL, 0, 1, 23, NULL},
        {PD_OP_SUB, A2(2, 6), NULL, 0, 1, 21, NULL},
        {PD_OP_CONST, A0, "3/4", 0, 1, 39, NULL},
        {PD_OP_POW, A1(0), NULL, 2, 1, 44, NULL},
        {PD_OP_MUL, A2(8, 9), NULL, 0, 1, 42, NULL},
        {PD_OP_ADD, A2(7, 10), NULL, 0, 1, 37, NULL},
    };
    pd_prog_t P;
    char *s;
    parse_ok(P, "f(x, y) = max(x, y) - relu(x - 2*y) + 3/4*x^2\n");
    check_nodes(P, e, 12);
    ck_assert_int_eq(P->output, 11);
    ck_assert_int_eq(P->ninputs, 2);
    ck_assert_str_eq(P->input_names[0], "x");
    ck_assert_str_eq(P->input_names[1], "y");
    ck_assert_str_eq(P->file, "t.pd");
    ck_assert_int_eq(P->nslots, 2);
    s = pd_prog_node_name(P, 6);
    ck_assert_str_eq(s, "relu@1:23");
    flint_free(s);
    pd_prog_clear(P);
}
END_TEST

START_TEST(statements_equivalent)
{
    /* The shorthand is input + output; comments and blank lines are free. */
    pd_prog_t P, Q;
    parse_ok(P, "f(x, y) = max(x, y) - relu(x - 2*y) + 3/4*x^2");
    parse_ok(Q, "# a comment\n\ninput x, y   # two inputs\n\n"
                "output max(x, y) - relu(x - 2*y) + 3/4*x^2 # the output\n\n");
    ck_assert(dag_equal(P, Q));
    ck_assert_int_eq(P->len, Q->len);
    pd_prog_clear(Q);
    /* CRLF line ends and a final line without newline */
    parse_ok(Q, "input x, y\r\noutput max(x, y) - relu(x - 2*y) + 3/4*x^2\r\n");
    ck_assert(dag_equal(P, Q));
    pd_prog_clear(Q);
    pd_prog_clear(P);
}
END_TEST

START_TEST(inputs_vector)
{
    pd_prog_t P, Q;
    static const enode e[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 1, 2, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 2, 2, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 3, 2, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 4, 2, 13, NULL},
        {PD_OP_ADD, A2(0, 3), NULL, 0, 3, 10, NULL},
        {PD_OP_ADD, A2(5, 4), NULL, 0, 3, 17, NULL},
    };
    parse_ok(P, "input a\ninput x[3], b\noutput a + x[3] + b\n");
    check_nodes(P, e, 7);
    ck_assert_int_eq(P->ninputs, 5);
    ck_assert_str_eq(P->input_names[0], "a");
    ck_assert_str_eq(P->input_names[1], "x[1]");
    ck_assert_str_eq(P->input_names[2], "x[2]");
    ck_assert_str_eq(P->input_names[3], "x[3]");
    ck_assert_str_eq(P->input_names[4], "b");
    ck_assert_int_eq(P->input_nodes[3], 3);
    /* spelled-out entries are the same vector input (the printed form) */
    parse_ok(Q, "input a, x[1], x[2], x[3], b\noutput a + x[3] + b\n");
    ck_assert(dag_equal(P, Q));
    ck_assert_str_eq(Q->input_names[2], "x[2]");
    pd_prog_clear(Q);
    /* shorthand with a vector parameter; x[1] alone is a 1-vector */
    parse_ok(Q, "f(a, x[3], b) = a + x[3] + b");
    ck_assert(dag_equal(P, Q));
    pd_prog_clear(Q);
    parse_ok(Q, "input x[1]\noutput x[1]");
    ck_assert_int_eq(Q->ninputs, 1);
    ck_assert_str_eq(Q->input_names[0], "x[1]");
    ck_assert_int_eq(Q->output, 0);
    pd_prog_clear(Q);
    /* no inputs at all: a constant program */
    parse_ok(Q, "output 3");
    ck_assert_int_eq(Q->ninputs, 0);
    ck_assert_int_eq(Q->len, 1);
    ck_assert_int_eq(Q->nodes[0].op, PD_OP_CONST);
    pd_prog_clear(Q);
    pd_prog_clear(P);
}
END_TEST

START_TEST(bindings_shared)
{
    /* h = relu(x); h - h: one relu node shared; relu(x) - relu(x): two. */
    static const enode e1[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_RELU, A1(0), NULL, 0, 2, 5, "h"},
        {PD_OP_SUB, A2(1, 1), NULL, 0, 3, 10, NULL},
    };
    static const enode e2[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_RELU, A1(0), NULL, 0, 2, 8, NULL},
        {PD_OP_RELU, A1(0), NULL, 0, 2, 18, NULL},
        {PD_OP_SUB, A2(1, 2), NULL, 0, 2, 16, NULL},
    };
    /* aliases do not relabel: g = x keeps the input's name, k = 3 is a
       labelled constant node */
    static const enode e3[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_CONST, A0, "3", 0, 3, 5, "k"},
        {PD_OP_MUL, A2(0, 1), NULL, 0, 4, 10, NULL},
    };
    pd_prog_t P;
    char *s;
    parse_ok(P, "input x\nh = relu(x)\noutput h - h\n");
    check_nodes(P, e1, 3);
    ck_assert_int_eq(P->nslots, 1);
    s = pd_prog_node_name(P, 1);
    ck_assert_str_eq(s, "h");
    flint_free(s);
    pd_prog_clear(P);
    parse_ok(P, "input x\noutput relu(x) - relu(x)\n");
    check_nodes(P, e2, 4);
    ck_assert_int_eq(P->nslots, 2);
    pd_prog_clear(P);
    parse_ok(P, "input x\ng = x\nk = 3\noutput g * k\n");
    check_nodes(P, e3, 3);
    ck_assert_str_eq(P->nodes[0].label, "x");
    pd_prog_clear(P);
}
END_TEST

START_TEST(numbers_exact)
{
    /* 3/4 is one constant; decimals and exponent forms are exact; a minus
       sign directly on a number makes a negative constant, on a bracket a
       NEG node. */
    static const enode e[] = {
        {PD_OP_CONST, A0, "3/4", 0, 1, 8, NULL},
        {PD_OP_CONST, A0, "1/8", 0, 1, 14, NULL},
        {PD_OP_ADD, A2(0, 1), NULL, 0, 1, 12, NULL},
        {PD_OP_CONST, A0, "1/1000", 0, 1, 22, NULL},
        {PD_OP_ADD, A2(2, 3), NULL, 0, 1, 20, NULL},
        {PD_OP_CONST, A0, "25000", 0, 1, 29, NULL},
        {PD_OP_ADD, A2(4, 5), NULL, 0, 1, 27, NULL},
        {PD_OP_CONST, A0, "-3/4", 0, 1, 38, NULL},
        {PD_OP_ADD, A2(6, 7), NULL, 0, 1, 36, NULL},
        {PD_OP_CONST, A0, "5/2", 0, 1, 48, NULL},
        {PD_OP_NEG, A1(9), NULL, 0, 1, 46, NULL},
        {PD_OP_ADD, A2(8, 10), NULL, 0, 1, 43, NULL},
    };
    pd_prog_t P;
    parse_ok(P, "output 3/4 + 0.125 + 1e-3 + 2.5E+4 + -3/4 + (-(5/2))");
    check_nodes(P, e, 12);
    ck_assert_int_eq(P->len, 12);
    pd_prog_clear(P);
    /* (-1)/4 is the constant -1 divided by 4; 3/(4) likewise */
    parse_ok(P, "output (-1)/4 + 3/(4)");
    ck_assert_int_eq(P->len, 5);
    ck_assert_int_eq(P->nodes[1].op, PD_OP_DIV);
    ck_assert_int_eq(P->nodes[3].op, PD_OP_DIV);
    pd_prog_clear(P);
}
END_TEST

START_TEST(division_and_power)
{
    /* x*3/4 is (x*3)/4; x/(2*3) folds the divisor into one DIV; 3/4/5 is
       the constant 3/4 divided by 5; a non-literal power base keeps its
       node. */
    static const enode e[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_CONST, A0, "3", 0, 2, 10, NULL},
        {PD_OP_MUL, A2(0, 1), NULL, 0, 2, 9, NULL},
        {PD_OP_DIV, A1(2), "4", 0, 2, 11, NULL},
        {PD_OP_DIV, A1(0), "6", 0, 2, 17, NULL},
        {PD_OP_ADD, A2(3, 4), NULL, 0, 2, 14, NULL},
        {PD_OP_CONST, A0, "3/4", 0, 2, 26, NULL},
        {PD_OP_DIV, A1(6), "5", 0, 2, 29, NULL},
        {PD_OP_ADD, A2(5, 7), NULL, 0, 2, 24, NULL},
        {PD_OP_DIV, A1(0), "-1/2", 0, 2, 35, NULL},
        {PD_OP_SUB, A2(8, 9), NULL, 0, 2, 32, NULL},
        {PD_OP_CONST, A0, "1", 0, 3, 6, NULL},
        {PD_OP_ADD, A2(0, 11), NULL, 0, 3, 4, NULL},
        {PD_OP_POW, A1(12), NULL, 1000, 3, 8, NULL},
        {PD_OP_ADD, A2(10, 13), NULL, 0, 2, 43, NULL},
        {PD_OP_POW, A1(0), NULL, 0, 3, 18, NULL},
        {PD_OP_NEG, A1(15), NULL, 0, 3, 16, NULL},
        {PD_OP_ADD, A2(14, 16), NULL, 0, 3, 14, NULL},
    };
    pd_prog_t P;
    parse_ok(P, "input x\noutput x*3/4 + x/(2*3) + 3/4/5 - x/(-1/2) +\n"
                "(x + 1)^1000 + -x^0\n");
    check_nodes(P, e, 18);
    ck_assert_int_eq(P->len, 18);
    ck_assert_int_eq(P->output, 17);
    pd_prog_clear(P);
}
END_TEST

START_TEST(unary_minus)
{
    /* -x is NEG; - -x two NEGs; -3 a constant; -(x) NEG. */
    static const enode e[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_NEG, A1(0), NULL, 0, 2, 9, NULL},
        {PD_OP_NEG, A1(1), NULL, 0, 2, 7, NULL},
        {PD_OP_NEG, A1(0), NULL, 0, 2, 14, NULL},
        {PD_OP_MUL, A2(2, 3), NULL, 0, 2, 12, NULL},
        {PD_OP_CONST, A0, "-3", 0, 2, 21, NULL},
        {PD_OP_MUL, A2(4, 5), NULL, 0, 2, 19, "out"},
    };
    pd_prog_t P;
    parse_ok(P, "input x\nout = - -x * -(x) * -3\noutput out");
    ck_assert_int_eq(P->len, 7);
    check_nodes(P, e, 7);
    ck_assert_int_eq(P->output, 6);
    pd_prog_clear(P);
}
END_TEST

START_TEST(primitives)
{
    static const enode e[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 1, 1, 10, NULL},
        {PD_OP_LEAKY_RELU, A1(0), "1/100", 0, 2, 5, "a"},
        {PD_OP_CLAMP, A1(0), "-1/2", 0, 3, 5, "b"},
        {PD_OP_HARDTANH, A1(1), "-1", 0, 4, 5, "c"},
        {PD_OP_RELU6, A1(1), "0", 0, 5, 5, "d"},
        {PD_OP_ABS, A1(0), NULL, 0, 6, 5, "e"},
        {PD_OP_CONST, A0, "0", 0, 7, 15, NULL},
        {PD_OP_MAX, A3(0, 1, 7), NULL, 0, 7, 5, "g"},
        {PD_OP_MIN, A1(0), NULL, 0, 8, 5, "m"},
        {PD_OP_SORT, A2(0, 1), NULL, 0, 9, 5, "s"},
        {PD_OP_SORTED, A1(10), NULL, 1, 9, 5, "s[2]"},
        {PD_OP_SORTED, A1(10), NULL, 0, 9, 5, "s[1]"},
        {PD_OP_SUB, A2(11, 12), NULL, 0, 10, 13, NULL},
        {PD_OP_ADD, A2(13, 11), NULL, 0, 10, 20, NULL},
    };
    pd_prog_t P;
    fmpq_t q;
    fmpq_init(q);
    parse_ok(P, "input x, y\n"
                "a = leaky_relu(x, 0.01)\n"
                "b = clamp(x, -1/2, 3 - 1/2)\n"
                "c = hardtanh(y)\n"
                "d = relu6(y)\n"
                "e = abs(x)\n"
                "g = max(x, y, 0)\n"
                "m = min(x)\n"
                "s = sort([x, y])\n"
                "output s[2] - s[1] + s[2]\n");
    ck_assert_int_eq(P->len, 15);
    check_nodes(P, e, 15);
    pd_test_fmpq_set_str(q, "5/2");
    pd_assert_fmpq_eq(P->nodes[3].c2, q);
    pd_test_fmpq_set_str(q, "1");
    pd_assert_fmpq_eq(P->nodes[4].c2, q);
    pd_test_fmpq_set_str(q, "6");
    pd_assert_fmpq_eq(P->nodes[5].c2, q);
    /* slots: 1 each for 7 nonsmooth nodes, 2 for the sort */
    ck_assert_int_eq(P->nslots, 9);
    ck_assert_int_eq(P->nodes[10].slot, 7);
    fmpq_clear(q);
    pd_prog_clear(P);
}
END_TEST

START_TEST(vectors_elementwise)
{
    /* scalar broadcast: the constant 1 is one node used by both entries;
       v labels its entries; relu is elementwise; max(v) is one node. */
    static const enode e[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 1, 1, 7, NULL},
        {PD_OP_CONST, A0, "1", 0, 2, 9, NULL},
        {PD_OP_ADD, A2(0, 2), NULL, 0, 2, 7, "v[1]"},
        {PD_OP_ADD, A2(1, 2), NULL, 0, 2, 7, "v[2]"},
        {PD_OP_RELU, A1(3), NULL, 0, 3, 5, "r[1]"},
        {PD_OP_RELU, A1(4), NULL, 0, 3, 5, "r[2]"},
        {PD_OP_MUL, A2(5, 0), NULL, 0, 4, 7, "p[1]"},
        {PD_OP_MUL, A2(6, 1), NULL, 0, 4, 7, "p[2]"},
        {PD_OP_MAX, A2(7, 8), NULL, 0, 5, 8, NULL},
        {PD_OP_CONST, A0, "0", 0, 5, 28, NULL},
        {PD_OP_MAX, A2(0, 10), NULL, 0, 5, 21, NULL},
        {PD_OP_MAX, A2(1, 10), NULL, 0, 5, 21, NULL},
        {PD_OP_ADD, A2(11, 12), NULL, 0, 5, 17, NULL},
        {PD_OP_ADD, A2(9, 13), NULL, 0, 5, 15, NULL},
        {PD_OP_NEG, A1(7), NULL, 0, 5, 39, NULL},
        {PD_OP_NEG, A1(8), NULL, 0, 5, 39, NULL},
        {PD_OP_DIV, A1(15), "2", 0, 5, 41, NULL},
        {PD_OP_DIV, A1(16), "2", 0, 5, 41, NULL},
        {PD_OP_POW, A1(17), NULL, 2, 5, 44, NULL},
        {PD_OP_POW, A1(18), NULL, 2, 5, 44, NULL},
        {PD_OP_ADD, A2(19, 20), NULL, 0, 5, 34, NULL},
        {PD_OP_ADD, A2(14, 21), NULL, 0, 5, 32, NULL},
    };
    pd_prog_t P;
    parse_ok(P, "input x[2]\nv = x + 1\nr = relu(v)\np = r * x\n"
                "output max(p) + sum(max(x, 0)) + sum((-p/2)^2)\n");
    check_nodes(P, e, 23);
    ck_assert_int_eq(P->len, 23);
    ck_assert_int_eq(P->output, 22);
    pd_prog_clear(P);
}
END_TEST

START_TEST(matrices)
{
    /* W @ x: for each row, products left to right, then
       ((p1 + p2) + p3); matrix entries are labelled W[i,j]. */
    static const enode e[] = {
        {PD_OP_INPUT, A0, NULL, 0, 1, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 1, 1, 7, NULL},
        {PD_OP_INPUT, A0, NULL, 2, 1, 7, NULL},
        {PD_OP_CONST, A0, "1", 0, 2, 7, "W[1,1]"},
        {PD_OP_CONST, A0, "-2", 0, 2, 10, "W[1,2]"},
        {PD_OP_CONST, A0, "0", 0, 2, 14, "W[1,3]"},
        {PD_OP_CONST, A0, "3", 0, 2, 19, "W[2,1]"},
        {PD_OP_CONST, A0, "1/2", 0, 2, 22, "W[2,2]"},
        {PD_OP_CONST, A0, "5", 0, 2, 27, "W[2,3]"},
        {PD_OP_MUL, A2(3, 0), NULL, 0, 3, 7, NULL},
        {PD_OP_MUL, A2(4, 1), NULL, 0, 3, 7, NULL},
        {PD_OP_ADD, A2(9, 10), NULL, 0, 3, 7, NULL},
        {PD_OP_MUL, A2(5, 2), NULL, 0, 3, 7, NULL},
        {PD_OP_ADD, A2(11, 12), NULL, 0, 3, 7, "h[1]"},
        {PD_OP_MUL, A2(6, 0), NULL, 0, 3, 7, NULL},
        {PD_OP_MUL, A2(7, 1), NULL, 0, 3, 7, NULL},
        {PD_OP_ADD, A2(14, 15), NULL, 0, 3, 7, NULL},
        {PD_OP_MUL, A2(8, 2), NULL, 0, 3, 7, NULL},
        {PD_OP_ADD, A2(16, 17), NULL, 0, 3, 7, "h[2]"},
    };
    pd_prog_t P;
    slong i;
    parse_ok(P, "input x[3]\nW = [[1, -2, 0], [3, 1/2, 5]]\nh = W @ x\n"
                "output h[1] - h[2] + W[2][3] * W[2, 3] + dot(h, h) + W[1] @ x\n");
    check_nodes(P, e, 19);
    /* h[1] - h[2] */
    ck_assert_int_eq(P->nodes[19].op, PD_OP_SUB);
    ck_assert_int_eq(P->nodes[19].args[0], 13);
    ck_assert_int_eq(P->nodes[19].args[1], 18);
    /* W[2][3] and W[2, 3] are the same constant node 8 */
    ck_assert_int_eq(P->nodes[20].op, PD_OP_MUL);
    ck_assert_int_eq(P->nodes[20].args[0], 8);
    ck_assert_int_eq(P->nodes[20].args[1], 8);
    /* dot(h, h) = h1*h1 + h2*h2 */
    ck_assert_int_eq(P->nodes[22].op, PD_OP_MUL);
    ck_assert_int_eq(P->nodes[22].args[0], 13);
    ck_assert_int_eq(P->nodes[23].args[0], 18);
    ck_assert_int_eq(P->nodes[24].op, PD_OP_ADD);
    ck_assert_int_eq(P->nodes[24].args[0], 22);
    ck_assert_int_eq(P->nodes[24].args[1], 23);
    /* W[1] @ x: a row times a vector is a dot product: 3 MUL + 2 ADD */
    for (i = 26; i < 31; i++)
        ck_assert_int_eq(P->nodes[i].line, 4);
    ck_assert_int_eq(P->nodes[26].args[0], 3);
    ck_assert_int_eq(P->len, 32);
    ck_assert_int_eq(P->nodes[31].op, PD_OP_ADD);
    pd_prog_clear(P);
}
END_TEST

START_TEST(matmul_shapes)
{
    pd_prog_t P;
    /* M@M: (2x2)(2x1) is a 2x1 matrix, indexed [i, 1]; v@M is a vector */
    parse_ok(P, "input x, y\nA = [[x, y], [y, x]]\nB = [[1], [2]]\nC = A @ B\n"
                "r = [1, 1] @ A\noutput C[2, 1] + r[2]\n");
    /* B: consts 2, 3.  C = A @ B: C[1,1] = mul(x,2)=4 mul(y,3)=5 add=6;
       C[2,1] = mul(y,2)=7 mul(x,3)=8 add=9.  r: consts 10, 11; r[1] =
       mul(10,x)=12 mul(11,y)=13 add=14; r[2] = mul(10,y)=15 mul(11,x)=16
       add=17; output add(9,17) = 18. */
    ck_assert_int_eq(P->len, 19);
    ck_assert_int_eq(P->nodes[7].op, PD_OP_MUL);
    ck_assert_int_eq(P->nodes[7].args[0], 1);
    ck_assert_int_eq(P->nodes[7].args[1], 2);
    ck_assert_int_eq(P->nodes[8].args[0], 0);
    ck_assert_int_eq(P->nodes[8].args[1], 3);
    ck_assert_str_eq(P->nodes[9].label, "C[2,1]");
    ck_assert_int_eq(P->nodes[15].args[0], 10);
    ck_assert_int_eq(P->nodes[15].args[1], 1);
    ck_assert_int_eq(P->nodes[16].args[0], 11);
    ck_assert_int_eq(P->nodes[16].args[1], 0);
    ck_assert_str_eq(P->nodes[17].label, "r[2]");
    ck_assert_int_eq(P->nodes[18].args[0], 9);
    ck_assert_int_eq(P->nodes[18].args[1], 17);
    pd_prog_clear(P);
    /* a vector @ vector is the dot product */
    parse_ok(P, "input u[2], v[2]\noutput u @ v\n");
    ck_assert_int_eq(P->len, 7);
    ck_assert_int_eq(P->nodes[6].op, PD_OP_ADD);
    pd_prog_clear(P);
}
END_TEST

START_TEST(sort_lazy)
{
    /* sort(v)[1] makes one SORTED; a length-1 sum is the entry itself */
    pd_prog_t P;
    parse_ok(P, "input x[3]\noutput sort(x)[1] + sum([x[2]])\n");
    ck_assert_int_eq(P->len, 6);
    ck_assert_int_eq(P->nodes[3].op, PD_OP_SORT);
    ck_assert_int_eq(P->nodes[3].nargs, 3);
    ck_assert_int_eq(P->nodes[4].op, PD_OP_SORTED);
    ck_assert_int_eq(P->nodes[4].index, 0);
    ck_assert_int_eq(P->nodes[5].args[1], 1);
    pd_prog_clear(P);
    /* an alias of a bound sort shares its entries; sum(sort) takes all */
    parse_ok(P, "input x[2]\ns = sort(x)\nt = s\noutput t[2] * s[2] + sum(s)\n");
    ck_assert_int_eq(P->nodes[3].op, PD_OP_SORTED);
    ck_assert_int_eq(P->nodes[4].op, PD_OP_MUL);
    ck_assert_int_eq(P->nodes[4].args[0], 3);
    ck_assert_int_eq(P->nodes[4].args[1], 3);
    ck_assert_int_eq(P->nodes[5].op, PD_OP_SORTED);
    ck_assert_int_eq(P->nodes[5].index, 0);
    ck_assert_int_eq(P->nodes[6].args[0], 5);
    ck_assert_int_eq(P->nodes[6].args[1], 3);
    ck_assert_str_eq(P->nodes[5].label, "s[1]");
    ck_assert_int_eq(P->len, 8);
    pd_prog_clear(P);
}
END_TEST

START_TEST(continuation)
{
    pd_prog_t P, Q;
    parse_ok(P, "input a, b, c\noutput max(a, b, c) + relu(a - b) * 2\n");
    parse_ok(Q, "input a,\n   b,\n  c\noutput max(a,\n b,   # comment inside\n"
                "\n c) +\n relu(\n a\n -\n b\n ) *\n 2\n");
    ck_assert(dag_equal(P, Q));
    ck_assert_int_eq(Q->nodes[3].line, 4);
    ck_assert_int_eq(Q->nodes[3].col, 8);
    pd_prog_clear(Q);
    parse_ok(Q, "input a, b, c\nW = [\n [a, b],\n [c, a]\n]\noutput W[1, 2]\n");
    ck_assert_int_eq(Q->output, 1);
    pd_prog_clear(Q);
    pd_prog_clear(P);
}
END_TEST

START_TEST(parse_file)
{
    pd_prog_t P;
    pd_error_t err;
    char path[64];
    FILE *f;
    pd_error_init(err);
    snprintf(path, sizeof(path), "check_lang_%ld.pd", (long) getpid());
    f = fopen(path, "wb");
    ck_assert(f != NULL);
    fputs("input x\n# t\noutput relu(x)\n", f);
    fclose(f);
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_file(P, path, err), PD_OK);
    ck_assert_int_eq(P->len, 2);
    ck_assert_str_eq(P->file, path);
    pd_prog_clear(P);
    /* a NUL byte is an error at its position */
    f = fopen(path, "wb");
    fwrite("input x\noutput x\0\n", 1, 18, f);
    fclose(f);
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_file(P, path, err), PD_EPARSE);
    ck_assert_int_eq(err->line, 2);
    ck_assert_int_eq(err->col, 9);
    ck_assert_str_eq(err->file, path);
    pd_prog_clear(P);
    remove(path);
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_file(P, path, err), PD_EIO);
    ck_assert(strstr(err->msg, "cannot open") != NULL);
    ck_assert_int_eq(pd_parse_file(P, NULL, err), PD_EINVAL);
    pd_prog_clear(P);
}
END_TEST

START_TEST(parse_limits)
{
    pd_prog_t P;
    pd_error_t err;
    char *big;
    size_t n = (size_t) PD_LANG_MAX_SOURCE + 1, k;
    pd_error_init(err);
    /* source size */
    big = flint_malloc(n + 1);
    memset(big, '\n', n);
    big[n] = '\0';
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, big, NULL, err), PD_ELIMIT);
    ck_assert(strstr(err->msg, "larger than") != NULL);
    pd_prog_clear(P);
    /* nesting: 199 parentheses are fine, 200 are too deep */
    for (k = 0; k < 2; k++) {
        slong depth = k == 0 ? 199 : 200, i, m = 0;
        char *s = flint_malloc(2 * depth + 32);
        m += sprintf(s, "input x\noutput ");
        for (i = 0; i < depth; i++)
            s[m++] = '(';
        s[m++] = 'x';
        for (i = 0; i < depth; i++)
            s[m++] = ')';
        s[m] = '\0';
        pd_prog_init(P);
        if (k == 0) {
            ck_assert_int_eq(pd_parse_string(P, s, NULL, err), PD_OK);
        } else {
            ck_assert_int_eq(pd_parse_string(P, s, NULL, err), PD_EPARSE);
            ck_assert(strstr(err->msg, "nested deeper than 200") != NULL);
            ck_assert_int_eq(err->line, 2);
            ck_assert_int_eq(err->col, 8 + 200);
            ck_assert_str_eq(err->file, "<input>");
        }
        pd_prog_clear(P);
        flint_free(s);
    }
    /* a long chain of minus signs and of powers is bounded the same way */
    memset(big, '-', 100000);
    memcpy(big, "output ", 7);
    big[100000] = 'x';
    big[100001] = '\0';
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, big, NULL, err), PD_EPARSE);
    ck_assert(strstr(err->msg, "nested deeper") != NULL);
    pd_prog_clear(P);
    /* many bindings and a long sum (the loops are not recursive) */
    {
        slong i, m = 0, nb = 3000;
        char *s = flint_malloc(40 * nb + 64);
        m += sprintf(s, "input x\nt0 = x\n");
        for (i = 1; i < nb; i++)
            m += sprintf(s + m, "t%ld = t%ld + x\n", (long) i, (long) (i - 1));
        m += sprintf(s + m, "output t0");
        for (i = 1; i < nb; i++)
            m += sprintf(s + m, " + t%ld", (long) i);
        s[m] = '\0';
        parse_ok(P, s);
        ck_assert_int_eq(P->len, 1 + (nb - 1) + (nb - 1));
        ck_assert_str_eq(P->nodes[nb - 1].label, "t2999");
        pd_prog_clear(P);
        flint_free(s);
    }
    /* a program must be parsed into an empty one */
    parse_ok(P, "output 1");
    ck_assert_int_eq(pd_parse_string(P, "output 1", NULL, err), PD_EINVAL);
    ck_assert_int_eq(pd_parse_string(P, NULL, NULL, err), PD_EINVAL);
    pd_prog_clear(P);
    flint_free(big);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

typedef struct {
    const char *src;
    slong line, col;
    const char *msg;
} bad_case;

static const bad_case bad[] = {
    /* unknown names and functions */
    {"input x\noutput x + y\n", 2, 12, "unknown name 'y'"},
    {"input x\noutput foo(x)\n", 2, 8, "unknown function 'foo'"},
    {"input x\nh = x\noutput h(1)\n", 3, 8, "'h' is not a function"},
    {"input x\noutput relu\n", 2, 8, "'relu' is a function"},
    {"input x\noutput x + input\n", 2, 12, "keyword 'input'"},
    /* arity */
    {"input x, y\noutput relu(x, y)\n", 2, 8, "relu takes 1 argument (relu(e)), got 2"},
    {"input x\noutput clamp(x, 1)\n", 2, 8, "clamp takes 3 arguments"},
    {"input x\noutput leaky_relu(x)\n", 2, 8, "leaky_relu takes 2 arguments"},
    {"input x\noutput max()\n", 2, 8, "max takes at least 1 argument, got 0"},
    {"input x, y\noutput dot(x)\n", 2, 8, "dot takes 2 arguments"},
    /* division */
    {"input x, y\noutput x / y\n", 2, 12, "division by a non-constant"},
    {"input x, y\noutput x / relu(2)\n", 2, 12, "division by a non-constant"},
    {"input x\noutput x / 0\n", 2, 10, "division by zero"},
    {"input x\noutput 1/0 + x\n", 2, 9, "division by zero"},
    {"input x\noutput x / (1 - 1)\n", 2, 10, "division by zero"},
    {"input x\noutput x / [1]\n", 2, 12, "division by a non-constant"},
    /* powers */
    {"input x\noutput x^-1\n", 2, 10, "negative exponent"},
    {"input x\noutput x^0.5\n", 2, 10, "fractional exponent"},
    {"input x\noutput x^(1/2)\n", 2, 11, "not an expression"},
    {"input x, y\noutput x^y\n", 2, 10, "exponent of '^' must be a natural-number literal"},
    {"input x\noutput x^(1+1)\n", 2, 11, "not an expression"},
    {"input x\noutput x^2^3\n", 2, 10, "not an expression"},
    {"input x\noutput x^1001\n", 2, 10, "exponent larger than 1000"},
    /* constants where required */
    {"input x, a\noutput leaky_relu(x, a)\n", 2, 22, "slope of leaky_relu must be a rational constant"},
    {"input x, a\noutput clamp(x, 0, a)\n", 2, 20, "bounds of clamp must be rational constants"},
    {"input x\noutput clamp(x, 2, 1)\n", 2, 8, "lower bound 2 exceeds the upper bound 1"},
    /* shapes */
    {"input x[2], y[3]\noutput sum(x + y)\n", 2, 14, "dimension mismatch: a vector of length 2 + a vector of length 3"},
    {"input x[2]\nW = [[1, 2, 3], [4, 5, 6]]\noutput sum(W @ x)\n", 3, 14, "dimension mismatch: a 2x3 matrix @ a vector of length 2"},
    {"input x[2], y[3]\noutput dot(x, y)\n", 2, 8, "dimension mismatch: dot"},
    {"output sum([[1, 2], [3]])\n", 1, 21, "dimension mismatch: row 2 is a vector of length 1"},
    {"input x[2], y[3]\noutput max(x, y, 1)[1]\n", 2, 8, "dimension mismatch in max"},
    {"input x[2]\noutput x\n", 2, 8, "vector where a scalar is needed"},
    {"input x\noutput [x, 1]\n", 2, 8, "vector where a scalar is needed"},
    {"input x\noutput sum([x, [x]])\n", 2, 16, "vector where a scalar is needed"},
    {"output sum([[[1]]])\n", 1, 13, "matrix where a scalar or a row is needed"},
    {"input x\noutput sort(x)[1]\n", 2, 8, "sort needs a vector, got a scalar"},
    {"output sort([[1, 2], [3, 4]])[1]\n", 1, 8, "sort needs a vector, got a 2x2 matrix"},
    {"input x\noutput sum(x)\n", 2, 8, "sum needs a vector or a matrix, got a scalar"},
    {"input x, y\noutput dot(x, y)\n", 2, 8, "dot needs two vectors"},
    {"input x\noutput x @ [1]\n", 2, 10, "'@' needs vectors or matrices, got a scalar on the left"},
    {"input x\noutput x[1]\n", 2, 9, "indexing a scalar"},
    {"input x[2]\noutput x[3]\n", 2, 9, "index 3 out of range: a vector of length 2"},
    {"input x[2]\noutput x[0]\n", 2, 10, "an index must be a positive integer (counting from 1), not 0"},
    {"input x[2]\noutput x[1.5]\n", 2, 10, "an index must be a positive integer, not '1.5'"},
    {"input x[2]\noutput x[1, 1]\n", 2, 9, "a vector takes one index, got 2"},
    {"output [[1, 2]][1, 3]\n", 1, 16, "column index 3 out of range: a 1x2 matrix"},
    {"output [[1, 2]][1, 1, 1]\n", 1, 23, "too many indices"},
    {"output []\n", 1, 8, "empty vector"},
    {"input x[0]\noutput 1\n", 1, 9, "the length of a vector input must be a positive integer"},
    /* names */
    {"input x\nh = x + 1\nh = x\noutput h\n", 3, 1, "redefinition of 'h' (defined at line 2)"},
    {"input x, x\noutput x\n", 1, 10, "redefinition of 'x' (defined at line 1)"},
    {"input x\nx = 1\noutput x\n", 2, 1, "redefinition of 'x'"},
    {"input x[2]\ninput x\noutput 1\n", 2, 7, "redefinition of 'x'"},
    {"input x\nrelu = x\noutput x\n", 2, 1, "'relu' is a built-in function"},
    {"input output\noutput 1\n", 1, 7, "'output' is a keyword"},
    {"f(x, max) = x\n", 1, 6, "'max' is a built-in function"},
    /* output */
    {"input x\nh = relu(x)\n", 2, 12, "missing output"},
    {"", 1, 1, "missing output"},
    {"input x\noutput x\noutput x + 1\n", 3, 1, "duplicate output: the output was already given at line 2"},
    {"f(x) = x\noutput x\n", 2, 1, "duplicate output"},
    {"output 1\nf(x) = x\n", 2, 1, "duplicate output"},
    /* unexpected tokens */
    {"input x\noutput x x\n", 2, 10, "unexpected name 'x': expected an operator or the end of the line"},
    {"input x\noutput )\n", 2, 8, "unexpected ')': expected an expression"},
    {"input x\nx + 1\n", 2, 3, "unexpected '+': expected '='"},
    {"= 3\n", 1, 1, "unexpected '=': expected a statement"},
    {"input x\noutput\n", 2, 7, "unexpected end of line: expected an expression"},
    {"input x\noutput x +\n\n", 2, 11, "unexpected end of input: expected an expression"},
    {"input\noutput 1\n", 1, 6, "unexpected end of line: expected an input name"},
    {"input 3\noutput 1\n", 1, 7, "unexpected number '3': expected an input name"},
    {"f(x) + 1\n", 1, 6, "unexpected '+': expected '=' after the parameters"},
    {"input x\noutput relu(x) relu(x)\n", 2, 16, "unexpected name 'relu'"},
    {"relu(x) = 3\n", 1, 1, "cannot start with a call to 'relu'"},
    {"input x\noutput +x\n", 2, 8, "unexpected '+': expected an expression"},
    /* numbers */
    {"input x\noutput x + 1.\n", 2, 12, "bad number '1.': expected a digit after '.'"},
    {"input x\noutput x * 2e\n", 2, 12, "bad number '2e': expected digits in the exponent"},
    {"input x\noutput x * 1e99999\n", 2, 12, "the exponent must lie within +-10000"},
    {"input x\noutput x + .5\n", 2, 12, "write a digit before '.'"},
    {"input x\noutput 2x\n", 2, 8, "a number cannot run into a name"},
    /* brackets */
    {"input x\noutput relu(x\n", 2, 12, "unterminated '(': no matching ')'"},
    {"input x\noutput sum([1,\n 2\n", 2, 12, "unterminated '['"},
    {"input x\noutput (x]\n", 2, 10, "expected ',' or ')' to close the '(' at 2:8, found ']'"},
    {"input x\noutput [x)\n", 2, 10, "expected ',' or ']' to close the '[' at 2:8, found ')'"},
    /* characters */
    {"input x\noutput x $ 1\n", 2, 10, "unexpected character '$'"},
    {"input x\noutput x \xc3\xa9\n", 2, 10, "unexpected byte 0xc3"},
    {"input x\n  output x; x\n", 2, 11, "unexpected character ';'"},
};

#define NBAD ((int) (sizeof(bad) / sizeof(bad[0])))

START_TEST(parse_errors)
{
    const bad_case *b = bad + _i;
    pd_prog_t P;
    pd_error_t err;
    pd_status_t st;
    pd_error_init(err);
    pd_prog_init(P);
    st = pd_parse_string(P, b->src, "bad.pd", err);
    ck_assert_msg(st == PD_EPARSE, "case %d accepted (status %d): %s", _i, (int) st, b->src);
    ck_assert_int_eq(err->code, PD_EPARSE);
    ck_assert_msg(err->line == b->line && err->col == b->col,
                  "case %d: error at %ld:%ld, expected %ld:%ld (%s)\n%s", _i,
                  (long) err->line, (long) err->col, (long) b->line, (long) b->col,
                  err->msg, b->src);
    ck_assert_msg(strstr(err->msg, b->msg) != NULL, "case %d: message \"%s\" lacks \"%s\"",
                  _i, err->msg, b->msg);
    ck_assert_str_eq(err->file, "bad.pd");
    /* the text is the source line of the error */
    {
        const char *s = b->src;
        slong l = 1;
        size_t n;
        while (l < b->line && *s != '\0') {
            if (*s == '\n')
                l++;
            s++;
        }
        n = strcspn(s, "\n");
        ck_assert_msg(strlen(err->text) == n && strncmp(err->text, s, n) == 0,
                      "case %d: text \"%s\"", _i, err->text);
    }
    pd_prog_clear(P);
}
END_TEST

START_TEST(parse_error_limits)
{
    /* over-long name and literal; vector input over the limit */
    pd_prog_t P;
    pd_error_t err;
    char *s = flint_malloc(PD_LANG_MAX_LITERAL + 64);
    slong m;
    pd_error_init(err);
    m = sprintf(s, "output ");
    memset(s + m, 'a', PD_LANG_MAX_NAME + 1);
    s[m + PD_LANG_MAX_NAME + 1] = '\0';
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, s, NULL, err), PD_EPARSE);
    ck_assert(strstr(err->msg, "name longer than 255") != NULL);
    ck_assert_int_eq(err->col, 8);
    pd_prog_clear(P);
    memset(s + m, '1', PD_LANG_MAX_LITERAL + 1);
    s[m + PD_LANG_MAX_LITERAL + 1] = '\0';
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, s, NULL, err), PD_EPARSE);
    ck_assert(strstr(err->msg, "number longer than 100000") != NULL);
    pd_prog_clear(P);
    /* exactly at the limits is fine */
    memset(s + m, '1', PD_LANG_MAX_LITERAL);
    s[m + PD_LANG_MAX_LITERAL] = '\0';
    parse_ok(P, s);
    pd_prog_clear(P);
    /* a value of more than 100000 digits is refused, so that every
       constant prints as a literal that reads back */
    memset(s + m, '1', PD_LANG_MAX_LITERAL - 5);
    sprintf(s + m + PD_LANG_MAX_LITERAL - 5, "e6");
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, s, NULL, err), PD_EPARSE);
    ck_assert(strstr(err->msg, "more than 100000 digits") != NULL);
    pd_prog_clear(P);
    sprintf(s + m + PD_LANG_MAX_LITERAL - 5, "e5");
    parse_ok(P, s);
    check_round_trip(P, "a long literal");
    pd_prog_clear(P);
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, "input x[1048577]\noutput 1", NULL, err), PD_ELIMIT);
    ck_assert_int_eq(err->line, 1);
    ck_assert_int_eq(err->col, 7);
    ck_assert(strstr(err->msg, "more than 65536 inputs") != NULL);
    pd_prog_clear(P);
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, "input a, b\ninput x[65535]\noutput 1", NULL, err),
                     PD_ELIMIT);
    ck_assert_int_eq(err->line, 2);
    ck_assert_int_eq(err->col, 7);
    ck_assert_int_eq(P->ninputs, 2);
    pd_prog_clear(P);
    /* a folded constant too large */
    pd_prog_init(P);
    ck_assert_int_eq(pd_parse_string(P, "input x\noutput x / ((1e9999)^1000)", NULL, err),
                     PD_EPARSE);
    ck_assert(strstr(err->msg, "constant too large") != NULL);
    ck_assert_int_eq(err->col, 21);
    pd_prog_clear(P);
    flint_free(s);
}
END_TEST

/* ---- numbers ----------------------------------------------------------- */

typedef struct {
    const char *s;
    pd_points_t mode;
    const char *value;      /* expected, or NULL for an error */
    pd_status_t status;
} num_case;

static const num_case nums[] = {
    {"3/4", PD_POINTS_EXACT, "3/4", PD_OK},
    {"-3/4", PD_POINTS_EXACT, "-3/4", PD_OK},
    {"+6/4", PD_POINTS_EXACT, "3/2", PD_OK},
    {"0/5", PD_POINTS_EXACT, "0", PD_OK},
    {"0.125", PD_POINTS_EXACT, "1/8", PD_OK},
    {"1e-3", PD_POINTS_EXACT, "1/1000", PD_OK},
    {"2.5E+4", PD_POINTS_EXACT, "25000", PD_OK},
    {"-0.5e1", PD_POINTS_EXACT, "-5", PD_OK},
    {".5", PD_POINTS_EXACT, "1/2", PD_OK},
    {"5.", PD_POINTS_EXACT, "5", PD_OK},
    {" 7 ", PD_POINTS_EXACT, "7", PD_OK},
    {"000012", PD_POINTS_EXACT, "12", PD_OK},
    {"123456789012345678901234567890", PD_POINTS_EXACT, "123456789012345678901234567890", PD_OK},
    {"1e-99999", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"0e99999", PD_POINTS_EXACT, "0", PD_OK},
    {"3/-4", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"1/0", PD_POINTS_EXACT, NULL, PD_EDOM},
    {"1/2/3", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"1.5/2", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"/2", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"abc", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"-", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"1e", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"1e+", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {".", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"1 2", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"--1", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"0x10", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"inf", PD_POINTS_EXACT, NULL, PD_EPARSE},
    {"-Infinity", PD_POINTS_FLOAT64, NULL, PD_EPARSE},
    {"NaN", PD_POINTS_FLOAT32, NULL, PD_EPARSE},
    /* float32/float64 values from python3: Fraction(struct.unpack('<f',
       struct.pack('<f', x))[0]) and Fraction(x) */
    {"0.1", PD_POINTS_FLOAT32, "13421773/134217728", PD_OK},
    {"0.1", PD_POINTS_FLOAT64, "3602879701896397/36028797018963968", PD_OK},
    {"-0.1", PD_POINTS_FLOAT64, "-3602879701896397/36028797018963968", PD_OK},
    {"1/3", PD_POINTS_FLOAT32, "11184811/33554432", PD_OK},
    {"1/3", PD_POINTS_FLOAT64, "6004799503160661/18014398509481984", PD_OK},
    {"0.3", PD_POINTS_FLOAT32, "5033165/16777216", PD_OK},
    {"0.3", PD_POINTS_FLOAT64, "5404319552844595/18014398509481984", PD_OK},
    {"1e-45", PD_POINTS_FLOAT32, "1/713623846352979940529142984724747568191373312", PD_OK},
    {"1e-40", PD_POINTS_FLOAT32, "35681/356811923176489970264571492362373784095686656", PD_OK},
    {"16777217", PD_POINTS_FLOAT32, "16777216", PD_OK},
    {"3.4028234663852886e38", PD_POINTS_FLOAT32, "340282346638528859811704183484516925440", PD_OK},
    {"3.4028236e38", PD_POINTS_FLOAT32, NULL, PD_EDOM},
    {"1e309", PD_POINTS_FLOAT64, NULL, PD_EDOM},
    {"1e99999", PD_POINTS_FLOAT64, NULL, PD_EDOM},
    {"-1e-99999", PD_POINTS_FLOAT64, "0", PD_OK},
    {"0.5", PD_POINTS_FLOAT32, "1/2", PD_OK},
    {"0", PD_POINTS_FLOAT64, "0", PD_OK},
    {"1/0", PD_POINTS_FLOAT32, NULL, PD_EDOM},
};

#define NNUMS ((int) (sizeof(nums) / sizeof(nums[0])))

START_TEST(number_parse)
{
    const num_case *c = nums + _i;
    fmpq_t q, e;
    pd_error_t err;
    pd_status_t st;
    fmpq_init(q);
    fmpq_init(e);
    pd_error_init(err);
    st = pd_number_parse(q, c->s, c->mode, err);
    ck_assert_msg(st == c->status, "\"%s\" mode %d: status %d, expected %d (%s)", c->s,
                  (int) c->mode, (int) st, (int) c->status, err->msg);
    if (c->value != NULL) {
        pd_test_fmpq_set_str(e, c->value);
        pd_assert_fmpq_eq(q, e);
        ck_assert(fmpq_is_canonical(q));
    } else {
        ck_assert(err->msg[0] != '\0');
        ck_assert_int_eq(err->line, 0);
    }
    fmpq_clear(q);
    fmpq_clear(e);
}
END_TEST

/* Rounding cases derived by hand (ties to even, subnormals, overflow). */
START_TEST(round_float_ties)
{
    fmpq_t q, r, e;
    pd_error_t err;
    fmpq_init(q);
    fmpq_init(r);
    fmpq_init(e);
    pd_error_init(err);
#define ROUND_IS(num, den_exp, mode, expect)                               \
    do {                                                                   \
        fmpz_set_str(fmpq_numref(q), num, 10);                             \
        fmpz_one(fmpq_denref(q));                                          \
        fmpq_div_2exp(q, q, den_exp);                                      \
        ck_assert_int_eq(pd_fmpq_round_float(r, q, mode, err), PD_OK);     \
        pd_test_fmpq_set_str(e, expect);                                   \
        pd_assert_fmpq_eq(r, e);                                           \
    } while (0)
    /* 1 + 2^-24: halfway between 1 and 1 + 2^-23: to the even 1 */
    ROUND_IS("16777217", 24, PD_POINTS_FLOAT32, "1");
    /* 1 + 3*2^-24: halfway between 1 + 2^-23 (odd) and 1 + 2^-22 */
    ROUND_IS("16777219", 24, PD_POINTS_FLOAT32, "4194305/4194304");
    /* (2^24 + 1)/2^24 + 2^-40: just above that tie, rounds up */
    ROUND_IS("1099511693313", 40, PD_POINTS_FLOAT32, "8388609/8388608");
    /* subnormals: 2^-150 is half the smallest: ties to 0; 3*2^-150 ties
       to 2^-148; 2^-149 stays */
    ROUND_IS("1", 150, PD_POINTS_FLOAT32, "0");
    ROUND_IS("3", 150, PD_POINTS_FLOAT32, "1/356811923176489970264571492362373784095686656");
    ROUND_IS("1", 149, PD_POINTS_FLOAT32, "1/713623846352979940529142984724747568191373312");
    /* largest subnormal + half a step ties up to the smallest normal 2^-126 */
    ROUND_IS("16777215", 150, PD_POINTS_FLOAT32, "1/85070591730234615865843651857942052864");
    /* float64: 2^-1075 ties to 0, 3*2^-1075 to 2^-1073 */
    ROUND_IS("1", 1075, PD_POINTS_FLOAT64, "0");
    fmpz_set_ui(fmpq_numref(q), 3);
    fmpz_one(fmpq_denref(q));
    fmpq_div_2exp(q, q, 1075);
    ck_assert_int_eq(pd_fmpq_round_float(r, q, PD_POINTS_FLOAT64, err), PD_OK);
    fmpz_one(fmpq_numref(e));
    fmpz_one(fmpq_denref(e));
    fmpq_div_2exp(e, e, 1073);
    pd_assert_fmpq_eq(r, e);
    /* 2^53 + 1 ties to 2^53 */
    ROUND_IS("9007199254740993", 0, PD_POINTS_FLOAT64, "9007199254740992");
    ROUND_IS("-9007199254740995", 0, PD_POINTS_FLOAT64, "-9007199254740996");
    /* overflow: 2^128 - 2^103 ties to 2^128 (even): overflow; just below
       is the largest float32 */
    fmpz_one(fmpq_numref(q));
    fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q), 128);
    fmpz_one(fmpq_denref(q));
    fmpz_set_ui(fmpq_numref(e), 1);
    fmpz_mul_2exp(fmpq_numref(e), fmpq_numref(e), 103);
    fmpz_one(fmpq_denref(e));
    fmpq_sub(q, q, e);
    ck_assert_int_eq(pd_fmpq_round_float(r, q, PD_POINTS_FLOAT32, err), PD_EDOM);
    ck_assert(strstr(err->msg, "overflows float32") != NULL);
    fmpq_neg(q, q);
    ck_assert_int_eq(pd_fmpq_round_float(r, q, PD_POINTS_FLOAT32, err), PD_EDOM);
    fmpq_neg(q, q);
    fmpz_sub_ui(fmpq_numref(q), fmpq_numref(q), 1);
    ck_assert_int_eq(pd_fmpq_round_float(r, q, PD_POINTS_FLOAT32, err), PD_OK);
    pd_test_fmpq_set_str(e, "340282346638528859811704183484516925440");
    pd_assert_fmpq_eq(r, e);
    /* exact mode is the identity; zero is zero */
    pd_test_fmpq_set_str(q, "1/3");
    ck_assert_int_eq(pd_fmpq_round_float(r, q, PD_POINTS_EXACT, err), PD_OK);
    pd_assert_fmpq_eq(r, q);
    fmpq_zero(q);
    ck_assert_int_eq(pd_fmpq_round_float(r, q, PD_POINTS_FLOAT64, err), PD_OK);
    ck_assert(fmpq_is_zero(r));
    /* a long mantissa with an exponent beyond +-10000: exact reading
       refuses it, float reading rounds the value 10^10000 * 10^-10001 */
    {
        char *t = flint_malloc(10100);
        t[0] = '1';
        memset(t + 1, '0', 10000);
        strcpy(t + 10001, "e-10001");
        ck_assert_int_eq(pd_number_parse(r, t, PD_POINTS_EXACT, err), PD_EPARSE);
        ck_assert(strstr(err->msg, "exponent must lie within +-10000") != NULL);
        ck_assert_int_eq(pd_number_parse(r, t, PD_POINTS_FLOAT32, err), PD_OK);
        pd_test_fmpq_set_str(e, "13421773/134217728");
        pd_assert_fmpq_eq(r, e);
        flint_free(t);
    }
    /* aliasing */
    pd_test_fmpq_set_str(q, "1/10");
    ck_assert_int_eq(pd_fmpq_round_float(q, q, PD_POINTS_FLOAT32, err), PD_OK);
    pd_test_fmpq_set_str(e, "13421773/134217728");
    pd_assert_fmpq_eq(q, e);
#undef ROUND_IS
    fmpq_clear(q);
    fmpq_clear(r);
    fmpq_clear(e);
}
END_TEST

/* Second method: MPFR at the format's precision and exponent range, with
   mpfr_subnormalize (MPFR's exponents: x = m 2^e with 1/2 <= m < 1). */
static int round_by_mpfr(fmpq_t r, const fmpq_t q, pd_points_t mode)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_t x;
    mpq_t mq;
    mpz_t m;
    fmpz_t z;
    mpfr_exp_t e;
    int t, ok = 1;
    int f32 = (mode == PD_POINTS_FLOAT32);
    mpfr_set_emin(f32 ? -148 : -1073);
    mpfr_set_emax(f32 ? 128 : 1024);
    mpfr_init2(x, f32 ? 24 : 53);
    mpq_init(mq);
    fmpq_get_mpq(mq, q);
    t = mpfr_set_q(x, mq, MPFR_RNDN);
    t = mpfr_subnormalize(x, t, MPFR_RNDN);
    (void) t;
    if (mpfr_inf_p(x)) {
        ok = 0;
    } else if (mpfr_zero_p(x)) {
        fmpq_zero(r);
    } else {
        mpz_init(m);
        fmpz_init(z);
        e = mpfr_get_z_2exp(m, x);
        fmpz_set_mpz(z, m);
        fmpz_set(fmpq_numref(r), z);
        fmpz_one(fmpq_denref(r));
        if (e >= 0)
            fmpq_mul_2exp(r, r, e);
        else
            fmpq_div_2exp(r, r, -e);
        mpz_clear(m);
        fmpz_clear(z);
    }
    mpq_clear(mq);
    mpfr_clear(x);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    return ok;
}

START_TEST(round_float_random)
{
    flint_rand_t state;
    fmpq_t q, r, s;
    pd_error_t err;
    slong iter, n = 3000 * pd_test_mult;
    pd_test_randinit(state, 11);
    fmpq_init(q);
    fmpq_init(r);
    fmpq_init(s);
    pd_error_init(err);
    for (iter = 0; iter < n; iter++) {
        pd_points_t mode = (iter % 2) ? PD_POINTS_FLOAT32 : PD_POINTS_FLOAT64;
        slong shift = (slong) n_randint(state, 2300) - 1150;
        pd_status_t st;
        int ok;
        switch (n_randint(state, 3)) {
        case 0:     /* random rationals */
            fmpq_randtest_not_zero(q, state, 1 + n_randint(state, 120));
            break;
        case 1:     /* dyadics with 1..60 bits: many exact ties */
            fmpz_randtest_not_zero(fmpq_numref(q), state, 1 + n_randint(state, 60));
            fmpz_one(fmpq_denref(q));
            break;
        default:    /* decimals */
            fmpz_randtest_not_zero(fmpq_numref(q), state, 1 + n_randint(state, 80));
            fmpz_set_ui(fmpq_denref(q), 10);
            fmpz_pow_ui(fmpq_denref(q), fmpq_denref(q), n_randint(state, 30));
            fmpq_canonicalise(q);
            break;
        }
        if (shift >= 0)
            fmpq_mul_2exp(q, q, shift);
        else
            fmpq_div_2exp(q, q, -shift);
        st = pd_fmpq_round_float(r, q, mode, err);
        ok = round_by_mpfr(s, q, mode);
        if (!ok) {
            ck_assert_msg(st == PD_EDOM, "iteration %ld: overflow not reported", (long) iter);
            continue;
        }
        ck_assert_msg(st == PD_OK, "iteration %ld: status %d", (long) iter, (int) st);
        pd_assert_fmpq_eq(r, s);
        ck_assert(fmpq_is_canonical(r));
    }
    fmpq_clear(q);
    fmpq_clear(r);
    fmpq_clear(s);
    flint_randclear(state);
}
END_TEST

/* ---- points ------------------------------------------------------------ */

START_TEST(point_parse)
{
    pd_prog_t P, Z;
    pd_error_t err;
    fmpq *x = _fmpq_vec_init(3);
    fmpq_t e;
    fmpq_init(e);
    pd_error_init(err);
    parse_ok(P, "input x, y[2]\noutput x + y[1] + y[2]\n");
    ck_assert_int_eq(pd_point_parse(x, P, "1/2,0,-3", PD_POINTS_EXACT, err), PD_OK);
    pd_test_fmpq_set_str(e, "1/2");
    pd_assert_fmpq_eq(x + 0, e);
    ck_assert(fmpq_is_zero(x + 1));
    pd_test_fmpq_set_str(e, "-3");
    pd_assert_fmpq_eq(x + 2, e);
    ck_assert_int_eq(pd_point_parse(x, P, " y[2] = 0.25 , x=-1e1, y[1]=7 ",
                                    PD_POINTS_EXACT, err), PD_OK);
    pd_test_fmpq_set_str(e, "-10");
    pd_assert_fmpq_eq(x + 0, e);
    pd_test_fmpq_set_str(e, "7");
    pd_assert_fmpq_eq(x + 1, e);
    pd_test_fmpq_set_str(e, "1/4");
    pd_assert_fmpq_eq(x + 2, e);
    ck_assert_int_eq(pd_point_parse(x, P, "0.1,1,1", PD_POINTS_FLOAT32, err), PD_OK);
    pd_test_fmpq_set_str(e, "13421773/134217728");
    pd_assert_fmpq_eq(x + 0, e);

#define POINT_ERR(spec, code, sub)                                          \
    do {                                                                    \
        ck_assert_int_eq(pd_point_parse(x, P, spec, PD_POINTS_EXACT, err), code); \
        ck_assert_msg(strstr(err->msg, sub) != NULL, "\"%s\": %s", spec, err->msg); \
    } while (0)
    POINT_ERR("1,2", PD_EINVAL, "the point has 2 values but the program has 3 inputs");
    POINT_ERR("1,2,3,4", PD_EINVAL, "the point has 4 values");
    POINT_ERR("x=1,z=2,y[1]=0", PD_EINVAL, "unknown input 'z'");
    POINT_ERR("x=1,x=2,y[1]=0,y[2]=0", PD_EINVAL, "input 'x' given twice");
    POINT_ERR("x=1,y[1]=2", PD_EINVAL, "no value for input 'y[2]'");
    POINT_ERR("x=abc,y[1]=2,y[2]=0", PD_EPARSE, "input x: bad number 'abc'");
    POINT_ERR("1/0,1,1", PD_EDOM, "zero denominator");
    POINT_ERR("1,y[1]=2,3", PD_EINVAL, "mix of positional and named");
    POINT_ERR("1,,2", PD_EINVAL, "empty value at position 2");
    POINT_ERR("", PD_EINVAL, "empty point");
    POINT_ERR("y=1,y[1]=2,y[2]=3", PD_EINVAL, "unknown input 'y'");
    POINT_ERR("1,2,", PD_EINVAL, "empty value at position 3");
    ck_assert_int_eq(pd_point_parse(x, P, "1e99999,0,0", PD_POINTS_FLOAT64, err), PD_EDOM);
#undef POINT_ERR
    /* a program without inputs takes the empty point */
    parse_ok(Z, "output 1");
    ck_assert_int_eq(pd_point_parse(x, Z, "", PD_POINTS_EXACT, err), PD_OK);
    ck_assert_int_eq(pd_point_parse(x, Z, "1", PD_POINTS_EXACT, err), PD_EINVAL);
    pd_prog_clear(Z);
    fmpq_clear(e);
    _fmpq_vec_clear(x, 3);
    pd_prog_clear(P);
}
END_TEST

/* ---- round trip --------------------------------------------------------- */

START_TEST(round_trip_fixed)
{
    static const char *progs[] = {
        "f(x, y) = max(x, y) - relu(x - 2*y) + 3/4*x^2",
        "input x[3], b\nW = [[1, -2, 1/2], [3, 5, 1e-3]]\nh = relu(W @ x + b)\n"
        "s = sort(x)\noutput h[1] + s[1] * s[1] - x[2] / (2*3) + leaky_relu(b, -1/100)"
        " + clamp(b, -1, 2.5) + sum(h) + dot(h, h) + max(x) + min(b, 1, x[1])"
        " + hardtanh(b) + relu6(-b) + abs(b) - 3",
        "input x\nh = relu(x)\noutput h - h + relu(x) - relu(x)",
        "input x\noutput -x + (-(x))^3 + 2^2 + (-2)*x",
        "input u[4]\ns = sort(u)\noutput s[4] - s[1] + sort(u)[2]",
        "output 7",
    };
    slong i;
    for (i = 0; i < (slong) (sizeof(progs) / sizeof(progs[0])); i++) {
        pd_prog_t P;
        parse_ok(P, progs[i]);
        check_round_trip(P, progs[i]);
        pd_prog_clear(P);
    }
}
END_TEST

/* A random program text.  Fractional constants appear only where the
   printer keeps them one token (left operands, function arguments). */
typedef struct {
    char *s;
    size_t len, alloc;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->s + b->len, b->alloc - b->len, fmt, ap);
        va_end(ap);
        if ((size_t) n < b->alloc - b->len)
            break;
        b->alloc = 2 * b->alloc + n + 64;
        b->s = realloc(b->s, b->alloc);
    }
    b->len += n;
}

static void gen_const(sbuf *b, flint_rand_t st, int integer)
{
    slong p = (slong) n_randint(st, 9) - 4;
    slong q = 1 + n_randint(st, 4);
    if (integer || q == 1)
        sb_printf(b, p < 0 ? "(%ld)" : "%ld", (long) p);
    else
        sb_printf(b, p < 0 ? "(%ld/%ld)" : "%ld/%ld", (long) p, (long) q);
}

static slong gen_ninputs;   /* v0 .. v(gen_ninputs - 1) are inputs */

static void gen_expr(sbuf *b, flint_rand_t st, slong nnames, slong depth)
{
    slong r = n_randint(st, depth <= 0 ? 3 : 17);
    switch (r) {
    case 0: case 1:
        sb_printf(b, "v%ld", (long) n_randint(st, nnames));
        break;
    case 2:
        gen_const(b, st, 0);
        break;
    case 3: case 4: case 5:
        sb_printf(b, "(");
        gen_expr(b, st, nnames, depth - 1);
        sb_printf(b, r == 3 ? " + " : r == 4 ? " - " : " * ");
        if (r == 5 && n_randint(st, 3) == 0) {
            gen_const(b, st, 1);
        } else if (r == 5) {
            /* never a positive fractional constant on the right of '*':
               the printer writes it without brackets */
            sb_printf(b, "(v%ld + ", (long) n_randint(st, nnames));
            gen_expr(b, st, nnames, depth - 1);
            sb_printf(b, ")");
        } else {
            gen_expr(b, st, nnames, depth - 1);
        }
        sb_printf(b, ")");
        break;
    case 6:
        /* never NEG of a constant node: the printer writes it like the
           negative constant */
        if (n_randint(st, 2)) {
            sb_printf(b, "-v%ld", (long) n_randint(st, gen_ninputs));
        } else {
            sb_printf(b, "-(v%ld * ", (long) n_randint(st, gen_ninputs));
            gen_expr(b, st, nnames, depth - 1);
            sb_printf(b, ")");
        }
        break;
    case 7:
        sb_printf(b, "(");
        gen_expr(b, st, nnames, depth - 1);
        sb_printf(b, ")^%ld", (long) n_randint(st, 4));
        break;
    case 8:
        /* never a constant dividend: the printer writes c / k like the
           single constant c/k */
        sb_printf(b, "((v%ld - ", (long) n_randint(st, nnames));
        gen_expr(b, st, nnames, depth - 1);
        sb_printf(b, ") / %ld)", (long) (1 + n_randint(st, 5)));
        break;
    case 9:
        sb_printf(b, n_randint(st, 2) ? "relu(" : "abs(");
        gen_expr(b, st, nnames, depth - 1);
        sb_printf(b, ")");
        break;
    case 10: case 11:
        {
            slong k, n = 1 + n_randint(st, 3);
            sb_printf(b, r == 10 ? "max(" : "min(");
            for (k = 0; k < n; k++) {
                if (k > 0)
                    sb_printf(b, ", ");
                gen_expr(b, st, nnames, depth - 1);
            }
            sb_printf(b, ")");
        }
        break;
    case 12:
        sb_printf(b, "leaky_relu(");
        gen_expr(b, st, nnames, depth - 1);
        sb_printf(b, ", ");
        gen_const(b, st, 0);
        sb_printf(b, ")");
        break;
    case 13:
        sb_printf(b, "clamp(");
        gen_expr(b, st, nnames, depth - 1);
        sb_printf(b, ", -%ld, %ld/2)", (long) n_randint(st, 3), (long) n_randint(st, 5));
        break;
    case 14:
        sb_printf(b, n_randint(st, 2) ? "hardtanh(" : "relu6(");
        gen_expr(b, st, nnames, depth - 1);
        sb_printf(b, ")");
        break;
    case 15:
        {
            slong k, n = 1 + n_randint(st, 3);
            sb_printf(b, "sort([");
            for (k = 0; k < n; k++) {
                if (k > 0)
                    sb_printf(b, ", ");
                gen_expr(b, st, nnames, depth - 1);
            }
            sb_printf(b, "])[%ld]", (long) (1 + n_randint(st, n)));
        }
        break;
    default:
        {
            slong k, n = 1 + n_randint(st, 3);
            int isdot = n_randint(st, 2);
            sb_printf(b, isdot ? "dot([" : "sum([");
            for (k = 0; k < n; k++) {
                if (k > 0)
                    sb_printf(b, ", ");
                gen_expr(b, st, nnames, depth - 1);
            }
            if (isdot) {
                sb_printf(b, "], [");
                for (k = 0; k < n; k++) {
                    if (k > 0)
                        sb_printf(b, ", ");
                    sb_printf(b, "v%ld", (long) n_randint(st, nnames));
                }
            }
            sb_printf(b, "])");
        }
        break;
    }
}

START_TEST(round_trip_random)
{
    flint_rand_t st;
    slong iter, n = 300 * pd_test_mult;
    pd_test_randinit(st, 23);
    for (iter = 0; iter < n; iter++) {
        sbuf b = {NULL, 0, 0};
        slong nin = 1 + n_randint(st, 3), nb = n_randint(st, 4), k;
        pd_prog_t P;
        pd_error_t err;
        b.alloc = 256;
        b.s = malloc(b.alloc);
        b.s[0] = '\0';
        gen_ninputs = nin;
        sb_printf(&b, "input ");
        for (k = 0; k < nin; k++)
            sb_printf(&b, k ? ", v%ld" : "v%ld", (long) k);
        sb_printf(&b, "\n");
        for (k = 0; k < nb; k++) {
            sb_printf(&b, "v%ld = ", (long) (nin + k));
            gen_expr(&b, st, nin + k, 3);
            sb_printf(&b, "\n");
        }
        sb_printf(&b, "output ");
        gen_expr(&b, st, nin + nb, 4);
        sb_printf(&b, "\n");
        pd_error_init(err);
        pd_prog_init(P);
        ck_assert_msg(pd_parse_string(P, b.s, NULL, err) == PD_OK,
                      "seed %lu iteration %ld: %s\n%s", (unsigned long) pd_test_seed,
                      (long) iter, err->msg, b.s);
        ck_assert(pd_prog_is_canonical(P));
        check_round_trip(P, b.s);
        pd_prog_clear(P);
        free(b.s);
    }
    flint_randclear(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lang");
    TCase *tp = tcase_create("parse");
    TCase *te = tcase_create("errors");
    TCase *tn = tcase_create("numbers");
    TCase *tq = tcase_create("points");
    TCase *tr = tcase_create("round_trip");
    pd_test_init();
    tcase_add_test(tp, shorthand_dag);
    tcase_add_test(tp, statements_equivalent);
    tcase_add_test(tp, inputs_vector);
    tcase_add_test(tp, bindings_shared);
    tcase_add_test(tp, numbers_exact);
    tcase_add_test(tp, division_and_power);
    tcase_add_test(tp, unary_minus);
    tcase_add_test(tp, primitives);
    tcase_add_test(tp, vectors_elementwise);
    tcase_add_test(tp, matrices);
    tcase_add_test(tp, matmul_shapes);
    tcase_add_test(tp, sort_lazy);
    tcase_add_test(tp, continuation);
    tcase_add_test(tp, parse_file);
    tcase_add_test(tp, parse_limits);
    tcase_set_timeout(tp, 60);
    tcase_add_loop_test(te, parse_errors, 0, NBAD);
    tcase_add_test(te, parse_error_limits);
    tcase_add_loop_test(tn, number_parse, 0, NNUMS);
    tcase_add_test(tn, round_float_ties);
    tcase_add_test(tn, round_float_random);
    tcase_set_timeout(tn, 60);
    tcase_add_test(tq, point_parse);
    tcase_add_test(tr, round_trip_fixed);
    tcase_add_test(tr, round_trip_random);
    tcase_set_timeout(tr, 60);
    suite_add_tcase(s, tp);
    suite_add_tcase(s, te);
    suite_add_tcase(s, tn);
    suite_add_tcase(s, tq);
    suite_add_tcase(s, tr);
    return pd_test_run(s);
}
