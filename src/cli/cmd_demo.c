/* cmd_demo.c: `pathdiff demo`: a guided tour for a newcomer.  The programs
   are embedded, so the tour works wherever pathdiff is installed; every
   number it shows is computed by the library when the tour runs (parser,
   exact evaluation, AD conventions, Clarke set, backprop field, verdicts,
   curve checks).  This file only chooses what to compute and words it. */
#include "cli.h"
#include "report/json.h"
#include "pathdiff/exact.h"
#include "pathdiff/ad.h"
#include "pathdiff/subdiff.h"
#include "pathdiff/curve.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------
   Output: text for people, or the facts of each scene as one JSON document.
   In JSON mode the narrative is dropped and every computed fact is kept. */

typedef struct {
    int json;
    pd_json_t J;
    int failed;          /* a library call failed: exit status to return */
} demo_out_struct;
typedef demo_out_struct demo_out_t[1];

static void say(demo_out_t o, const char *fmt, ...) PD_PRINTF(2, 3);
static void say(demo_out_t o, const char *fmt, ...)
{
    va_list ap;
    if (o->json)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* "3/4" (flint_free). */
static char *q_str(const fmpq_t q)
{
    return fmpq_get_str(NULL, 10, q);
}

/* "(1, 0)" or "1" for one component; returns a flint_malloc'd string. */
static char *vec_str(const fmpq *v, slong n)
{
    size_t alloc = 16, len = 0;
    char *s = flint_malloc(alloc);
    slong i;
    s[0] = '\0';
    for (i = 0; i < n; i++) {
        char *e = q_str(v + i);
        size_t need = len + strlen(e) + 8;
        if (need > alloc) {
            alloc = 2 * need;
            s = flint_realloc(s, alloc);
        }
        len += sprintf(s + len, "%s%s%s", (i == 0 && n > 1) ? "(" : "",
                       i > 0 ? ", " : "", e);
        flint_free(e);
    }
    if (n > 1)
        strcpy(s + len, ")");
    return s;
}

static int vec_equal(const fmpq *a, const fmpq *b, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        if (!fmpq_equal(a + i, b + i))
            return 0;
    return 1;
}

/* A polytope by its vertices, for people: "{1}", "[0, 2]" (one variable),
   "the segment (1, 0) -- (0, 1)", "the polygon with vertices ...". */
static void print_set(const pd_ptset_t S)
{
    slong i, n = S->dim;
    if (S->len == 0) {
        printf("(empty)");
        return;
    }
    if (S->len == 1) {
        char *a = vec_str(pd_ptset_entry(S, 0), n);
        printf("{%s}", a);
        flint_free(a);
        return;
    }
    if (n == 1 && S->len == 2) {
        char *a = vec_str(pd_ptset_entry(S, 0), 1);
        char *b = vec_str(pd_ptset_entry(S, 1), 1);
        printf("[%s, %s]", a, b);
        flint_free(a);
        flint_free(b);
        return;
    }
    if (S->len == 2) {
        char *a = vec_str(pd_ptset_entry(S, 0), n);
        char *b = vec_str(pd_ptset_entry(S, 1), n);
        printf("the segment %s -- %s", a, b);
        flint_free(a);
        flint_free(b);
        return;
    }
    printf("the polytope with vertices");
    for (i = 0; i < S->len; i++) {
        char *a = vec_str(pd_ptset_entry(S, i), n);
        printf("%s %s", i == 0 ? "" : ",", a);
        flint_free(a);
    }
}

static void json_set(pd_json_t J, const pd_ptset_t S)
{
    slong i;
    pd_json_obj_begin(J);
    pd_json_key(J, "vertices");
    pd_json_arr_begin(J);
    for (i = 0; i < S->len; i++)
        pd_json_fmpq_vec(J, pd_ptset_entry(S, i), S->dim);
    pd_json_arr_end(J);
    pd_json_obj_end(J);
}

static void print_program(const char *text)
{
    const char *p = text;
    while (*p != '\0') {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t) (e - p) : strlen(p);
        printf("    %.*s\n", (int) len, p);
        p += len + (e ? 1 : 0);
    }
}

/* ------------------------------------------------------------------------
   A scene: one program at one point, and everything computed about it. */

typedef struct {
    const char *program;       /* .pd text                                 */
    const char *point;         /* as for --at                              */
    pd_prog_t P;
    fmpq *x;
    slong n;
    pd_eval_t ev;
    pd_field_t F;              /* the field, with the Clarke set inside    */
    int have_eval, have_field;
} demo_scene_struct;
typedef demo_scene_struct demo_scene_t[1];

static void scene_init(demo_scene_t S)
{
    memset(S, 0, sizeof(demo_scene_struct));
    pd_prog_init(S->P);
    pd_field_init(S->F);
}

static void scene_clear(demo_scene_t S)
{
    if (S->have_eval)
        pd_eval_clear(S->ev);
    if (S->x != NULL)
        _fmpq_vec_clear(S->x, S->n);
    pd_field_clear(S->F);
    pd_prog_clear(S->P);
}

/* Report a library failure the way every command does. */
static int demo_fail(demo_out_t o, const pd_error_t err, pd_status_t st)
{
    pd_cli_print_error(err);
    if (o->failed == 0)
        o->failed = pd_cli_exit_status(st);
    return o->failed;
}

