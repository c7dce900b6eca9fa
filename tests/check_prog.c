/* check_prog.c: the program DAG: building, invariants, slots, printing. */
#include "testlib.h"
#include <string.h>

START_TEST(build_relu_minus_relu)
{
    /* relu(x) - relu(-x): two relu nodes, one slot each. */
    pd_prog_t P;
    pd_error_t err;
    slong x, nx, r1, r2, out, a[2];
    pd_prog_init(P);
    pd_error_init(err);
    x = pd_prog_add_input(P, "x", 1, 7, err);
    ck_assert_int_eq(x, 0);
    r1 = pd_prog_add_node(P, PD_OP_RELU, 1, &x, NULL, NULL, 0, 1, 12, err);
    nx = pd_prog_add_node(P, PD_OP_NEG, 1, &x, NULL, NULL, 0, 1, 27, err);
    r2 = pd_prog_add_node(P, PD_OP_RELU, 1, &nx, NULL, NULL, 0, 1, 22, err);
    a[0] = r1;
    a[1] = r2;
    out = pd_prog_add_node(P, PD_OP_SUB, 2, a, NULL, NULL, 0, 1, 20, err);
    pd_prog_set_output(P, out);
    ck_assert_int_eq(err->code, PD_OK);
    ck_assert_int_eq(P->len, 5);
    ck_assert_int_eq(P->nslots, 2);
    ck_assert_int_eq(P->nodes[r1].slot, 0);
    ck_assert_int_eq(P->nodes[r2].slot, 1);
    ck_assert_int_eq(P->nodes[nx].slot, -1);
    ck_assert_int_eq(pd_prog_nonsmooth_count(P), 2);
    ck_assert_int_eq(pd_prog_nbranches(P, r1), 2);
    ck_assert(pd_prog_is_canonical(P));
    {
        char *s = pd_prog_get_str(P);
        ck_assert_str_eq(s, "input x\noutput (relu(x) - relu((-x)))\n");
        flint_free(s);
        s = pd_prog_node_name(P, r2);
        ck_assert_str_eq(s, "relu@1:22");
        flint_free(s);
    }
    pd_prog_clear(P);
}
END_TEST

START_TEST(build_errors)
{
    pd_prog_t P;
    pd_error_t err;
    slong x, a[2];
    fmpq_t zero, lo, hi;
    pd_prog_init(P);
    pd_error_init(err);
    fmpq_init(zero);
    fmpq_init(lo);
    fmpq_init(hi);
    x = pd_prog_add_input(P, "x", 0, 0, err);
    ck_assert_int_eq(pd_prog_add_input(P, "x", 0, 0, err), -1);
    ck_assert_int_eq(err->code, PD_EINVAL);
    pd_error_reset(err);
    ck_assert_int_eq(pd_prog_add_node(P, PD_OP_DIV, 1, &x, zero, NULL, 0, 0, 0, err), -1);
    ck_assert_int_eq(err->code, PD_EDOM);
    pd_error_reset(err);
    a[0] = x;
    a[1] = 7;
    ck_assert_int_eq(pd_prog_add_node(P, PD_OP_ADD, 2, a, NULL, NULL, 0, 0, 0, err), -1);
    ck_assert_int_eq(err->code, PD_EINVAL);
    pd_error_reset(err);
    ck_assert_int_eq(pd_prog_add_node(P, PD_OP_ADD, 1, a, NULL, NULL, 0, 0, 0, err), -1);
    ck_assert_int_eq(err->code, PD_EINVAL);
    pd_error_reset(err);
    fmpq_set_si(lo, 2, 1);
    fmpq_set_si(hi, 1, 1);
    ck_assert_int_eq(pd_prog_add_node(P, PD_OP_CLAMP, 1, &x, lo, hi, 0, 0, 0, err), -1);
    ck_assert_int_eq(err->code, PD_EDOM);
    ck_assert(pd_prog_is_canonical(P));
    fmpq_clear(zero);
    fmpq_clear(lo);
    fmpq_clear(hi);
    pd_prog_clear(P);
}
END_TEST

START_TEST(sort_slots_and_print)
{
    /* s = sort([x, y, z]); output s[1] + 2*s[3]: one sort node, 3 slots. */
    pd_prog_t P;
    pd_error_t err;
    slong in[3], s, s1, s3, c, m, out, a[2];
    fmpq_t two;
    pd_prog_init(P);
    pd_error_init(err);
    fmpq_init(two);
    fmpq_set_si(two, 2, 1);
    in[0] = pd_prog_add_input(P, "x", 0, 0, err);
    in[1] = pd_prog_add_input(P, "y", 0, 0, err);
    in[2] = pd_prog_add_input(P, "z", 0, 0, err);
    s = pd_prog_add_node(P, PD_OP_SORT, 3, in, NULL, NULL, 0, 0, 0, err);
    ck_assert_int_eq(pd_prog_add_node(P, PD_OP_RELU, 1, &s, NULL, NULL, 0, 0, 0, err), -1);
    pd_error_reset(err);
    ck_assert_int_eq(pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL, 3, 0, 0, err), -1);
    pd_error_reset(err);
    s1 = pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL, 0, 0, 0, err);
    s3 = pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL, 2, 0, 0, err);
    c = pd_prog_add_const(P, two, 0, 0, err);
    a[0] = c;
    a[1] = s3;
    m = pd_prog_add_node(P, PD_OP_MUL, 2, a, NULL, NULL, 0, 0, 0, err);
    a[0] = s1;
    a[1] = m;
    out = pd_prog_add_node(P, PD_OP_ADD, 2, a, NULL, NULL, 0, 0, 0, err);
    pd_prog_set_output(P, out);
    ck_assert_int_eq(err->code, PD_OK);
    ck_assert_int_eq(P->nslots, 3);
    ck_assert_int_eq(pd_prog_nbranches(P, s), 6);
    ck_assert(pd_prog_is_canonical(P));
    {
        char *t = pd_prog_get_str(P);
        ck_assert_str_eq(t, "input x, y, z\n_n3 = sort([x, y, z])\n"
                            "output (_n3[1] + (2 * _n3[3]))\n");
        flint_free(t);
    }
    fmpq_clear(two);
    pd_prog_clear(P);
}
END_TEST

