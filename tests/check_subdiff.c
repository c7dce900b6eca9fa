/* check_subdiff.c: the Clarke subdifferential, the backprop field and the
   verdicts, on hand-derived cases and on random programs at kinks. */
#include "testlib.h"
#include "pathdiff/exact.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"
#include "pathdiff/subdiff.h"
#include "subdiff/subdiff-impl.h"   /* _pd_clarke_at_opts: both paths */
#include <string.h>
#include <stdio.h>

/* ---- building programs ------------------------------------------------ */

static pd_error_t berr;

static slong node(pd_prog_t P, pd_op_t op, slong a, slong b)
{
    slong args[2] = {a, b};
    slong r = pd_prog_add_node(P, op, (b < 0) ? 1 : 2, args, NULL, NULL, 0,
                               0, 0, berr);
    ck_assert_msg(r >= 0, "builder: %s", berr->msg);
    return r;
}

static slong cst(pd_prog_t P, slong p, slong q)
{
    fmpq_t c;
    slong r;
    fmpq_init(c);
    fmpq_set_si(c, p, q);
    r = pd_prog_add_const(P, c, 0, 0, berr);
    fmpq_clear(c);
    ck_assert(r >= 0);
    return r;
}

static slong nary(pd_prog_t P, pd_op_t op, slong k, const slong *args)
{
    slong r = pd_prog_add_node(P, op, k, args, NULL, NULL, 0, 0, 0, berr);
    ck_assert_msg(r >= 0, "builder: %s", berr->msg);
    return r;
}

static slong clampn(pd_prog_t P, pd_op_t op, slong u, slong lo, slong hi)
{
    fmpq_t a, b;
    slong r;
    fmpq_init(a);
    fmpq_init(b);
    fmpq_set_si(a, lo, 1);
    fmpq_set_si(b, hi, 1);
    r = pd_prog_add_node(P, op, 1, &u, a, b, 0, 0, 0, berr);
    fmpq_clear(a);
    fmpq_clear(b);
    ck_assert_msg(r >= 0, "builder: %s", berr->msg);
    return r;
}

static slong scale(pd_prog_t P, slong c, slong u)
{
    return node(P, PD_OP_MUL, cst(P, c, 1), u);
}

#define RELU(u) node(P, PD_OP_RELU, (u), -1)
#define ABS(u) node(P, PD_OP_ABS, (u), -1)
#define NEG(u) node(P, PD_OP_NEG, (u), -1)
#define ADD(u, v) node(P, PD_OP_ADD, (u), (v))
#define SUB(u, v) node(P, PD_OP_SUB, (u), (v))
#define MUL(u, v) node(P, PD_OP_MUL, (u), (v))
#define POW(u, e) pow_(P, (u), (e))

static slong pow_(pd_prog_t P, slong u, slong e)
{
    slong r = pd_prog_add_node(P, PD_OP_POW, 1, &u, NULL, NULL, e, 0, 0, berr);
    ck_assert(r >= 0);
    return r;
}

static slong input(pd_prog_t P, const char *name)
{
    slong r = pd_prog_add_input(P, name, 0, 0, berr);
    ck_assert(r >= 0);
    return r;
}

/* A point from integers / denominators. */
static fmpq *point(slong n, const slong *num, const slong *den)
{
    fmpq *x = _fmpq_vec_init(n);
    slong i;
    for (i = 0; i < n; i++)
        fmpq_set_si(x + i, num[i], den == NULL ? 1 : den[i]);
    return x;
}

/* Assert that S is exactly the points listed (row-major integers over den). */
static void assert_set(const pd_ptset_t S, slong len, const slong *num, slong den)
{
    slong i, j;
    fmpq_t q;
    fmpq_init(q);
    ck_assert_msg(S->len == len, "expected %ld vertices, got %ld", (long) len,
                  (long) S->len);
    for (i = 0; i < len; i++)
        for (j = 0; j < S->dim; j++) {
            fmpq_set_si(q, num[i * S->dim + j], den);
            pd_assert_fmpq_eq(pd_ptset_entry(S, i) + j, q);
        }
    fmpq_clear(q);
}

static slong count_active(const pd_clarke_t C, pd_truth_t t)
{
    slong i, c = 0;
    for (i = 0; i < C->npieces; i++)
        c += (C->pieces[i].essentially_active == t);
    return c;
}

static void check_certificates(const pd_prog_t P, const pd_clarke_t C,
                               const fmpq *x);

/* ---- hand-derived cases ---------------------------------------------- */