/* Parse, evaluate, compute the field and the Clarke set. */
static int scene_compute(demo_out_t o, demo_scene_t S, const char *program,
                         const char *point, const char *file)
{
    pd_error_t err;
    pd_status_t st;
    pd_limits_t lim;
    int rc = PD_EXIT_OK;

    S->program = program;
    S->point = point;
    pd_error_init(err);
    st = pd_parse_string(S->P, program, file, err);
    if (st != PD_OK) {
        rc = demo_fail(o, err, st);
        goto cleanup;
    }
    S->n = S->P->ninputs;
    S->x = _fmpq_vec_init(S->n);
    st = pd_point_parse(S->x, S->P, point, PD_POINTS_EXACT, err);
    if (st != PD_OK) {
        rc = demo_fail(o, err, st);
        goto cleanup;
    }
    pd_eval_init(S->ev, S->P);
    S->have_eval = 1;
    st = pd_eval_fmpq(S->ev, S->P, S->x, err);
    if (st != PD_OK) {
        rc = demo_fail(o, err, st);
        goto cleanup;
    }
    pd_limits_init(lim);
    pd_limits_start(lim);
    st = pd_field_at(S->F, S->P, S->x, lim, err);
    if (st != PD_OK) {
        rc = demo_fail(o, err, st);
        goto cleanup;
    }
    S->have_field = 1;
cleanup:
    pd_error_clear(err);
    return rc;
}

/* The exact value of the program at another point (for "f(1/1000) = ..."). */
static int scene_value_at(demo_out_t o, fmpq_t val, const demo_scene_t S,
                          const char *point)
{
    pd_error_t err;
    pd_eval_t ev;
    fmpq *y;
    pd_status_t st;
    int rc = PD_EXIT_OK;
    pd_error_init(err);
    y = _fmpq_vec_init(S->n);
    pd_eval_init(ev, S->P);
    st = pd_point_parse(y, S->P, point, PD_POINTS_EXACT, err);
    if (st == PD_OK)
        st = pd_eval_fmpq(ev, S->P, y, err);
    if (st != PD_OK)
        rc = demo_fail(o, err, st);
    else
        fmpq_set(val, pd_eval_output(ev));
    pd_eval_clear(ev);
    _fmpq_vec_clear(y, S->n);
    pd_error_clear(err);
    return rc;
}

/* The names of the tied nodes, "relu@1:8, relu@1:18" (flint_free). */
static char *tied_names(const demo_scene_t S)
{
    size_t alloc = 64, len = 0;
    char *s = flint_malloc(alloc);
    slong i;
    s[0] = '\0';
    for (i = 0; i < S->P->len; i++) {
        char *name;
        if (!pd_eval_is_tied(S->ev, i))
            continue;
        name = pd_prog_node_name(S->P, i);
        if (len + strlen(name) + 4 > alloc) {
            alloc = 2 * (len + strlen(name) + 4);
            s = flint_realloc(s, alloc);
        }
        len += sprintf(s + len, "%s%s", len > 0 ? ", " : "", name);
        flint_free(name);
    }
    return s;
}

/* One AD output under a convention: the gradient (exact), and its verdict
   against the scene's field and Clarke set. */
typedef struct {
    const char *spec;          /* as for --convention                     */
    pd_conv_t C;
    fmpq *grad;
    fmpq_t value;
    pd_judgement_t J;
    int ok;
} demo_ad_struct;
typedef demo_ad_struct demo_ad_t[1];

static void demo_ad_init(demo_ad_t A, slong n)
{
    A->spec = NULL;
    pd_conv_init(A->C);
    A->grad = _fmpq_vec_init(n);
    fmpq_init(A->value);
    pd_judgement_init(A->J);
    A->ok = 0;
}

static void demo_ad_clear(demo_ad_t A, slong n)
{
    pd_conv_clear(A->C);
    _fmpq_vec_clear(A->grad, n);
    fmpq_clear(A->value);
    pd_judgement_clear(A->J);
}

static int demo_ad_run(demo_out_t o, demo_ad_t A, const demo_scene_t S,
                       const char *spec)
{
    pd_error_t err;
    pd_status_t st;
    int rc = PD_EXIT_OK;
    pd_error_init(err);
    A->spec = spec;
    st = pd_conv_parse(A->C, spec, err);
    if (st == PD_OK) {
        pd_tape_t T;
        st = pd_tape_init(T, S->P, A->C, err);
        if (st == PD_OK) {
            st = pd_ad_grad_fmpq(A->value, A->grad, T, S->x, err);
            pd_tape_clear(T);
        }
    }
    if (st == PD_OK)
        st = pd_verdict_judge(A->J, S->F, A->grad, err);
    if (st != PD_OK)
        rc = demo_fail(o, err, st);
    else
        A->ok = 1;
    pd_error_clear(err);
    return rc;
}

/* ------------------------------------------------------------------------
   Printing the facts of a scene (text) and the scene itself (JSON). */

static void show_value_and_ties(demo_out_t o, const demo_scene_t S,
                                const char *fname)
{
    char *v, *t, *pt;
    if (o->json)
        return;
    v = q_str(pd_eval_output(S->ev));
    t = tied_names(S);
    pt = vec_str(S->x, S->n);
    if (S->n > 1)
        printf("    %s%s = %s\n", fname, pt, v);
    else
        printf("    %s(%s) = %s\n", fname, pt, v);
    if (t[0] != '\0')
        printf("    tied there: %s\n", t);
    else
        printf("    no node is tied there\n");
    flint_free(v);
    flint_free(t);
    flint_free(pt);
}

static void show_ad_table(demo_out_t o, demo_ad_struct *ad, slong nad,
                          const demo_scene_t S)
{
    slong i;
    if (o->json)
        return;
    for (i = 0; i < nad; i++) {
        char *g;
        if (!ad[i].ok)
            continue;
        g = vec_str(ad[i].grad, S->n);
        printf("    %-12s %-10s -> %s\n", ad[i].spec, g,
               pd_verdict_name(ad[i].J->verdict));
        flint_free(g);
    }
}