/* Printing must read back as the same DAG: constants in positions where the
   language would fold them are bracketed (x * (3/4), (3) / 4, -(2)). */
START_TEST(print_constants_unambiguous)
{
    pd_prog_t P;
    pd_error_t err;
    slong x, c34, m, c3, d, c2, n, s1, out, a[2];
    fmpq_t q;
    char *t;
    pd_prog_init(P);
    pd_error_init(err);
    fmpq_init(q);
    x = pd_prog_add_input(P, "x", 0, 0, err);
    fmpq_set_si(q, 3, 4);
    c34 = pd_prog_add_const(P, q, 0, 0, err);
    a[0] = x;
    a[1] = c34;
    m = pd_prog_add_node(P, PD_OP_MUL, 2, a, NULL, NULL, 0, 0, 0, err);
    fmpq_set_si(q, 3, 1);
    c3 = pd_prog_add_const(P, q, 0, 0, err);
    fmpq_set_si(q, 4, 1);
    d = pd_prog_add_node(P, PD_OP_DIV, 1, &c3, q, NULL, 0, 0, 0, err);
    fmpq_set_si(q, 2, 1);
    c2 = pd_prog_add_const(P, q, 0, 0, err);
    n = pd_prog_add_node(P, PD_OP_NEG, 1, &c2, NULL, NULL, 0, 0, 0, err);
    a[0] = m;
    a[1] = d;
    s1 = pd_prog_add_node(P, PD_OP_ADD, 2, a, NULL, NULL, 0, 0, 0, err);
    a[0] = s1;
    a[1] = n;
    out = pd_prog_add_node(P, PD_OP_ADD, 2, a, NULL, NULL, 0, 0, 0, err);
    pd_prog_set_output(P, out);
    ck_assert_int_eq(err->code, PD_OK);
    t = pd_prog_get_str(P);
    ck_assert_str_eq(t, "input x\noutput (((x * (3/4)) + ((3) / 4)) + (-(2)))\n");
    flint_free(t);
    fmpq_clear(q);
    pd_prog_clear(P);
}
END_TEST

/* A long chain prints with bindings, never nesting past 33 levels, and
   input names are found through the hash table. */
START_TEST(print_deep_chain_and_names)
{
    pd_prog_t P;
    pd_error_t err;
    slong i, cur, a[2], maxdepth = 0, depth = 0;
    char name[32], *t, *p;
    pd_prog_init(P);
    pd_error_init(err);
    for (i = 0; i < 1000; i++) {
        flint_sprintf(name, "v%wd", i);
        ck_assert_int_eq(pd_prog_add_input(P, name, 0, 0, err), i);
    }
    ck_assert_int_eq(pd_prog_input_index(P, "v0"), 0);
    ck_assert_int_eq(pd_prog_input_index(P, "v777"), 777);
    ck_assert_int_eq(pd_prog_input_index(P, "v1000"), -1);
    ck_assert_int_eq(pd_prog_add_input(P, "v500", 0, 0, err), -1);
    ck_assert_int_eq(err->code, PD_EINVAL);
    pd_error_reset(err);
    cur = 0;
    for (i = 1; i < 1000; i++) {
        a[0] = cur;
        a[1] = i;
        cur = pd_prog_add_node(P, PD_OP_ADD, 2, a, NULL, NULL, 0, 0, 0, err);
    }
    pd_prog_set_output(P, cur);
    ck_assert(pd_prog_is_canonical(P));
    t = pd_prog_get_str(P);
    for (p = t; *p != '\0'; p++) {
        if (*p == '(') {
            depth++;
            maxdepth = FLINT_MAX(maxdepth, depth);
        }
        else if (*p == ')')
            depth--;
        else if (*p == '\n')
            ck_assert_int_eq(depth, 0);
    }
    ck_assert_int_le(maxdepth, 34);
    ck_assert(strstr(t, "_n") != NULL);
    flint_free(t);
    pd_prog_clear(P);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("prog");
    TCase *tc = tcase_create("build");
    pd_test_init();
    tcase_add_test(tc, build_relu_minus_relu);
    tcase_add_test(tc, build_errors);
    tcase_add_test(tc, sort_slots_and_print);
    tcase_add_test(tc, print_constants_unambiguous);
    tcase_add_test(tc, print_deep_chain_and_names);
    suite_add_tcase(s, tc);
    return pd_test_run(s);
}