START_TEST(relu_minus_relu_neg)
{
    /* f = relu(x) - relu(-x) = x.  At 0: Clarke {1}; the four patterns are
       (0,0): -x>0 and x>0, refuted, gradient 0-(-1)... see below;
       (flat, -x) region x<0, f = 0 - (-x) = x: gradient 1, active;
       (x, flat) region x>0: gradient 1, active; (flat, flat) needs
       -x > 0 and x > 0, (x, -x) needs x > 0 and -x > 0: both refuted.
       Field: each relu picks 0 or 1: {0,1} - {0,-1}... = [0, 2]. */
    pd_prog_t P;
    pd_clarke_t C;
    pd_field_t F;
    pd_error_t err;
    slong x, r1, r2, zero[] = {0}, one[] = {1}, two[] = {0, 2};
    fmpq *pt;
    pd_prog_init(P);
    pd_error_init(err);
    pd_error_init(berr);
    x = input(P, "x");
    r1 = RELU(x);
    r2 = RELU(NEG(x));
    pd_prog_set_output(P, SUB(r1, r2));
    pt = point(1, zero, NULL);
    pd_clarke_init(C);
    ck_assert_int_eq(pd_clarke_at(C, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(C->ntied, 2);
    ck_assert(fmpq_is_zero(C->value));
    assert_set(C->vertices, 1, one, 1);
    ck_assert_int_eq(C->npieces, 4);
    ck_assert_int_eq(count_active(C, PD_TRUE), 2);
    ck_assert_int_eq(count_active(C, PD_FALSE), 2);
    ck_assert_int_eq(C->undecided, 0);
    ck_assert_int_eq(C->differentiable, PD_TRUE);
    ck_assert(fmpq_is_one(C->gradient));
    /* the refuted ones: (flat, flat) has gradient 0 - 0 = 0... and (x,-x)
       gradient 2; both by the affine step */
    {
        slong i;
        for (i = 0; i < C->npieces; i++) {
            const pd_clarke_piece_struct *p = C->pieces + i;
            if (p->essentially_active == PD_FALSE) {
                ck_assert(p->decided_by == PD_STEP_AFFINE ||
                          p->decided_by == PD_STEP_CLOSED_CONE);
                ck_assert(p->pattern[0] == p->pattern[1]);
            } else {
                ck_assert(p->pattern[0] != p->pattern[1]);
                ck_assert(fmpq_is_one(p->gradient));
                ck_assert_int_eq(p->ray_active, PD_TRUE);
            }
        }
    }
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    assert_set(F->vertices, 2, two, 1);
    ck_assert_int_eq(F->ngroups, 2);
    assert_set(F->clarke->vertices, 1, one, 1);
    pd_field_clear(F);
    pd_clarke_clear(C);
    _fmpq_vec_clear(pt, 1);
    pd_prog_clear(P);
}
END_TEST

START_TEST(max_xy_diagonal)
{
    /* max(x, y) at (1,1): pieces x (region x > y) and y; Clarke is the
       segment (0,1)-(1,0); not differentiable (directional derivative
       max(d1, d2) is not linear). */
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong a[2], at[] = {1, 1}, seg[] = {0, 1, 1, 0};
    fmpq *pt;
    pd_prog_init(P);
    pd_error_init(err);
    a[0] = input(P, "x");
    a[1] = input(P, "y");
    pd_prog_set_output(P, nary(P, PD_OP_MAX, 2, a));
    pt = point(2, at, NULL);
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(fmpq_cmp_si(F->clarke->value, 1), 0);
    assert_set(F->clarke->vertices, 2, seg, 1);
    assert_set(F->vertices, 2, seg, 1);
    ck_assert_int_eq(F->clarke->differentiable, PD_FALSE);
    ck_assert_int_eq(F->clarke->npieces, 2);
    ck_assert_int_eq(F->clarke->pieces[0].decided_by, PD_STEP_OPEN_CONE);
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

START_TEST(max_zero_min_abs)
{
    /* max(0, min(x, -x)) = 0.  min picks x (region x < 0) or -x (x > 0);
       max picks 0 (needs min < 0: holds in both) or the min (needs
       min > 0: x < 0 and x > 0, or x > 0 and -x > 0: empty).  The
       pattern (min = x, max = min) is active at 0 (every branch ties)
       but not essentially active: gradient 1 never seen.  Clarke {0}.
       Field: min and max share a path, one group of four choices,
       gradients 0, 1, 0, -1: [-1, 1]. */
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong x, m, a[2], zero[] = {0}, fld[] = {-1, 1};
    fmpq *pt;
    pd_prog_init(P);
    pd_error_init(err);
    x = input(P, "x");
    a[0] = x;
    a[1] = NEG(x);
    m = nary(P, PD_OP_MIN, 2, a);
    a[0] = cst(P, 0, 1);
    a[1] = m;
    pd_prog_set_output(P, nary(P, PD_OP_MAX, 2, a));
    pt = point(1, zero, NULL);
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    assert_set(F->clarke->vertices, 1, zero, 1);
    ck_assert_int_eq(F->clarke->npieces, 4);
    ck_assert_int_eq(count_active(F->clarke, PD_TRUE), 2);
    ck_assert_int_eq(count_active(F->clarke, PD_FALSE), 2);
    ck_assert_int_eq(F->clarke->differentiable, PD_TRUE);
    ck_assert(fmpq_is_zero(F->clarke->gradient));
    assert_set(F->vertices, 2, fld, 1);
    ck_assert_int_eq(F->ngroups, 1);
    ck_assert_int_eq(F->choices, 4);
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 1);
    pd_prog_clear(P);
}
END_TEST

START_TEST(cusp)
{
    /* relu(y - x^2) - relu(y - 2x^2) at the origin.  Regions: y < x^2
       (both flat, f = 0, gradient (0,0)); y > 2x^2 (f = x^2, gradient
       (0,0)); the cusp x^2 < y < 2x^2 (f = y - x^2, gradient (0,1)),
       which no ray enters but the curve (t, 3/2 t^2) does.  The fourth
       pattern needs y < x^2 and y > 2x^2: empty.  Clarke {0} x [0,1];
       differentiable with gradient (0,0) since |f| <= x^2. */
    pd_prog_t P;
    pd_clarke_t C;
    pd_error_t err;
    slong x, y, x2, at[] = {0, 0}, seg[] = {0, 0, 0, 1};
    fmpq *pt;
    slong i, ncusp = 0;
    pd_prog_init(P);
    pd_error_init(err);
    x = input(P, "x");
    y = input(P, "y");
    x2 = POW(x, 2);
    pd_prog_set_output(P, SUB(RELU(SUB(y, x2)), RELU(SUB(y, scale(P, 2, x2)))));
    pt = point(2, at, NULL);
    pd_clarke_init(C);
    ck_assert_int_eq(pd_clarke_at(C, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(C->npieces, 4);
    ck_assert_int_eq(C->undecided, 0);
    assert_set(C->vertices, 2, seg, 1);
    ck_assert_int_eq(C->differentiable, PD_TRUE);
    ck_assert(fmpq_is_zero(C->gradient) && fmpq_is_zero(C->gradient + 1));
    for (i = 0; i < C->npieces; i++) {
        const pd_clarke_piece_struct *p = C->pieces + i;
        if (fmpq_is_one(p->gradient + 1)) {
            /* the cusp: essentially active by a curve, not ray-active */
            ncusp++;
            ck_assert_int_eq(p->essentially_active, PD_TRUE);
            ck_assert(p->decided_by != PD_STEP_OPEN_CONE);
            ck_assert_int_eq(p->ray_active, PD_FALSE);
        }
    }
    ck_assert_int_eq(ncusp, 1);
    check_certificates(P, C, pt);
    pd_clarke_clear(C);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

START_TEST(two_sided_cusp)
{
    /* relu(y + x^2) - relu(y - x^2) at the origin (both relus tied).
       Patterns: both on, y > x^2, f = 2x^2, gradient (0,0), lowest forms
       y, y: open-ray-active; first on, second off, the thin piece
       -x^2 < y < x^2, f = y + x^2, gradient (0,1): essentially active
       (the curve (t, 0)), entered by the rays +-(1, 0) only: lowest forms
       y and -y, Gordan (1, 1), not open-ray-active; first off, second on:
       y < -x^2 and y > x^2, empty (sum of the guards -2x^2); both off,
       y < -x^2, f = 0, gradient (0,0), open-ray-active.  Clarke
       {0} x [0,1]; differentiable with gradient (0,0) (0 <= f <= 2x^2).
       Then relu(x) at 0: rays +-1 enter pieces with gradients 1 and 0,
       not differentiable. */
    pd_prog_t P;
    pd_clarke_t C;
    pd_error_t err;
    slong x, y, x2, at[] = {0, 0}, seg[] = {0, 0, 0, 1}, z[] = {0}, one[] = {0, 1};
    fmpq *pt;
    slong i, nthin = 0;
    pd_prog_init(P);
    pd_error_init(err);
    x = input(P, "x");
    y = input(P, "y");
    x2 = POW(x, 2);
    pd_prog_set_output(P, SUB(RELU(ADD(y, x2)), RELU(SUB(y, x2))));
    pt = point(2, at, NULL);
    pd_clarke_init(C);
    ck_assert_int_eq(pd_clarke_at(C, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(C->npieces, 4);
    ck_assert_int_eq(C->undecided, 0);
    ck_assert_int_eq(count_active(C, PD_TRUE), 3);
    assert_set(C->vertices, 2, seg, 1);
    ck_assert_int_eq(C->differentiable, PD_TRUE);
    ck_assert(fmpq_is_zero(C->gradient) && fmpq_is_zero(C->gradient + 1));
    for (i = 0; i < C->npieces; i++) {
        const pd_clarke_piece_struct *p = C->pieces + i;
        if (p->essentially_active != PD_TRUE)
            continue;
        if (fmpq_is_one(p->gradient + 1)) {
            nthin++;
            ck_assert_int_eq(p->ray_active, PD_FALSE);
            ck_assert_int_eq(p->ray->step, PD_STEP_GORDAN);
        } else {
            ck_assert(fmpq_is_zero(p->gradient + 1));
            ck_assert_int_eq(p->ray_active, PD_TRUE);
        }
    }
    ck_assert_int_eq(nthin, 1);
    check_certificates(P, C, pt);
    pd_clarke_clear(C);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);

    /* relu(x) at 0 */
    pd_prog_init(P);
    x = input(P, "x");
    pd_prog_set_output(P, RELU(x));
    pt = point(1, z, NULL);
    pd_clarke_init(C);
    ck_assert_int_eq(pd_clarke_at(C, P, pt, NULL, err), PD_OK);
    assert_set(C->vertices, 2, one, 1);
    ck_assert_int_eq(C->differentiable, PD_FALSE);
    ck_assert_int_eq(C->pieces[0].ray_active, PD_TRUE);
    ck_assert_int_eq(C->pieces[1].ray_active, PD_TRUE);
    check_certificates(P, C, pt);
    pd_clarke_clear(C);
    _fmpq_vec_clear(pt, 1);
    pd_prog_clear(P);
}
END_TEST

START_TEST(shared_versus_written_twice)
{
    /* relu(x) - relu(x), two nodes: field [-1, 1]; h = relu(x), h - h:
       field {0}.  Clarke {0} for both (the function is 0). */
    pd_prog_t P, Q;
    pd_field_t F;
    pd_error_t err;
    slong x, h, zero[] = {0}, fld[] = {-1, 1};
    fmpq *pt = point(1, zero, NULL);
    pd_prog_init(P);
    pd_prog_init(Q);
    pd_error_init(err);
    x = input(P, "x");
    pd_prog_set_output(P, SUB(RELU(x), RELU(x)));
    x = input(Q, "x");
    h = node(Q, PD_OP_RELU, x, -1);
    pd_prog_set_output(Q, node(Q, PD_OP_SUB, h, h));
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    assert_set(F->vertices, 2, fld, 1);
    assert_set(F->clarke->vertices, 1, zero, 1);
    ck_assert_int_eq(F->clarke->differentiable, PD_TRUE);
    ck_assert_int_eq(pd_field_at(F, Q, pt, NULL, err), PD_OK);
    assert_set(F->vertices, 1, zero, 1);
    assert_set(F->clarke->vertices, 1, zero, 1);
    ck_assert_int_eq(F->clarke->npieces, 2);
    ck_assert_int_eq(count_active(F->clarke, PD_TRUE), 2);
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 1);
    pd_prog_clear(P);
    pd_prog_clear(Q);
}
END_TEST

START_TEST(relu_sum_minus_relu_of_sum)
{
    /* relu(a) + relu(b) - relu(a + b) at (0,0).  Sign patterns of
       (a, b, a+b) that are consistent: (-,-,-) grad (0,0); (-,+,-) (0,1);
       (-,+,+) (-1,0); (+,-,-) (1,0); (+,-,+) (0,-1); (+,+,+) (0,0).
       (-,-,+) and (+,+,-) are empty.  Clarke: the diamond
       conv{(+-1,0),(0,+-1)}.  Field: {0,e1} + {0,e2} + {0,-(1,1)}, a
       hexagon with vertices (-1,-1),(-1,0),(0,-1),(0,1),(1,0),(1,1). */
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong a, b, at[] = {0, 0};
    slong dia[] = {-1, 0, 0, -1, 0, 1, 1, 0};
    slong hex[] = {-1, -1, -1, 0, 0, -1, 0, 1, 1, 0, 1, 1};
    fmpq *pt = point(2, at, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    a = input(P, "a");
    b = input(P, "b");
    pd_prog_set_output(P, SUB(ADD(RELU(a), RELU(b)), RELU(ADD(a, b))));
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    assert_set(F->clarke->vertices, 4, dia, 1);
    assert_set(F->vertices, 6, hex, 1);
    ck_assert_int_eq(count_active(F->clarke, PD_TRUE), 6);
    ck_assert_int_eq(F->clarke->differentiable, PD_FALSE);
    ck_assert_int_eq(F->ngroups, 3);
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

START_TEST(sort_triple_tie)
{
    /* s = sort(x, y, z), f = s1 + 2 s2 + 3 s3 at (1,1,1): every ordering
       is a region (an open cone of R^3), the piece for the order
       x_p(1) < x_p(2) < x_p(3) has gradient e_p(1) + 2 e_p(2) + 3 e_p(3):
       the six permutations of (1,2,3), a hexagon (the permutohedron).
       The field is the same six points. */
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong in[3], s, o, at[] = {1, 1, 1};
    slong perms[] = {1, 2, 3, 1, 3, 2, 2, 1, 3, 2, 3, 1, 3, 1, 2, 3, 2, 1};
    fmpq *pt = point(3, at, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    in[0] = input(P, "x");
    in[1] = input(P, "y");
    in[2] = input(P, "z");
    s = nary(P, PD_OP_SORT, 3, in);
    {
        slong k, t[3];
        for (k = 0; k < 3; k++) {
            t[k] = pd_prog_add_node(P, PD_OP_SORTED, 1, &s, NULL, NULL, k, 0, 0, berr);
            ck_assert(t[k] >= 0);
        }
        o = ADD(ADD(t[0], scale(P, 2, t[1])), scale(P, 3, t[2]));
    }
    pd_prog_set_output(P, o);
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(fmpq_cmp_si(F->clarke->value, 6), 0);
    ck_assert_int_eq(F->clarke->npieces, 6);
    assert_set(F->clarke->vertices, 6, perms, 1);
    assert_set(F->vertices, 6, perms, 1);
    ck_assert_int_eq(F->clarke->differentiable, PD_FALSE);
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 3);
    pd_prog_clear(P);
}
END_TEST

START_TEST(relu_network)
{
    /* h1 = relu(x - y), h2 = relu(x + y), h3 = relu(2x - y - 1),
       o = relu(h1 - h2 + 1) - h3 at (1, 1): h1, h3 tied (pre-activations
       0), h2 = 2, h1 - h2 + 1 = -1 (outer relu flat: untied), so
       f = -relu(2x - y - 1) near (1,1)... plus nothing from h1.
       Then only h3's two branches matter: gradients (0,0) and (-2,1);
       h1's branches give the same gradient (its output is killed by
       the flat outer relu).  Clarke = segment (-2,1)-(0,0); the field
       too.  Regions: h1 (x>y or x<y) times h3 (2x-y>1 or <1): all four
       open, all essentially active. */
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong x, y, h1, h2, h3, at[] = {1, 1}, seg[] = {-2, 1, 0, 0};
    fmpq *pt = point(2, at, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    x = input(P, "x");
    y = input(P, "y");
    h1 = RELU(SUB(x, y));
    h2 = RELU(ADD(x, y));
    h3 = RELU(SUB(SUB(scale(P, 2, x), y), cst(P, 1, 1)));
    pd_prog_set_output(P, SUB(RELU(ADD(SUB(h1, h2), cst(P, 1, 1))), h3));
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(F->clarke->ntied, 2);
    ck_assert_int_eq(F->clarke->npieces, 4);
    ck_assert_int_eq(count_active(F->clarke, PD_TRUE), 4);
    assert_set(F->clarke->vertices, 2, seg, 1);
    assert_set(F->vertices, 2, seg, 1);
    ck_assert_int_eq(F->clarke->differentiable, PD_FALSE);
    ck_assert_int_eq(F->clarke->ncuts, 0);
    ck_assert_int_eq(pd_clarke_cut_certify(F->clarke, 0, err), PD_EINVAL);
    check_certificates(P, F->clarke, pt);
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

START_TEST(network_with_cuts)
{
    /* h1 = relu(x - y), h2 = relu(2x - y - 1), h3 = relu(x + y - 2),
       f = relu(h1 + h2 - h3) - relu(2 h1 - h2 + 1) + h3 at (1, 1) (the
       golden case field/relu-network, derived there by sampling
       directions).  The prefixes (h1, h2, h3) = (0, u, 0) and (u, 0, u)
       ask for -(x - y) > 0, 2x - y > 1, x + y < 2 (and the reverse):
       empty, with Gordan vector (3, 2, 1) (by hand: 3(-1,1) + 2(2,-1) +
       (-1,-1) = 0), so they are cut before the last tied node. */
    pd_prog_t P;
    pd_clarke_t C;
    pd_error_t err;
    slong x, y, h1, h2, h3, i, j, at[] = {1, 1};
    slong cl[] = {-1, 1, 0, 0, 1, 2, 3, -1, 3, 0};
    fmpq *pt = point(2, at, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    x = input(P, "x");
    y = input(P, "y");
    h1 = RELU(SUB(x, y));
    h2 = RELU(SUB(SUB(scale(P, 2, x), y), cst(P, 1, 1)));
    h3 = RELU(SUB(ADD(x, y), cst(P, 2, 1)));
    pd_prog_set_output(P, ADD(SUB(RELU(SUB(ADD(h1, h2), h3)),
                                  RELU(ADD(SUB(scale(P, 2, h1), h2), cst(P, 1, 1)))),
                              h3));
    pd_clarke_init(C);
    ck_assert_int_eq(pd_clarke_at(C, P, pt, NULL, err), PD_OK);
    assert_set(C->vertices, 5, cl, 1);
    ck_assert_int_eq(C->npieces, 11);
    ck_assert_int_eq(count_active(C, PD_TRUE), 7);
    ck_assert_int_eq(C->ncuts, 2);
    for (i = 0; i < C->ncuts; i++) {
        const pd_clarke_cut_struct *c = C->cuts + i;
        ck_assert(c->mult == NULL);           /* computed on demand */
        ck_assert_int_eq(c->step, PD_STEP_AFFINE);
        ck_assert_int_eq(c->nguards, 3);
        ck_assert_int_eq(pd_clarke_cut_certify(C, i, err), PD_OK);
        ck_assert(c->mult != NULL);
        ck_assert_int_eq(fmpq_cmp_si(c->mult, 3), 0);
        ck_assert_int_eq(fmpq_cmp_si(c->mult + 1, 2), 0);
        ck_assert_int_eq(fmpq_cmp_si(c->mult + 2, 1), 0);
        for (j = 0; j < 2; j++) {
            fmpq_t sum, t;
            slong r;
            fmpq_init(sum);
            fmpq_init(t);
            for (r = 0; r < 3; r++) {
                fmpq_mul(t, c->mult + r, c->grads + r * 2 + j);
                fmpq_add(sum, sum, t);
            }
            ck_assert(fmpq_is_zero(sum));
            fmpq_clear(sum);
            fmpq_clear(t);
        }
        ck_assert_int_eq(pd_clarke_cut_certify(C, i, err), PD_OK);  /* again */
    }
    ck_assert_int_eq(pd_clarke_cut_certify(C, 2, err), PD_EINVAL);
    ck_assert_int_eq(pd_clarke_cut_certify(C, -1, err), PD_EINVAL);
    check_certificates(P, C, pt);
    pd_clarke_clear(C);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

START_TEST(no_ties)
{
    /* abs(x) * y + relu(x - y) at (2, 1): nothing tied; near (2,1) f is
       x*y + x - y, value 2 + 1 = 3, gradient (y + 1, x - 1) = (2, 1). */
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong x, y, at[] = {2, 1}, g[] = {2, 1};
    fmpq *pt = point(2, at, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    x = input(P, "x");
    y = input(P, "y");
    pd_prog_set_output(P, ADD(MUL(ABS(x), y), RELU(SUB(x, y))));
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(F->clarke->ntied, 0);
    ck_assert_int_eq(F->clarke->npieces, 1);
    ck_assert_int_eq(F->clarke->pieces[0].essentially_active, PD_TRUE);
    ck_assert_int_eq(F->clarke->pieces[0].decided_by, PD_STEP_VALUE);
    assert_set(F->clarke->vertices, 1, g, 1);
    assert_set(F->vertices, 1, g, 1);
    ck_assert_int_eq(F->clarke->differentiable, PD_TRUE);
    ck_assert_int_eq(fmpq_cmp_si(F->clarke->value, 3), 0);
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

START_TEST(clamp_leaky_abs)
{
    /* clamp(x, 0, 1) + leaky_relu(y, 1/4) + abs(x - 1) at (1, 0).
       clamp at its upper bound: derivative {0,1} in x; leaky at 0:
       {1/4, 1} in y; abs(x - 1) at 0: {-1, 1} in x.  All three guards
       are independent directions except clamp and abs share x - 1:
       clamp branch u (x < 1) with abs branch -(x-1) gives 1 - 1 = 0,
       clamp hi (x > 1) with abs branch +: 0 + 1 = 1; the mixed ones are
       empty.  Clarke = {0, 1} x {1/4, 1}: square, 4 vertices.  Field:
       x-derivative in {0,1} + {-1,1} = {-1, 0, 1, 2} hull [-1, 2], y in
       [1/4, 1]: rectangle (-1,1/4),(-1,1),(2,1/4),(2,1). */
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong x, y, at[] = {1, 0};
    slong sq[] = {0, 1, 0, 4, 4, 1, 4, 4};      /* over 4 */
    slong rect[] = {-4, 1, -4, 4, 8, 1, 8, 4};  /* over 4 */
    fmpq *pt = point(2, at, NULL);
    fmpq_t a;
    slong lk;
    pd_prog_init(P);
    pd_error_init(err);
    fmpq_init(a);
    x = input(P, "x");
    y = input(P, "y");
    fmpq_set_si(a, 1, 4);
    lk = pd_prog_add_node(P, PD_OP_LEAKY_RELU, 1, &y, a, NULL, 0, 0, 0, berr);
    ck_assert(lk >= 0);
    pd_prog_set_output(P, ADD(ADD(clampn(P, PD_OP_CLAMP, x, 0, 1), lk),
                              ABS(SUB(x, cst(P, 1, 1)))));
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    assert_set(F->clarke->vertices, 4, sq, 4);
    assert_set(F->vertices, 4, rect, 4);
    ck_assert_int_eq(count_active(F->clarke, PD_TRUE), 4);
    ck_assert_int_eq(count_active(F->clarke, PD_FALSE), 4);
    pd_field_clear(F);
    fmpq_clear(a);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

/* ---- limits and errors ------------------------------------------------ */

START_TEST(limits_and_errors)
{
    pd_prog_t P;
    pd_field_t F;
    pd_clarke_t C;
    pd_limits_t lim;
    pd_error_t err;
    slong x, y, at[] = {0, 0}, i, acc;
    fmpq *pt = point(2, at, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    pd_clarke_init(C);
    /* no output */
    x = input(P, "x");
    y = input(P, "y");
    ck_assert_int_eq(pd_clarke_at(C, P, pt, NULL, err), PD_EINVAL);
    pd_error_reset(err);
    {
        pd_ptset_t V;
        pd_field_t G;
        pd_ptset_init(V, 2);
        ck_assert_int_eq(pd_field_vertices(V, NULL, NULL, P, pt, NULL, err), PD_EINVAL);
        pd_error_reset(err);
        pd_field_init(G);
        ck_assert_int_eq(pd_field_at(G, P, pt, NULL, err), PD_EINVAL);
        pd_error_reset(err);
        pd_field_clear(G);
        pd_ptset_clear(V);
    }
    /* 6 independent ties: the limit cuts the enumeration */
    acc = RELU(x);
    for (i = 1; i < 6; i++)
        acc = ADD(acc, RELU(ADD(scale(P, i, x), y)));
    pd_prog_set_output(P, acc);
    pd_limits_init(lim);
    /* keep the complete fallback cheap: undecided pieces are allowed and
       handled (outer hull) by every property below */
    lim->z3_rlimit = 2000000;
    lim->curve_budget = 2000;
    lim->max_pieces = 5;
    ck_assert_int_eq(pd_clarke_at(C, P, pt, lim, err), PD_ELIMIT);
    ck_assert(strstr(err->msg, "max-pieces") != NULL);
    ck_assert_int_eq(C->npieces, 0);    /* no partial answer */
    ck_assert_int_eq(C->vertices->len, 0);
    pd_error_reset(err);
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, lim, err), PD_ELIMIT);
    ck_assert_int_eq(F->vertices->len, 0);
    pd_error_reset(err);
    /* the field alone over the limit */
    lim->max_pieces = 3;
    {
        pd_ptset_t V;
        pd_ptset_init(V, 2);
        ck_assert_int_eq(pd_field_vertices(V, NULL, NULL, P, pt, lim, err),
                         PD_ELIMIT);
        ck_assert_int_eq(V->len, 0);
        pd_error_reset(err);
        lim->max_pieces = 0;    /* no bound */
        ck_assert_int_eq(pd_field_vertices(V, NULL, NULL, P, pt, lim, err), PD_OK);
        ck_assert_int_gt(V->len, 2);
        pd_ptset_clear(V);
    }
    /* enough room: the answer is back */
    lim->max_pieces = 100000;
    ck_assert_int_eq(pd_clarke_at(C, P, pt, lim, err), PD_OK);
    ck_assert_int_gt(C->npieces, 0);
    /* a judgement against an empty field */
    {
        pd_judgement_t J;
        pd_field_t E;
        pd_judgement_init(J);
        pd_field_init(E);
        ck_assert_int_eq(pd_verdict_judge(J, E, pt, err), PD_EINVAL);
        pd_field_clear(E);
        pd_judgement_clear(J);
    }
    pd_field_clear(F);
    pd_clarke_clear(C);
    _fmpq_vec_clear(pt, 2);
    pd_prog_clear(P);
}
END_TEST

/* ---- verdicts --------------------------------------------------------- */

static pd_verdict_t judge(pd_field_t F, slong n, const slong *num, const slong *den)
{
    pd_judgement_t J;
    pd_error_t err;
    pd_verdict_t v;
    fmpq *a = point(n, num, den);
    pd_error_init(err);
    pd_judgement_init(J);
    ck_assert_int_eq(pd_verdict_judge(J, F, a, err), PD_OK);
    v = J->verdict;
    /* the certificates hold */
    if (J->in_field) {
        fmpq_t s;
        slong i;
        fmpq_init(s);
        for (i = 0; i < J->nfield; i++)
            fmpq_add(s, s, J->field_weights + i);
        ck_assert(fmpq_is_one(s));
        fmpq_clear(s);
    }
    pd_judgement_clear(J);
    _fmpq_vec_clear(a, n);
    return v;
}

START_TEST(verdicts)
{
    pd_prog_t P;
    pd_field_t F;
    pd_error_t err;
    slong x, zero[] = {0}, one[] = {1};
    fmpq *pt = point(1, zero, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    pd_field_init(F);
    /* relu(x) - relu(-x) at 0: 1 gradient, 0 (pytorch) and 2 spurious,
       1/2 spurious, 3 and -1/3 invalid. */
    x = input(P, "x");
    pd_prog_set_output(P, SUB(RELU(x), RELU(NEG(x))));
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    {
        slong v1[] = {1}, v0[] = {0}, v2[] = {2}, h[] = {1}, hd[] = {2};
        slong v3[] = {3}, m[] = {-1}, md[] = {3};
        ck_assert_int_eq(judge(F, 1, v1, NULL), PD_VERDICT_GRADIENT);
        ck_assert_int_eq(judge(F, 1, v0, NULL), PD_VERDICT_SPURIOUS);
        ck_assert_int_eq(judge(F, 1, v2, NULL), PD_VERDICT_SPURIOUS);
        ck_assert_int_eq(judge(F, 1, h, hd), PD_VERDICT_SPURIOUS);
        ck_assert_int_eq(judge(F, 1, v3, NULL), PD_VERDICT_INVALID);
        ck_assert_int_eq(judge(F, 1, m, md), PD_VERDICT_INVALID);
    }
    pd_prog_clear(P);
    /* abs(x) at 0: not differentiable; 0, 1/2 and 1 clarke, 2 invalid. */
    pd_prog_init(P);
    x = input(P, "x");
    pd_prog_set_output(P, ABS(x));
    ck_assert_int_eq(pd_field_at(F, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(F->clarke->differentiable, PD_FALSE);
    {
        slong v0[] = {0}, h[] = {1}, hd[] = {2}, v2[] = {2};
        ck_assert_int_eq(judge(F, 1, v0, NULL), PD_VERDICT_CLARKE);
        ck_assert_int_eq(judge(F, 1, h, hd), PD_VERDICT_CLARKE);
        ck_assert_int_eq(judge(F, 1, one, NULL), PD_VERDICT_CLARKE);
        ck_assert_int_eq(judge(F, 1, v2, NULL), PD_VERDICT_INVALID);
    }
    pd_prog_clear(P);
    ck_assert_str_eq(pd_verdict_name(PD_VERDICT_GRADIENT), "gradient");
    ck_assert_str_eq(pd_verdict_name(PD_VERDICT_CLARKE), "clarke");
    ck_assert_str_eq(pd_verdict_name(PD_VERDICT_SPURIOUS), "spurious");
    ck_assert_str_eq(pd_verdict_name(PD_VERDICT_INVALID), "invalid");
    ck_assert_str_eq(pd_verdict_name(PD_VERDICT_UNDECIDED), "undecided");
    pd_field_clear(F);
    _fmpq_vec_clear(pt, 1);
}
END_TEST

START_TEST(undecided_and_timeout)
{
    /* The cusp with the higher-order steps switched off (no witness
       curves, no Z3): the cusp piece stays undecided.  The inner hull is
       {(0,0)}, the outer one the segment to (0,1); open ray activity
       decides the rest (the lowest forms y and -y of the cusp piece's
       guards are never both positive: Gordan), so f is still known to
       be differentiable.
       Verdicts: (0,0) gradient, (0,1/2) undecided, (0,-1/2) spurious
       (the field is {0} x [-1,1]). */
    pd_prog_t P;
    pd_field_t F;
    pd_limits_t lim;
    pd_error_t err;
    slong x, y, x2, at[] = {0, 0}, pt0[] = {0, 0}, seg[] = {0, 0, 0, 1};
    slong fld[] = {0, -1, 0, 1};
    fmpq *pt = point(2, at, NULL);
    pd_prog_init(P);
    pd_error_init(err);
    x = input(P, "x");
    y = input(P, "y");
    x2 = POW(x, 2);
    pd_prog_set_output(P, SUB(RELU(SUB(y, x2)), RELU(SUB(y, scale(P, 2, x2)))));
    pd_limits_init(lim);
    lim->curve_budget = 0;
    lim->z3_rlimit = 0;
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, lim, err), PD_OK);
    ck_assert_int_eq(F->clarke->undecided, 1);
    ck_assert_int_eq(count_active(F->clarke, PD_UNKNOWN), 1);
    assert_set(F->clarke->vertices, 1, pt0, 1);
    assert_set(F->clarke->outer, 2, seg, 1);
    assert_set(F->vertices, 2, fld, 1);
    ck_assert_int_eq(F->clarke->differentiable, PD_TRUE);
    {
        slong g[] = {0, 0}, h[] = {0, 1}, hd[] = {1, 2}, m[] = {0, -1};
        ck_assert_int_eq(judge(F, 2, g, NULL), PD_VERDICT_GRADIENT);
        ck_assert_int_eq(judge(F, 2, h, hd), PD_VERDICT_UNDECIDED);
        ck_assert_int_eq(judge(F, 2, m, hd), PD_VERDICT_SPURIOUS);
    }
    pd_field_clear(F);
    pd_prog_clear(P);

    /* relu(x^2 - y^2) at the origin with the same steps off: both pieces
       stay undecided (the guard's gradient vanishes), but both have the
       gradient (0,0), so the Clarke set is {(0,0)} and f is
       differentiable there all the same. */
    pd_prog_init(P);
    x = input(P, "x");
    y = input(P, "y");
    pd_prog_set_output(P, RELU(SUB(POW(x, 2), POW(y, 2))));
    pd_field_init(F);
    ck_assert_int_eq(pd_field_at(F, P, pt, lim, err), PD_OK);
    ck_assert_int_eq(F->clarke->undecided, 2);
    assert_set(F->clarke->vertices, 1, pt0, 1);
    assert_set(F->clarke->outer, 1, pt0, 1);
    assert_set(F->vertices, 1, pt0, 1);
    ck_assert_int_eq(F->clarke->differentiable, PD_TRUE);
    {
        slong g[] = {0, 0}, e1[] = {1, 0};
        ck_assert_int_eq(judge(F, 2, g, NULL), PD_VERDICT_GRADIENT);
        ck_assert_int_eq(judge(F, 2, e1, NULL), PD_VERDICT_INVALID);
    }
    pd_field_clear(F);
    pd_prog_clear(P);

    /* A deadline already past: PD_ELIMIT, no partial answer. */
    {
        pd_clarke_t C;
        slong i, acc;
        pd_prog_init(P);
        x = input(P, "x");
        y = input(P, "y");
        acc = RELU(x);
        for (i = 1; i < 6; i++)
            acc = ADD(acc, RELU(ADD(scale(P, i, x), y)));
        pd_prog_set_output(P, acc);
        pd_limits_init(lim);
        lim->timeout = 1e-9;
        pd_limits_start(lim);
        while (!pd_limits_expired(lim))
            ;
        pd_clarke_init(C);
        ck_assert_int_eq(pd_clarke_at(C, P, pt, lim, err), PD_ELIMIT);
        ck_assert_int_eq(C->npieces, 0);
        pd_error_reset(err);
        pd_field_init(F);
        ck_assert_int_eq(pd_field_at(F, P, pt, lim, err), PD_ELIMIT);
        ck_assert_int_eq(F->vertices->len, 0);
        pd_field_clear(F);
        pd_clarke_clear(C);
        pd_prog_clear(P);
    }
    _fmpq_vec_clear(pt, 2);
}
END_TEST

/* ---- random programs at kinks ----------------------------------------- */

static slong find_slong(const slong *v, slong len, slong x)
{
    slong i;
    for (i = 0; i < len; i++)
        if (v[i] == x)
            return i;
    return 0;
}

/* A random DAG over n inputs: affine combinations (a u + b v + c) with
   small integer coefficients, products now and then (degree <= 2 per
   product, kept low), and relu/abs/max/min/clamp/leaky nodes whose
   arguments are shifted so that they tie at x about half the time. */
static void random_prog(pd_prog_t P, fmpq *x, slong n, flint_rand_t st,
                        int allow_poly)
{
    pd_eval_t ev;
    pd_error_t err;
    slong *pool, *deg, np = 0, i, steps = 3 + n_randint(st, 6);
    char name[24];
    pd_error_init(err);
    pool = flint_malloc((n + 8 * steps + 8) * sizeof(slong));
    deg = flint_malloc((n + 8 * steps + 8) * sizeof(slong));
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof name, "x%ld", (long) i + 1);
        deg[np] = 1;
        pool[np++] = input(P, name);
        fmpq_set_si(x + i, (slong) n_randint(st, 5) - 2, 1 + n_randint(st, 2));
    }
    for (i = 0; i < steps; i++) {
        slong iu = n_randint(st, np), iv = n_randint(st, np), dw;
        slong u = pool[iu], v = pool[iv], w, kind;
        slong a = (slong) n_randint(st, 5) - 2, b = (slong) n_randint(st, 5) - 2;
        fmpq_t c, val;
        if (a == 0 && b == 0)
            a = 1;
        /* w = a u + b v (+ product) */
        w = ADD(scale(P, a, u), scale(P, b, v));
        dw = FLINT_MAX(deg[iu], deg[iv]);
        /* products keep every piece of degree <= 2 */
        if (allow_poly && deg[iu] + deg[iv] <= 2 && n_randint(st, 3) == 0) {
            w = ADD(w, MUL(u, v));
            dw = 2;
        }
        /* shift by c so that w(x) = 0 half of the time */
        pd_eval_init(ev, P);
        pd_prog_set_output(P, w);
        ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
        fmpq_init(c);
        fmpq_init(val);
        fmpq_set(val, pd_eval_output(ev));
        if (n_randint(st, 2) == 0)
            fmpq_neg(c, val);
        else
            fmpq_set_si(c, (slong) n_randint(st, 3) - 1, 1);
        pd_eval_clear(ev);
        {
            slong cn = pd_prog_add_const(P, c, 0, 0, berr);
            w = ADD(w, cn);
        }
        kind = n_randint(st, 7);
        if (kind == 0)
            w = RELU(w);
        else if (kind == 1)
            w = ABS(w);
        else if (kind == 2 || kind == 3) {
            /* max/min of w and another pooled node shifted to tie with w */
            slong args[3], o = pool[n_randint(st, np)];
            fmpq_t ov;
            pd_eval_init(ev, P);
            pd_prog_set_output(P, o);
            ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
            fmpq_init(ov);
            fmpq_sub(ov, val, pd_eval_output(ev));   /* w(x) - o(x) */
            fmpq_add(ov, ov, c);
            pd_eval_clear(ev);
            dw = FLINT_MAX(dw, deg[find_slong(pool, np, o)]);
            args[0] = w;
            args[1] = ADD(o, pd_prog_add_const(P, ov, 0, 0, berr));
            args[2] = ADD(w, cst(P, (slong) n_randint(st, 2) - 1, 1));
            w = nary(P, kind == 2 ? PD_OP_MAX : PD_OP_MIN, 2 + n_randint(st, 2), args);
            fmpq_clear(ov);
        } else if (kind == 4) {
            fmpq_t lo, hi;
            fmpq_init(lo);
            fmpq_init(hi);
            pd_eval_init(ev, P);
            pd_prog_set_output(P, w);
            ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
            fmpq_set(lo, pd_eval_output(ev));
            pd_eval_clear(ev);
            fmpq_add_si(hi, lo, 1 + n_randint(st, 2));
            if (n_randint(st, 2))
                fmpq_sub_si(lo, lo, 0);
            else {
                fmpq_sub_si(lo, lo, 1);
                fmpq_sub_si(hi, hi, 1 + n_randint(st, 2));
                if (fmpq_cmp(hi, lo) < 0)
                    fmpq_add_si(hi, lo, 1);
            }
            w = pd_prog_add_node(P, PD_OP_CLAMP, 1, &w, lo, hi, 0, 0, 0, berr);
            ck_assert(w >= 0);
            fmpq_clear(lo);
            fmpq_clear(hi);
        } else if (kind == 5) {
            fmpq_t s;
            fmpq_init(s);
            fmpq_set_si(s, (slong) n_randint(st, 5) - 2, 1 + n_randint(st, 3));
            w = pd_prog_add_node(P, PD_OP_LEAKY_RELU, 1, &w, s, NULL, 0, 0, 0, berr);
            ck_assert(w >= 0);
            fmpq_clear(s);
        }
        fmpq_clear(c);
        fmpq_clear(val);
        deg[np] = dw;
        pool[np++] = w;
    }
    /* output: a combination of the last few nodes */
    {
        slong o = pool[np - 1], k;
        for (k = 2; k <= 3 && np - k >= n; k++)
            o = ADD(o, scale(P, (slong) n_randint(st, 5) - 2, pool[np - k]));
        pd_prog_set_output(P, o);
    }
    flint_free(pool);
    flint_free(deg);
}

/* 1 if every guard of pattern s is > 0 at y: y lies in the region of s. */
static int in_region(const pd_prog_t P, const slong *s, const fmpq *y)
{
    pd_piece_t pc;
    pd_error_t err;
    fmpq **yp;
    fmpq_t v;
    slong j, n = P->ninputs;
    int ok = 1;
    pd_error_init(err);
    pd_piece_init(pc, P);
    ck_assert_int_eq(pd_piece_set_pattern(pc, s, err), PD_OK);
    yp = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq *));
    for (j = 0; j < n; j++)
        yp[j] = (fmpq *) (y + j);
    fmpq_init(v);
    for (j = 0; j < pd_piece_nguards(pc) && ok; j++) {
        ck_assert(fmpq_mpoly_evaluate_all_fmpq(v, pd_piece_guard(pc, j), yp,
                                               pd_piece_ctx(pc)));
        if (fmpq_sgn(v) <= 0)
            ok = 0;
    }
    fmpq_clear(v);
    flint_free(yp);
    pd_piece_clear(pc);
    return ok;
}

/* The field by brute force: backprop at every active pattern (every
   vertex choice at every tied node), then the hull.  Returns 0 (V left
   empty) when there are more than cap patterns. */
static int field_brute(pd_ptset_t V, const pd_prog_t P, const fmpq *x, slong cap)
{
    pd_eval_t ev;
    pd_error_t err;
    pd_ptset_t S;
    slong *pat, *tied, k = 0, i, count = 0, n = P->ninputs;
    fmpq *g = _fmpq_vec_init(FLINT_MAX(n, 1));
    fmpq_t val;
    int more, ok = 1;
    pd_error_init(err);
    fmpq_init(val);
    pd_eval_init(ev, P);
    pd_ptset_init(S, n);
    ck_assert_int_eq(pd_eval_fmpq(ev, P, x, err), PD_OK);
    pat = flint_malloc(FLINT_MAX(P->nslots, 1) * sizeof(slong));
    tied = flint_malloc(FLINT_MAX(P->len, 1) * sizeof(slong));
    for (i = 0; i < P->nslots; i++)
        pat[i] = ev->pattern[i];
    for (i = 0; i < P->len; i++)
        if (pd_eval_is_tied(ev, i)) {
            tied[k++] = i;
            pd_eval_choice_first(pat + P->nodes[i].slot, ev, i);
        }
    do {
        if (++count > cap) {
            ok = 0;
            break;
        }
        ck_assert_int_eq(pd_piece_grad_fmpq(g, val, P, pat, x, err), PD_OK);
        pd_ptset_append(S, g);
        more = 0;
        for (i = k - 1; i >= 0 && !more; i--) {
            slong *c = pat + P->nodes[tied[i]].slot;
            if (pd_eval_choice_next(c, ev, tied[i]))
                more = 1;
            else
                pd_eval_choice_first(c, ev, tied[i]);
        }
    } while (more);
    pd_ptset_zero(V);
    if (ok)
        ck_assert_int_eq(pd_hull_vertices(V, S, err), PD_OK);
    pd_ptset_clear(S);
    flint_free(pat);
    flint_free(tied);
    pd_eval_clear(ev);
    fmpq_clear(val);
    _fmpq_vec_clear(g, FLINT_MAX(n, 1));
    return ok;
}

/* Re-check every decided piece's certificates with local/'s own verifier,
   on the guards of the piece that vanish at x (in push order). */
static void check_certificates(const pd_prog_t P, const pd_clarke_t C,
                               const fmpq *x)
{
    slong i, j, k, n = P->ninputs;
    fmpq **xp = flint_malloc(FLINT_MAX(n, 1) * sizeof(fmpq *));
    fmpq_t v;
    pd_error_t err;
    pd_error_init(err);
    fmpq_init(v);
    for (j = 0; j < n; j++)
        xp[j] = (fmpq *) (x + j);
    for (i = 0; i < C->npieces; i++) {
        const pd_clarke_piece_struct *p = C->pieces + i;
        pd_piece_t pc;
        fmpq_mpoly_struct *g;
        pd_piece_init(pc, P);
        ck_assert_int_eq(pd_piece_set_pattern(pc, p->pattern, err), PD_OK);
        g = flint_malloc(FLINT_MAX(pd_piece_nguards(pc), 1) * sizeof(fmpq_mpoly_struct));
        for (j = 0, k = 0; j < pd_piece_nguards(pc); j++) {
            ck_assert(fmpq_mpoly_evaluate_all_fmpq(v, pd_piece_guard(pc, j), xp,
                                                   pd_piece_ctx(pc)));
            if (fmpq_is_zero(v)) {
                ck_assert_int_lt(k, p->nguards);
                ck_assert_int_eq(pd_piece_guard_node(pc, j), p->guard_node[k]);
                g[k++] = *pd_piece_guard(pc, j);
            }
        }
        ck_assert_int_eq(k, p->nguards);
        if (p->essentially_active != PD_UNKNOWN && p->decided_by != PD_STEP_NLQSAT)
            ck_assert_msg(pd_activity_verify(p->activity, g, k, x, pd_piece_ctx(pc)),
                          "piece %ld: certificate (%s) does not verify", (long) i,
                          pd_step_name(p->decided_by));
        if (p->essentially_active != PD_FALSE && p->ray_active != PD_UNKNOWN
            && p->ray->step != PD_STEP_NLQSAT)
            ck_assert_msg(pd_activity_verify(p->ray, g, k, x, pd_piece_ctx(pc)),
                          "piece %ld: ray certificate (%s) does not verify", (long) i,
                          pd_step_name(p->ray->step));
        flint_free(g);
        pd_piece_clear(pc);
    }
    fmpq_clear(v);
    flint_free(xp);
}

static void print_prog(const pd_prog_t P, const fmpq *x)
{
    char *s = pd_prog_get_str(P);
    slong i;
    printf("seed %lu, program:\n%s", (unsigned long) pd_test_seed, s);
    printf("at ");
    for (i = 0; i < P->ninputs; i++) {
        fmpq_print(x + i);
        printf(i + 1 < P->ninputs ? "," : "\n");
    }
    fflush(stdout);
    flint_free(s);
}

START_TEST(random_properties)
{
    flint_rand_t st;
    pd_error_t err;
    slong it, i, j, tied_cases = 0, untied_cases = 0, near_checked = 0;
    slong vertex_checked = 0, brute_checked = 0, affine_checked = 0;
    pd_limits_t lim;
    pd_test_randinit(st, 31);
    pd_error_init(err);
    pd_error_init(berr);
    pd_limits_init(lim);
    /* keep the complete fallback cheap: undecided pieces are allowed and
       handled (outer hull) by every property below */
    lim->z3_rlimit = 2000000;
    lim->curve_budget = 2000;
    for (it = 0; it < 120 * pd_test_mult; it++) {
        slong n = 1 + n_randint(st, 3);
        pd_prog_t P;
        pd_field_t F;
        pd_eval_t ev;
        fmpq *x = _fmpq_vec_init(n), *y = _fmpq_vec_init(n), *d = _fmpq_vec_init(n);
        fmpq *g = _fmpq_vec_init(n);
        fmpq_t val, t;
        pd_status_t st_;
        int poly = (it % 3 == 0);
        pd_prog_init(P);
        random_prog(P, x, n, st, poly);
        pd_field_init(F);
        fmpq_init(val);
        fmpq_init(t);
        st_ = pd_field_at(F, P, x, lim, err);
        if (st_ != PD_OK)
            print_prog(P, x);
        ck_assert_msg(st_ == PD_OK, "status %d: %s", st_, err->msg);

        check_certificates(P, F->clarke, x);

        /* Piecewise-affine programs go through reverse-mode guards; the
           polynomial pieces of exact/ must give the very same answer. */
        if (_pd_prog_is_piecewise_affine(P)) {
            pd_clarke_t D;
            slong q;
            pd_clarke_init(D);
            ck_assert_int_eq(_pd_clarke_at_opts(D, P, x, lim, 1, err), PD_OK);
            ck_assert_int_eq(D->npieces, F->clarke->npieces);
            ck_assert_int_eq(D->ncuts, F->clarke->ncuts);
            ck_assert_int_eq(D->visited, F->clarke->visited);
            ck_assert(pd_ptset_equal(D->vertices, F->clarke->vertices));
            ck_assert_int_eq(D->differentiable, F->clarke->differentiable);
            for (q = 0; q < D->npieces; q++) {
                const pd_clarke_piece_struct *a = D->pieces + q, *b = F->clarke->pieces + q;
                ck_assert(memcmp(a->pattern, b->pattern, P->nslots * sizeof(slong)) == 0);
                ck_assert(pd_vec_cmp_lex(a->gradient, b->gradient, n) == 0);
                ck_assert_int_eq(a->essentially_active, b->essentially_active);
                ck_assert_int_eq(a->decided_by, b->decided_by);
                ck_assert_int_eq(a->nguards, b->nguards);
            }
            pd_clarke_clear(D);
            affine_checked++;
        }

        /* The field equals the hull of backprop over every vertex choice
           (brute force, an independent second method). */
        {
            pd_ptset_t B;
            pd_ptset_init(B, n);
            if (field_brute(B, P, x, 512)) {
                if (!pd_ptset_equal(B, F->vertices))
                    print_prog(P, x);
                ck_assert(pd_ptset_equal(B, F->vertices));
                brute_checked++;
            }
            pd_ptset_clear(B);
        }

        /* Clarke (inner hull) lies in the hull of the field. */
        for (i = 0; i < F->clarke->vertices->len; i++) {
            int in;
            ck_assert_int_eq(pd_hull_contains(&in, NULL, NULL, NULL, F->vertices,
                             pd_ptset_entry(F->clarke->vertices, i), err), PD_OK);
            if (!in)
                print_prog(P, x);
            ck_assert(in);
        }
        ck_assert_int_gt(F->clarke->vertices->len + F->clarke->undecided, 0);

        if (F->clarke->ntied > 0)
            tied_cases++;

        /* Away from the kinks (x moved by random amounts of order 1/97,
           where almost surely nothing ties): Clarke and field are both
           the gradient there, and f is differentiable. */
        {
            pd_field_t G;
            slong k;
            for (k = 0; k < n; k++) {
                fmpq_set_si(y + k, (slong) n_randint(st, 19) - 9, 97 + n_randint(st, 50));
                fmpq_add(y + k, y + k, x + k);
            }
            pd_field_init(G);
            ck_assert_int_eq(pd_field_at(G, P, y, lim, err), PD_OK);
            if (G->clarke->ntied == 0) {
                untied_cases++;
                ck_assert_int_eq(G->clarke->vertices->len, 1);
                ck_assert(pd_ptset_equal(G->clarke->vertices, G->vertices));
                ck_assert_int_eq(G->clarke->differentiable, PD_TRUE);
                ck_assert(pd_vec_cmp_lex(G->clarke->gradient,
                                         pd_ptset_entry(G->vertices, 0), n) == 0);
                ck_assert_int_eq(G->clarke->npieces, 1);
                ck_assert_int_eq(pd_piece_grad_fmpq(g, val, P, G->clarke->pieces[0].pattern,
                                                    y, err), PD_OK);
                ck_assert(pd_vec_cmp_lex(g, G->clarke->gradient, n) == 0);
            }
            pd_field_clear(G);
        }

        /* Random nearby points x + t d (t = 2^-40, small integer d): where
           no node is tied, the piece there is essentially (indeed ray-)
           active at x, so its gradient at x is in the Clarke set (the
           outer hull when some pieces are undecided), and equals the
           gradient when f is differentiable. */
        pd_eval_init(ev, P);
        for (j = 0; j < 6; j++) {
            slong k;
            int in;
            fmpq_set_si(t, 1, 1);
            fmpq_div_2exp(t, t, 40);
            for (k = 0; k < n; k++) {
                fmpq_set_si(d + k, (slong) n_randint(st, 7) - 3, 1);
                fmpq_mul(y + k, d + k, t);
                fmpq_add(y + k, y + k, x + k);
            }
            ck_assert_int_eq(pd_eval_fmpq(ev, P, y, err), PD_OK);
            if (ev->ntied > 0)
                continue;
            near_checked++;
            ck_assert_int_eq(pd_piece_grad_fmpq(g, val, P, ev->pattern, x, err), PD_OK);
            ck_assert_int_eq(pd_hull_contains(&in, NULL, NULL, NULL,
                             F->clarke->undecided ? F->clarke->outer
                                                  : F->clarke->vertices, g, err), PD_OK);
            if (!in)
                print_prog(P, x);
            ck_assert(in);
            if (F->clarke->differentiable == PD_TRUE)
                ck_assert(pd_vec_cmp_lex(g, F->clarke->gradient, n) == 0);
        }
        pd_eval_clear(ev);

        /* Each Clarke vertex is the gradient of an essentially active
           piece whose certificate curve, at a small t, lies in its
           region. */
        for (i = 0; i < F->clarke->vertices->len; i++) {
            const fmpq *v = pd_ptset_entry(F->clarke->vertices, i);
            slong p, e;
            int found = 0;
            for (p = 0; p < F->clarke->npieces && !found; p++) {
                const pd_clarke_piece_struct *pc = F->clarke->pieces + p;
                const pd_activity_struct *act = pc->activity;
                if (pc->essentially_active != PD_TRUE ||
                    pd_vec_cmp_lex(pc->gradient, v, n) != 0)
                    continue;
                if (act->curve == NULL)
                    continue;
                for (e = 20; e <= 80 && !found; e += 20) {
                    slong k;
                    fmpq_set_si(t, 1, 1);
                    fmpq_div_2exp(t, t, e);
                    for (k = 0; k < n; k++)
                        fmpq_poly_evaluate_fmpq(y + k, act->curve + k, t);
                    if (in_region(P, pc->pattern, y))
                        found = 1;
                }
            }
            /* (with undecided pieces, a one-point outer hull is the Clarke
               set although no decided piece may carry it) */
            if (!found && F->clarke->undecided > 0)
                continue;
            if (!found)
                print_prog(P, x);
            ck_assert_msg(found, "Clarke vertex %ld has no piece reached by its curve",
                          (long) i);
            vertex_checked++;
        }

        /* Verdicts are consistent with the sets: every field vertex is at
           least spurious, every Clarke vertex at least clarke. */
        {
            pd_judgement_t J;
            pd_judgement_init(J);
            for (i = 0; i < F->vertices->len; i++) {
                ck_assert_int_eq(pd_verdict_judge(J, F, pd_ptset_entry(F->vertices, i),
                                                  err), PD_OK);
                ck_assert_int_ne(J->verdict, PD_VERDICT_INVALID);
            }
            for (i = 0; i < F->clarke->vertices->len; i++) {
                ck_assert_int_eq(pd_verdict_judge(J, F,
                                 pd_ptset_entry(F->clarke->vertices, i), err), PD_OK);
                ck_assert(J->verdict == PD_VERDICT_GRADIENT ||
                          J->verdict == PD_VERDICT_CLARKE ||
                          J->verdict == PD_VERDICT_UNDECIDED);
            }
            pd_judgement_clear(J);
        }

        pd_field_clear(F);
        pd_prog_clear(P);
        fmpq_clear(val);
        fmpq_clear(t);
        _fmpq_vec_clear(x, n);
        _fmpq_vec_clear(y, n);
        _fmpq_vec_clear(d, n);
        _fmpq_vec_clear(g, n);
    }
    /* the properties were exercised, not skipped */
    ck_assert_int_gt(tied_cases, 30 * pd_test_mult);
    ck_assert_int_gt(untied_cases, 50 * pd_test_mult);   /* some nodes tie everywhere */
    ck_assert_int_gt(near_checked, 200 * pd_test_mult);
    ck_assert_int_gt(vertex_checked, 100 * pd_test_mult);
    ck_assert_int_gt(brute_checked, 100 * pd_test_mult);
    ck_assert_int_gt(affine_checked, 50 * pd_test_mult);
    flint_randclear(st);
}
END_TEST

/* Output-sensitive enumeration: a ReLU layer with k ties in R^4 (hyperplanes
   through x in general position) has at most 2 sum_{i<4} C(k-1, i) regions,
   and the enumeration visits a number of prefixes of that order, not 2^k. */
START_TEST(output_sensitive)
{
    pd_prog_t P;
    pd_clarke_t C;
    pd_error_t err;
    flint_rand_t st;
    slong in[4], i, j, k = 20, acc = -1, at[] = {0, 0, 0, 0}, regions;
    fmpq *pt = point(4, at, NULL);
    pd_test_randinit(st, 41);
    pd_prog_init(P);
    pd_error_init(err);
    pd_error_init(berr);
    for (j = 0; j < 4; j++) {
        char nm[4] = {'x', (char) ('1' + j), 0, 0};
        in[j] = input(P, nm);
    }
    for (i = 0; i < k; i++) {
        slong pre = -1, h;
        for (j = 0; j < 4; j++) {
            slong c = (slong) n_randint(st, 7) - 3, term;
            if (c == 0)
                c = 1 + (slong) n_randint(st, 3);
            term = scale(P, c, in[j]);
            pre = (pre < 0) ? term : ADD(pre, term);
        }
        h = RELU(pre);
        acc = (acc < 0) ? scale(P, (slong) (i % 5) + 1, h)
                        : ADD(acc, scale(P, (slong) (i % 5) + 1, h));
    }
    pd_prog_set_output(P, acc);
    pd_clarke_init(C);
    ck_assert_int_eq(pd_clarke_at(C, P, pt, NULL, err), PD_OK);
    ck_assert_int_eq(C->ntied, k);
    /* 2 (1 + 19 + 171 + 969) = 2320 regions at most */
    regions = count_active(C, PD_TRUE);
    ck_assert_int_le(regions, 2320);
    ck_assert_int_gt(regions, 100);
    ck_assert_int_eq(C->undecided, 0);
    /* each visited prefix is a child of a first-order active prefix one
       level up: at most 2 sum_{j<k} R(j), R(j) the region bound for j
       hyperplanes (R(0) = 1), against 2^(k+1) - 2 for naive enumeration */
    {
        slong bound = 2, jj;
        for (jj = 1; jj < k; jj++)
            bound += 2 * 2 * (1 + (jj - 1) + (jj - 1) * (jj - 2) / 2
                              + (jj - 1) * (jj - 2) * (jj - 3) / 6);
        ck_assert_int_le(C->visited, bound);
        ck_assert_int_lt(bound, 30000);
    }
    ck_assert_int_eq(C->differentiable, PD_FALSE);
    pd_clarke_clear(C);
    _fmpq_vec_clear(pt, 4);
    pd_prog_clear(P);
    flint_randclear(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("subdiff");
    TCase *tc = tcase_create("clarke_at");
    TCase *tf = tcase_create("field_at");
    TCase *tv = tcase_create("verdict_judge");
    TCase *tr = tcase_create("random");
    pd_test_init();
    pd_error_init(berr);
    tcase_add_test(tc, relu_minus_relu_neg);
    tcase_add_test(tc, max_xy_diagonal);
    tcase_add_test(tc, max_zero_min_abs);
    tcase_add_test(tc, cusp);
    tcase_add_test(tc, two_sided_cusp);
    tcase_add_test(tc, relu_sum_minus_relu_of_sum);
    tcase_add_test(tc, sort_triple_tie);
    tcase_add_test(tc, relu_network);
    tcase_add_test(tc, network_with_cuts);
    tcase_add_test(tc, no_ties);
    tcase_add_test(tc, limits_and_errors);
    tcase_add_test(tc, output_sensitive);
    tcase_add_test(tf, shared_versus_written_twice);
    tcase_add_test(tf, clamp_leaky_abs);
    tcase_add_test(tv, verdicts);
    tcase_add_test(tv, undecided_and_timeout);
    tcase_add_test(tr, random_properties);
    tcase_set_timeout(tr, 120);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tf);
    suite_add_tcase(s, tv);
    suite_add_tcase(s, tr);
    {
        int rc = pd_test_run(s);
        pd_sets_cleanup();    /* cddlib's global constants */
        return rc;
    }
}