static void show_clarke_field(demo_out_t o, const demo_scene_t S)
{
    const pd_clarke_struct *C = S->F->clarke;
    if (o->json)
        return;
    printf("    Clarke subdifferential:   ");
    print_set(C->vertices);
    printf("\n    backprop field (hull):    ");
    print_set(S->F->vertices);
    printf("\n    differentiable:           ");
    if (C->differentiable == PD_TRUE) {
        char *g = vec_str(C->gradient, S->n);
        printf("yes, gradient %s\n", g);
        flint_free(g);
    } else if (C->differentiable == PD_FALSE) {
        printf("no\n");
    } else {
        printf("undecided\n");
    }
}

static void show_pieces(demo_out_t o, const demo_scene_t S)
{
    const pd_clarke_struct *C = S->F->clarke;
    slong k;
    if (o->json)
        return;
    for (k = 0; k < C->npieces; k++) {
        const pd_clarke_piece_struct *p = C->pieces + k;
        char *g = vec_str(p->gradient, S->n);
        const char *act = p->essentially_active == PD_TRUE ? "essentially active"
                          : p->essentially_active == PD_FALSE ? "not essentially active"
                          : "undecided";
        printf("    piece %ld: gradient %-8s %s (decided by: %s)\n", (long) (k + 1),
               g, act, pd_step_name(p->decided_by));
        flint_free(g);
        if (p->decided_by == PD_STEP_CURVE && p->activity->curve != NULL) {
            slong j;
            printf("             witness curve t -> (");
            for (j = 0; j < S->n; j++) {
                char *c = fmpq_poly_get_str_pretty(p->activity->curve + j, "t");
                printf("%s%s", j ? ", " : "", c);
                flint_free(c);
            }
            printf(")\n");
        }
    }
    if (C->ncuts > 0)
        printf("    (%ld partial patterns were cut off before completion)\n",
               (long) C->ncuts);
}

static void json_scene(demo_out_t o, const char *label, const demo_scene_t S,
                       demo_ad_struct *ad, slong nad)
{
    pd_json_struct *J = o->J;
    const pd_clarke_struct *C = S->F->clarke;
    slong i;
    if (!o->json)
        return;
    pd_json_obj_begin(J);
    pd_json_key(J, "label");
    pd_json_str(J, label);
    pd_json_key(J, "program");
    pd_json_str(J, S->program);
    pd_json_key(J, "point");
    pd_json_fmpq_vec(J, S->x, S->n);
    pd_json_key(J, "value");
    pd_json_fmpq(J, pd_eval_output(S->ev));
    pd_json_key(J, "tied");
    pd_json_arr_begin(J);
    for (i = 0; i < S->P->len; i++) {
        if (!pd_eval_is_tied(S->ev, i))
            continue;
        pd_json_node_name(J, S->P, i);
    }
    pd_json_arr_end(J);
    pd_json_key(J, "differentiable");
    pd_json_truth(J, C->differentiable);
    if (C->differentiable == PD_TRUE) {
        pd_json_key(J, "gradient");
        pd_json_fmpq_vec(J, C->gradient, S->n);
    }
    pd_json_key(J, "clarke");
    json_set(J, C->vertices);
    pd_json_key(J, "field");
    json_set(J, S->F->vertices);
    pd_json_key(J, "ad");
    pd_json_arr_begin(J);
    for (i = 0; i < nad; i++) {
        if (!ad[i].ok)
            continue;
        pd_json_obj_begin(J);
        pd_json_key(J, "convention");
        pd_json_str(J, ad[i].spec);
        pd_json_key(J, "gradient");
        pd_json_fmpq_vec(J, ad[i].grad, S->n);
        pd_json_key(J, "verdict");
        pd_json_str(J, pd_verdict_name(ad[i].J->verdict));
        pd_json_obj_end(J);
    }
    pd_json_arr_end(J);
    pd_json_obj_end(J);
}

/* Compute a scene and its AD outputs under the given conventions; print
   nothing yet.  ad has room for nconv entries (initialised here). */
static int scene_with_ad(demo_out_t o, demo_scene_t S, demo_ad_struct *ad,
                         const char *const *conv, slong nconv,
                         const char *program, const char *point,
                         const char *file)
{
    slong i;
    int rc = scene_compute(o, S, program, point, file);
    for (i = 0; i < nconv; i++)
        demo_ad_init(ad + i, S->n);
    if (rc != PD_EXIT_OK)
        return rc;
    for (i = 0; i < nconv; i++) {
        rc = demo_ad_run(o, ad + i, S, conv[i]);
        if (rc != PD_EXIT_OK)
            return rc;
    }
    return PD_EXIT_OK;
}

static void ad_clear_all(demo_ad_struct *ad, slong nconv, slong n)
{
    slong i;
    for (i = 0; i < nconv; i++)
        demo_ad_clear(ad + i, n);
}

/* ------------------------------------------------------------------------
   The tours */

#define NCONV_MAX 8

static const char prog_relu_identity[] =
    "# relu(x) - relu(-x) is x for x > 0 and -(-x) = x for x < 0: the identity\n"
    "f(x) = relu(x) - relu(-x)\n";

static int tour_relu_identity(demo_out_t o)
{
    static const char *const conv[] = {"pytorch", "jax", "tensorflow",
                                       "relu0=1", "relu0=1/2"};
    const slong nconv = 5;
    demo_scene_t S;
    demo_ad_struct ad[NCONV_MAX];
    fmpq_t v;
    slong i;
    int rc;

    scene_init(S);
    fmpq_init(v);
    rc = scene_with_ad(o, S, ad, conv, nconv, prog_relu_identity, "0",
                       "relu-identity.pd");
    if (rc != PD_EXIT_OK)
        goto cleanup;

    say(o, "The program:\n\n");
    if (!o->json)
        print_program(prog_relu_identity);
    say(o, "\nFor x > 0 it is x - 0, for x < 0 it is 0 - (-x): f is the identity.\n"
           "Its exact values (pathdiff eval):\n\n");
    if (!o->json) {
        static const char *const pts[] = {"-1/2", "-1/1000", "1/1000", "3"};
        for (i = 0; i < 4; i++) {
            char *s;
            rc = scene_value_at(o, v, S, pts[i]);
            if (rc != PD_EXIT_OK)
                goto cleanup;
            s = q_str(v);
            printf("    f(%s) = %s\n", pts[i], s);
            flint_free(s);
        }
    }
    show_value_and_ties(o, S, "f");
    if (!o->json && S->F->clarke->differentiable == PD_TRUE) {
        char *g = vec_str(S->F->clarke->gradient, S->n);
        printf("\nSo f'(0) = %s.", g);
        flint_free(g);
    }
    say(o, "  What does automatic differentiation return at 0?\n"
           "Each framework runs backprop with a fixed relu'(0) (pathdiff ad,\n"
           "here in exact arithmetic):\n\n");
    if (!o->json) {
        for (i = 0; i < nconv; i++) {
            char *r, *g;
            if (!ad[i].ok)
                continue;
            r = q_str(ad[i].C->relu0);
            g = vec_str(ad[i].grad, S->n);
            printf("    %-12s relu'(0) = %-4s gives f'(0) = %s\n", conv[i], r, g);
            flint_free(r);
            flint_free(g);
        }
    }
    if (!o->json && ad[0].ok && ad[1].ok && ad[2].ok
        && vec_equal(ad[0].grad, ad[1].grad, S->n)
        && vec_equal(ad[0].grad, ad[2].grad, S->n)) {
        char *g = vec_str(ad[0].grad, S->n);
        printf("\nPyTorch, JAX and TensorFlow agree: they all answer %s, for the\n"
               "identity function.\n", g);
        flint_free(g);
    }
    say(o, "Which answers are right?  At a kink, the answer is a set\n"
           "(pathdiff clarke, pathdiff field):\n\n");
    show_clarke_field(o, S);
    say(o, "\nThe Clarke subdifferential collects the limits of gradients at\n"
           "nearby points: here only 1.  The backprop field collects every\n"
           "output backpropagation can legitimately produce when each relu\n"
           "occurrence takes any relu'(0) in [0, 1]: the two occurrences\n"
           "choose independently, so it is a whole segment.  The verdict on\n"
           "each output (pathdiff verify):\n\n");
    show_ad_table(o, ad, nconv, S);
    say(o, "\n\"spurious\" means: legitimate backprop, yet not a Clarke\n"
           "subgradient.  Gradient descent can stop at such a point (0 here is\n"
           "an artificial critical point); the set of such points has measure\n"
           "zero, but float32 arithmetic lands on kinks far more often than\n"
           "measure zero suggests.\n"
           "\nTry it:\n"
           "    pathdiff demo relu-identity --program > id.pd\n"
           "    pathdiff ad id.pd --at 0 --convention pytorch\n"
           "    pathdiff field id.pd --at 0\n"
           "\nNext: pathdiff demo max-tie\n");
    json_scene(o, "relu(x) - relu(-x) at 0", S, ad, nconv);
cleanup:
    ad_clear_all(ad, nconv, S->n);
    fmpq_clear(v);
    scene_clear(S);
    return rc;
}

static const char prog_max_tie[] =
    "f(x, y) = max(x, y)\n";

static int tour_max_tie(demo_out_t o)
{
    static const char *const conv[] = {"pytorch", "tensorflow", "max=last",
                                       "max=both"};
    const slong nconv = 4;
    demo_scene_t S;
    demo_ad_struct ad[NCONV_MAX];
    int rc;

    scene_init(S);
    rc = scene_with_ad(o, S, ad, conv, nconv, prog_max_tie, "1,1",
                       "max-tie.pd");
    if (rc != PD_EXIT_OK)
        goto cleanup;
    say(o, "The program:\n\n");
    if (!o->json)
        print_program(prog_max_tie);
    say(o, "\nAt (1, 1) the two arguments tie:\n\n");
    show_value_and_ties(o, S, "f");
    say(o, "\nNear (1, 1), f is x on one side of the diagonal (gradient (1, 0))\n"
           "and y on the other (gradient (0, 1)).  Every average of the two is a\n"
           "Clarke subgradient:\n\n");
    show_clarke_field(o, S);
    say(o, "\nHere the Clarke set and the backprop field agree.  Frameworks pick\n"
           "different points of the segment; all are fine, except a rule that\n"
           "sends the whole gradient to both arguments:\n\n");
    show_ad_table(o, ad, nconv, S);
    say(o, "\n\"invalid\": no choice of max's local derivative within its Clarke\n"
           "Jacobian (weights on the tied arguments that sum to 1) produces\n"
           "that output.  Such a rule breaks the chain rule along the diagonal\n"
           "(pathdiff demo curve shows it).\n"
           "\nNext: pathdiff demo shared-node\n");
    json_scene(o, "max(x, y) at (1, 1)", S, ad, nconv);
cleanup:
    ad_clear_all(ad, nconv, S->n);
    scene_clear(S);
    return rc;
}

static const char prog_twice[] =
    "# two occurrences of relu(x): two nodes\n"
    "f(x) = relu(x) - relu(x)\n";
static const char prog_shared[] =
    "# one node, used twice\n"
    "input x\n"
    "h = relu(x)\n"
    "output h - h\n";

static int tour_shared_node(demo_out_t o)
{
    static const char *const conv[] = {"pytorch"};
    demo_scene_t S1, S2;
    demo_ad_struct ad1[1], ad2[1];
    int rc;

    scene_init(S1);
    scene_init(S2);
    rc = scene_with_ad(o, S1, ad1, conv, 1, prog_twice, "0", "twice.pd");
    if (rc == PD_EXIT_OK)
        rc = scene_with_ad(o, S2, ad2, conv, 1, prog_shared, "0", "shared.pd");
    else
        demo_ad_init(ad2, 1);
    if (rc != PD_EXIT_OK)
        goto cleanup;
    say(o, "Both programs compute the zero function.  The first writes\n"
           "relu(x) twice:\n\n");
    if (!o->json)
        print_program(prog_twice);
    say(o, "\n");
    show_clarke_field(o, S1);
    say(o, "\nThe second binds it once and uses the node twice:\n\n");
    if (!o->json)
        print_program(prog_shared);
    say(o, "\n");
    show_clarke_field(o, S2);
    say(o, "\nThe Clarke set belongs to the function: {0} both times.  The\n"
           "backprop field belongs to the program as written: two occurrences\n"
           "of relu choose their relu'(0) independently (1 - 0 = 1, 0 - 1 = -1),\n"
           "one shared node chooses once.  pathdiff never merges nodes behind\n"
           "your back, so what it reports is what your framework's graph does.\n"
           "\nNext: pathdiff demo not-essential\n");
    json_scene(o, "relu(x) - relu(x) at 0", S1, ad1, 1);
    json_scene(o, "h = relu(x); h - h at 0", S2, ad2, 1);
cleanup:
    ad_clear_all(ad1, 1, S1->n);
    ad_clear_all(ad2, 1, S2->n);
    scene_clear(S1);
    scene_clear(S2);
    return rc;
}

static const char prog_not_essential[] =
    "# min(x, -x) = -|x| <= 0, so this is the zero function\n"
    "f(x) = max(0, min(x, -x))\n";

static int tour_not_essential(demo_out_t o)
{
    static const char *const conv[] = {"pytorch", "tensorflow"};
    const slong nconv = 2;
    demo_scene_t S;
    demo_ad_struct ad[NCONV_MAX];
    int rc;

    scene_init(S);
    rc = scene_with_ad(o, S, ad, conv, nconv, prog_not_essential, "0",
                       "not-essential.pd");
    if (rc != PD_EXIT_OK)
        goto cleanup;
    say(o, "The program:\n\n");
    if (!o->json)
        print_program(prog_not_essential);
    say(o, "\nAt 0 both nonsmooth nodes are tied:\n\n");
    show_value_and_ties(o, S, "f");
    say(o, "\nEvery combination of branches is *active* at 0 (its formula gives\n"
           "the right value there), but a piece counts for the Clarke set only\n"
           "if its region reaches 0: it must be *essentially* active.  pathdiff\n"
           "decides each one and records how:\n\n");
    show_pieces(o, S);
    say(o, "\n");
    show_clarke_field(o, S);
    if (!o->json) {
        printf("\nUsing every active piece would give ");
        print_set(S->F->vertices);
        printf(", the backprop field,\n"
               "not the Clarke set of the zero function.  The outputs of the\n"
               "frameworks:\n\n");
    }
    show_ad_table(o, ad, nconv, S);
    say(o, "\nNext: pathdiff demo cusp\n");
    json_scene(o, "max(0, min(x, -x)) at 0", S, ad, nconv);
cleanup:
    ad_clear_all(ad, nconv, S->n);
    scene_clear(S);
    return rc;
}

static const char prog_cusp[] =
    "# nonzero only in the cusp x^2 < y < 2 x^2; |f| <= x^2\n"
    "f(x, y) = relu(y - x^2) - relu(y - 2*x^2)\n";

static int tour_cusp(demo_out_t o)
{
    static const char *const conv[] = {"pytorch", "relu0=1"};
    const slong nconv = 2;
    demo_scene_t S;
    demo_ad_struct ad[NCONV_MAX];
    int rc;

    scene_init(S);
    rc = scene_with_ad(o, S, ad, conv, nconv, prog_cusp, "0,0", "cusp.pd");
    if (rc != PD_EXIT_OK)
        goto cleanup;
    say(o, "The program:\n\n");
    if (!o->json)
        print_program(prog_cusp);
    say(o, "\nf is 0 outside the thin region x^2 < y < 2 x^2, where it is\n"
           "y - x^2.  At the origin:\n\n");
    show_value_and_ties(o, S, "f");
    say(o, "\nNo straight line from the origin stays inside the cusp, so first-\n"
           "order tests (directions) cannot see it; pathdiff tries curves\n"
           "x + t d + t^2 e and checks the sign of every guard along them\n"
           "exactly:\n\n");
    show_pieces(o, S);
    say(o, "\n");
    show_clarke_field(o, S);
    say(o, "\n|f(x, y)| <= x^2, so f is differentiable at the origin; yet inside\n"
           "the cusp, arbitrarily close to it, the gradient is that of y - x^2,\n"
           "so the Clarke set is a segment.  \"The Clarke set is a point\" means\n"
           "*strictly* differentiable; pathdiff decides differentiability\n"
           "separately, from the pieces that open cones of rays enter.  The\n"
           "frameworks:\n\n");
    show_ad_table(o, ad, nconv, S);
    say(o, "\nNext: pathdiff demo curve\n");
    json_scene(o, "relu(y - x^2) - relu(y - 2*x^2) at (0, 0)", S, ad, nconv);
cleanup:
    ad_clear_all(ad, nconv, S->n);
    scene_clear(S);
    return rc;
}


static const char prog_curve[] =
    "f(x, y) = max(x, y)\n";
static const char prog_curve_relu[] =
    "f(x, y) = relu(x) + y\n";

/* Parse a program (into a fresh P) for the curve tour. */
static int curve_program(demo_out_t o, pd_prog_t P, const char *program,
                         const char *file)
{
    pd_error_t err;
    pd_status_t st;
    int rc = PD_EXIT_OK;
    pd_error_init(err);
    st = pd_parse_string(P, program, file, err);
    if (st != PD_OK)
        rc = demo_fail(o, err, st);
    pd_error_clear(err);
    return rc;
}

/* Initialise g for P and parse the curve into it (*have_g set once g is
   initialised, so the caller knows to clear it). */
static int curve_setup(demo_out_t o, pd_curve_struct *g, int *have_g,
                       const pd_prog_t P, const char *curve)
{
    pd_error_t err;
    pd_status_t st;
    int rc = PD_EXIT_OK;
    pd_error_init(err);
    pd_curve_init(g, P->ninputs);
    *have_g = 1;
    st = pd_curve_parse(g, P, curve, err);
    if (st != PD_OK)
        rc = demo_fail(o, err, st);
    pd_error_clear(err);
    return rc;
}

/* Run the curve check under one convention. */
static int curve_run(demo_out_t o, pd_curve_result_t R, const pd_prog_t P,
                     const pd_curve_t g, const char *spec)
{
    pd_error_t err;
    pd_status_t st;
    pd_conv_t C;
    pd_limits_t lim;
    int rc = PD_EXIT_OK;
    pd_error_init(err);
    pd_conv_init(C);
    pd_limits_init(lim);
    pd_limits_start(lim);
    st = pd_conv_parse(C, spec, err);
    if (st == PD_OK)
        st = pd_curve_check(R, P, g, C, lim, err);
    if (st != PD_OK)
        rc = demo_fail(o, err, st);
    pd_conv_clear(C);
    pd_error_clear(err);
    return rc;
}

static const char *truth_word(pd_truth_t t)
{
    return t == PD_TRUE ? "holds" : t == PD_FALSE ? "fails" : "undecided";
}

/* One line per convention: does the chain rule hold along the curve? */
static void show_curve_verdict(demo_out_t o, const pd_curve_result_t R,
                               const char *spec)
{
    if (o->json)
        return;
    printf("    %-12s chain rule %s", spec,
           truth_word(R->holds[PD_CURVE_CONVENTION]));
    if (R->cex.found && R->cex.check == PD_CURVE_CONVENTION) {
        char *t = q_str(R->cex.t);
        char *v = vec_str(R->cex.v, R->cex.n);
        char *l = q_str(R->cex.lhs);
        char *r = q_str(R->cex.rhs);
        printf(": at t = %s, v = %s gives\n"
               "%17s<v, gamma'(t)> = %s, but (f o gamma)'(t) = %s", t, v, "", r, l);
        flint_free(t);
        flint_free(v);
        flint_free(l);
        flint_free(r);
    }
    printf("\n");
}

static void json_curve(demo_out_t o, const char *label, const char *program,
                       const char *curve, const pd_curve_result_t *R,
                       const char *const *conv, slong nconv)
{
    pd_json_struct *J = o->J;
    slong i, j;
    if (!o->json)
        return;
    pd_json_obj_begin(J);
    pd_json_key(J, "label");
    pd_json_str(J, label);
    pd_json_key(J, "program");
    pd_json_str(J, program);
    pd_json_key(J, "curve");
    pd_json_str(J, curve);
    pd_json_key(J, "breakpoints");
    pd_json_arr_begin(J);
    for (j = 0; j < pd_curve_result_nbreakpoints(R[0]); j++) {
        char *a = pd_realalg_get_str(pd_curve_result_breakpoint(R[0], j), 6);
        pd_json_str(J, a);
        flint_free(a);
    }
    pd_json_arr_end(J);
    pd_json_key(J, "checks");
    pd_json_arr_begin(J);
    for (i = 0; i < nconv; i++) {
        pd_json_obj_begin(J);
        pd_json_key(J, "convention");
        pd_json_str(J, conv[i]);
        pd_json_key(J, "clarke");
        pd_json_str(J, truth_word(R[i]->holds[PD_CURVE_CLARKE]));
        pd_json_key(J, "field");
        pd_json_str(J, truth_word(R[i]->holds[PD_CURVE_FIELD]));
        pd_json_key(J, "convention_holds");
        pd_json_str(J, truth_word(R[i]->holds[PD_CURVE_CONVENTION]));
        pd_json_key(J, "conservative");
        pd_json_truth(J, R[i]->conservative);
        pd_json_obj_end(J);
    }
    pd_json_arr_end(J);
    pd_json_obj_end(J);
}

static int tour_curve(demo_out_t o)
{
    static const char *const conv[] = {"pytorch", "tensorflow", "max=both"};
    static const char *const conv2[] = {"pytorch"};
    static const char *const conv3[] = {"relu0=2"};
    const slong nconv = 3;
    static const char diag[] = "x=t, y=t";
    static const char arc[] = "x=t, y=1-t^2";
    static const char kink[] = "x=0, y=t";
    pd_prog_t P, P3;
    pd_curve_t g, g2, g3;
    int have_g = 0, have_g2 = 0, have_g3 = 0, rc;
    pd_curve_result_t R[3], R2[1], R3[1];
    slong i, j;

    pd_prog_init(P);
    pd_prog_init(P3);
    for (i = 0; i < nconv; i++)
        pd_curve_result_init(R[i]);
    pd_curve_result_init(R2[0]);
    pd_curve_result_init(R3[0]);

    rc = curve_program(o, P, prog_curve, "max.pd");
    if (rc == PD_EXIT_OK)
        rc = curve_setup(o, g, &have_g, P, diag);
    for (i = 0; i < nconv && rc == PD_EXIT_OK; i++)
        rc = curve_run(o, R[i], P, g, conv[i]);
    if (rc != PD_EXIT_OK)
        goto cleanup;

    say(o, "A field is conservative when the chain rule holds along every\n"
           "curve: (f o gamma)'(t) = <v, gamma'(t)> for every v it offers, at\n"
           "almost every t.  pathdiff checks it exactly along polynomial\n"
           "curves.  The program:\n\n");
    if (!o->json)
        print_program(prog_curve);
    say(o, "\nalong the diagonal gamma(t) = (t, t), t in [0, 1], where x and y\n"
           "tie all the way (pathdiff curve max.pd --curve \"%s\"):\n\n", diag);
    for (i = 0; i < nconv; i++)
        show_curve_verdict(o, R[i], conv[i]);
    if (!o->json && R[0]->nintervals > 0) {
        const pd_curve_interval_struct *I = R[0]->intervals;
        char *f = pd_curve_poly_get_str(I->f, "t");
        char *df = pd_curve_poly_get_str(I->df, "t");
        printf("\nHere f o gamma = %s, so (f o gamma)' = %s; each rule's v(t):\n\n",
               f, df);
        flint_free(f);
        flint_free(df);
        for (i = 0; i < nconv; i++) {
            const pd_curve_interval_struct *J = R[i]->intervals;
            printf("    %-12s v(t) = ", conv[i]);
            for (j = 0; j < P->ninputs; j++) {
                char *c = pd_curve_poly_get_str(J->conv_grad + j, "t");
                printf("%s%s", j == 0 ? "(" : ", ", c);
                flint_free(c);
            }
            printf(")\n");
        }
    }
    say(o, "\nPyTorch splits the gradient between the tied arguments, TensorFlow\n"
           "sends it to the first: both keep the identity.  max=both sends all\n"
           "of it to both and breaks it.  Such a rule is not a conservative\n"
           "field: following it, a gradient method can drift along the diagonal\n"
           "for nothing.\n");

    rc = curve_setup(o, g2, &have_g2, P, arc);
    if (rc == PD_EXIT_OK)
        rc = curve_run(o, R2[0], P, g2, conv2[0]);
    if (rc != PD_EXIT_OK)
        goto cleanup;
    say(o, "\nA curve that crosses the kink instead, gamma(t) = (t, 1 - t^2): the\n"
           "breakpoints are exact real algebraic numbers,\n\n");
    if (!o->json) {
        for (j = 0; j < pd_curve_result_nbreakpoints(R2[0]); j++) {
            const pd_realalg_struct *b = pd_curve_result_breakpoint(R2[0], j);
            char *a = pd_realalg_get_str(b, 6);
            char *m = fmpz_poly_get_str_pretty(b->poly, "t");
            printf("    t = %s, the root of %s\n", a, m);
            flint_free(a);
            flint_free(m);
        }
        printf("\n");
        for (j = 0; j < R2[0]->nintervals; j++) {
            char *f = pd_curve_poly_get_str(R2[0]->intervals[j].f, "t");
            printf("    on interval %ld: f o gamma = %s\n", (long) (j + 1), f);
            flint_free(f);
        }
        printf("\n");
        show_curve_verdict(o, R2[0], conv2[0]);
    }

    rc = curve_program(o, P3, prog_curve_relu, "relu.pd");
    if (rc == PD_EXIT_OK)
        rc = curve_setup(o, g3, &have_g3, P3, kink);
    if (rc == PD_EXIT_OK)
        rc = curve_run(o, R3[0], P3, g3, conv3[0]);
    if (rc != PD_EXIT_OK)
        goto cleanup;
    say(o, "\nWhat a curve cannot see: a rule for a one-argument primitive.  Take\n\n");
    if (!o->json)
        print_program(prog_curve_relu);
    say(o, "\nwith relu'(0) = 2, far outside [0, 1], along gamma(t) = (0, t), which\n"
           "runs inside the kink of relu:\n\n");
    show_curve_verdict(o, R3[0], conv3[0]);
    say(o, "\nThe argument of relu stays 0 along the curve, so relu'(0) multiplies\n"
           "0 and any value passes: {0, 1, 2} is a conservative field for relu.\n"
           "Only several-argument primitives (max, min, sort) can break the\n"
           "chain rule, and only where the tied value changes along the curve.\n"
           "\nThat is the end of the tour.  pathdiff --help lists the commands;\n"
           "man pathdiff documents them.\n");
    json_curve(o, "max(x, y) along (t, t)", prog_curve, diag, R, conv, nconv);
    json_curve(o, "max(x, y) along (t, 1 - t^2)", prog_curve, arc, R2, conv2, 1);
    json_curve(o, "relu(x) + y along (0, t)", prog_curve_relu, kink, R3, conv3, 1);
cleanup:
    for (i = 0; i < nconv; i++)
        pd_curve_result_clear(R[i]);
    pd_curve_result_clear(R2[0]);
    pd_curve_result_clear(R3[0]);
    if (have_g)
        pd_curve_clear(g);
    if (have_g2)
        pd_curve_clear(g2);
    if (have_g3)
        pd_curve_clear(g3);
    pd_prog_clear(P);
    pd_prog_clear(P3);
    return rc;
}

/* ------------------------------------------------------------------------
   The table of tours */

typedef struct {
    const char *name;
    const char *title;
    int (*run)(demo_out_t o);
    const char *program;       /* the main program, for --program         */
} demo_tour_struct;

static const demo_tour_struct tours[] = {
    {"relu-identity", "relu(x) - relu(-x) at 0: every framework says 0, the derivative is 1",
     tour_relu_identity, prog_relu_identity},
    {"max-tie", "max(x, y) at a tie: a segment of subgradients, and a rule outside it",
     tour_max_tie, prog_max_tie},
    {"shared-node", "the graph matters: relu(x) - relu(x) versus h = relu(x); h - h",
     tour_shared_node, prog_twice},
    {"not-essential", "active is not enough: max(0, min(x, -x)) at 0",
     tour_not_essential, prog_not_essential},
    {"cusp", "differentiable, yet the Clarke set is a segment: a cusp at the origin",
     tour_cusp, prog_cusp},
    {"curve", "a rule that breaks the chain rule: max=both along the diagonal",
     tour_curve, prog_curve},
};
#define NTOURS ((slong) (sizeof(tours) / sizeof(tours[0])))

static void demo_usage(FILE *out)
{
    fprintf(out,
            "Usage: pathdiff demo [NAME] [--json]\n"
            "       pathdiff demo --list\n"
            "       pathdiff demo --all\n"
            "       pathdiff demo NAME --program\n"
            "\n"
            "A guided tour of why automatic differentiation at a kink can be\n"
            "wrong, and what pathdiff computes instead.  Every number shown is\n"
            "computed when the tour runs.  Without NAME, the first tour.\n"
            "\n"
            "Options:\n"
            "  --list      list the tours, one a line\n"
            "  --all       run every tour in turn\n"
            "  --program   print the tour's program (a .pd file) and nothing else\n"
            "  --json      print the computed facts of the tour as one JSON document\n"
            "  --help      this text\n");
}

static const demo_tour_struct *find_tour(const char *name)
{
    slong i;
    for (i = 0; i < NTOURS; i++)
        if (strcmp(tours[i].name, name) == 0)
            return tours + i;
    return NULL;
}

static int run_tour(demo_out_t o, const demo_tour_struct *t)
{
    slong k = t - tours;
    if (o->json) {
        pd_json_obj_begin(o->J);
        pd_json_key(o->J, "tour");
        pd_json_str(o->J, t->name);
        pd_json_key(o->J, "title");
        pd_json_str(o->J, t->title);
        pd_json_key(o->J, "scenes");
        pd_json_arr_begin(o->J);
    } else {
        printf("pathdiff demo %s (tour %ld of %ld)\n%s\n\n", t->name,
               (long) (k + 1), (long) NTOURS, t->title);
    }
    t->run(o);
    if (o->json) {
        pd_json_arr_end(o->J);
        pd_json_obj_end(o->J);
    }
    return o->failed;
}

int pd_cmd_demo(int argc, char **argv)
{
    const char *name = NULL;
    int list = 0, all = 0, program = 0, i, rc = PD_EXIT_OK;
    demo_out_t o;

    o->json = 0;
    o->failed = 0;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            demo_usage(stdout);
            return PD_EXIT_OK;
        } else if (strcmp(argv[i], "--list") == 0) {
            list = 1;
        } else if (strcmp(argv[i], "--all") == 0) {
            all = 1;
        } else if (strcmp(argv[i], "--program") == 0) {
            program = 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            o->json = 1;
        } else if (argv[i][0] == '-') {
            return pd_cli_usage_error("demo", "unknown option '%s'", argv[i]);
        } else if (name == NULL) {
            name = argv[i];
        } else {
            return pd_cli_usage_error("demo", "one tour at a time ('%s' and '%s')",
                                      name, argv[i]);
        }
    }

    if (list && (name != NULL || all || program))
        return pd_cli_usage_error("demo", "--list prints the tours: give no NAME, "
                                  "--all or --program with it");
    if (list) {
        slong k;
        if (o->json) {
            pd_json_init(o->J);
            pd_json_obj_begin(o->J);
            pd_json_key(o->J, "tours");
            pd_json_arr_begin(o->J);
            for (k = 0; k < NTOURS; k++) {
                pd_json_obj_begin(o->J);
                pd_json_key(o->J, "name");
                pd_json_str(o->J, tours[k].name);
                pd_json_key(o->J, "title");
                pd_json_str(o->J, tours[k].title);
                pd_json_obj_end(o->J);
            }
            pd_json_arr_end(o->J);
            pd_json_obj_end(o->J);
            pd_cli_print_json(pd_json_get_str(o->J));
            pd_json_clear(o->J);
        } else {
            for (k = 0; k < NTOURS; k++)
                printf("%-14s %s\n", tours[k].name, tours[k].title);
        }
        return PD_EXIT_OK;
    }
    if (name != NULL && find_tour(name) == NULL) {
        fprintf(stderr, "pathdiff demo: no tour named '%s'\n"
                        "Try 'pathdiff demo --list'.\n", name);
        return PD_EXIT_USAGE;
    }
    if (all && name != NULL)
        return pd_cli_usage_error("demo", "--all runs every tour: give no NAME");
    if (program) {
        const demo_tour_struct *t = name ? find_tour(name) : tours;
        if (all)
            return pd_cli_usage_error("demo", "--program prints one tour's program");
        fputs(t->program, stdout);
        return PD_EXIT_OK;
    }

    if (o->json)
        pd_json_init(o->J);
    if (all) {
        slong k;
        if (o->json) {
            pd_json_obj_begin(o->J);
            pd_json_key(o->J, "tours");
            pd_json_arr_begin(o->J);
        }
        for (k = 0; k < NTOURS && rc == PD_EXIT_OK; k++) {
            if (k > 0 && !o->json)
                printf("\n----------------------------------------------------------------------\n\n");
            rc = run_tour(o, tours + k);
        }
        if (o->json) {
            pd_json_arr_end(o->J);
            pd_json_obj_end(o->J);
        }
    } else {
        rc = run_tour(o, name ? find_tour(name) : tours);
    }
    if (o->json) {
        if (rc == PD_EXIT_OK)
            pd_cli_print_json(pd_json_get_str(o->J));
        pd_json_clear(o->J);
    }
    return rc;
}
