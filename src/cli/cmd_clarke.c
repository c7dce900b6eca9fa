/* cmd_clarke.c: `pathdiff clarke FILE --at P`: the exact Clarke
   subdifferential with every piece considered and its certificate; also
   the body of `pathdiff field` (argument parsing and printing only). */
#include "cli.h"
#include "pathdiff/exact.h"
#include "pathdiff/local.h"
#include "pathdiff/sets.h"
#include "pathdiff/subdiff.h"
#include "report/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shared with cmd_field.c. */
int pd_cli_clarke_main(int argc, char **argv, int field);

static const char *clarke_usage =
    "Usage: pathdiff clarke FILE --at P [--points exact|float32|float64]\n"
    "                       [--max-pieces N] [--timeout S] [--json]\n"
    "\n"
    "The exact Clarke subdifferential of the program in FILE at the point P:\n"
    "the convex hull of the gradients of the pieces that are essentially\n"
    "active there (P lies in the closure of their region), by its vertices.\n"
    "Every piece considered is listed with the step that decided it and the\n"
    "certificate; prefixes of patterns cut off early are listed as pruned.\n"
    "Also says whether the function is differentiable at P: yes iff all the\n"
    "open-ray-active pieces (entered by every ray from P in an open cone of\n"
    "directions) share one gradient; not the same as a one-point Clarke set.\n"
    "\n"
    "  --at P            the point: 1/2,0,-3 in input order, or x=1/2,y=0\n"
    "  --points MODE     how decimals in P are read: exact (default), or\n"
    "                    rounded to float32 / float64 and then used exactly\n"
    "  --max-pieces N    examine at most N pattern prefixes (default 100000,\n"
    "                    0: no bound); over it, exit 3 and print nothing\n"
    "  --timeout S       give up after S seconds (exit 3, nothing printed)\n"
    "  --curve-budget N  witness curves tried per piece that steps 1-4 leave\n"
    "                    open (step 5; 0: none)\n"
    "  --z3-rlimit N     Z3 resource limit per piece for the complete\n"
    "                    fallback (step 6; 0: do not call Z3)\n"
    "  --json            print one JSON document (keys below)\n"
    "  --help            print this help\n"
    "\n"
    "JSON: {\"point\": [...], \"value\": \"...\", \"tied\": [names],\n"
    "  \"differentiable\": true|false|null, \"gradient\": [...] (when true),\n"
    "  \"clarke\": {\"vertices\": [[...], ...]},\n"
    "  \"pieces\": [{\"choices\": [{\"node\": name, \"branch\": text}, ...],\n"
    "     \"gradient\": [...], \"essentially_active\": true|false|null,\n"
    "     \"decided_by\": step, \"certificate\": {...},\n"
    "     \"ray_active\": true|false|null (open ray activity),\n"
    "     \"ray\": {\"decided_by\": step, \"certificate\": {...}} (when\n"
    "     decided apart, on the lowest forms L of the tied guards)}, ...],\n"
    "  \"pruned\": [{\"choices\": [...], \"decided_by\": step,\n"
    "     \"certificate\": {...}}, ...],\n"
    "  \"undecided\": N (only when some piece stayed undecided)}\n"
    "Rationals are strings (\"-3/4\").  A branch names the choice at a tied\n"
    "node: relu 0|u, abs -u|u, leaky_relu a*u|u, max/min \"arg k\",\n"
    "clamp/hardtanh/relu6 lo|u|hi, sort the argument numbers in increasing\n"
    "order of value (\"2 < 3 < 1\").  Steps and certificates:\n"
    "  value        {\"guard\": name} negative at P, or {} (no guard vanishes)\n"
    "  open_cone    {\"direction\": d, \"guards\": [...]}: grad g.d > 0 for each\n"
    "  closed_cone  {\"guards\": [...], \"multipliers\": y}: y > 0, sum y grad g = 0,\n"
    "               the gradients span: only d = 0 has grad g.d >= 0 for all\n"
    "  affine       {\"guards\": [...], \"multipliers\": y}: y >= 0, y != 0,\n"
    "               sum y grad g = 0 with affine guards (Gordan)\n"
    "  one_variable {\"direction\": [\"1\"]} or {\"refuted\": [g+, g-]}\n"
    "  curve        {\"curve\": [[c0, c1, ...], ...]}: x_i(t) = sum c_k t^k\n"
    "  combination  {\"guards\": [...], \"multipliers\": y}: sum y g <= 0 near P\n"
    "               (for rays: sum y L <= 0)\n"
    "  direction    {\"direction\": d}: L(d) > 0 for each (rays only)\n"
    "  gordan       {\"guards\": [...], \"multipliers\": y}: y >= 0, y != 0,\n"
    "               sum y grad g = 0 over guards with linear L (rays only)\n"
    "  nlqsat       {} (decided by Z3)\n"
    "  none         {\"reason\": text} (undecided)\n"
    "\n"
    "Exit status: 0 success, 2 bad input or usage, 3 a limit was reached,\n"
    "4 complete except for decisions that stayed undecided (named).\n";

static const char *field_usage =
    "Usage: pathdiff field FILE --at P [--points exact|float32|float64]\n"
    "                      [--max-pieces N] [--timeout S] [--json]\n"
    "\n"
    "The exact backprop conservative field of the program in FILE at the\n"
    "point P, by the vertices of its convex hull, and the Clarke\n"
    "subdifferential beside it.  Every tied node occurrence picks a vertex of\n"
    "its primitive's Clarke Jacobian (relu {0,1}, abs {-1,1}, leaky_relu\n"
    "{a,1}, max/min one of the tied arguments, clamp/hardtanh/relu6 {0,1} at\n"
    "a bound, sort a permutation sorting the tied entries); backpropagation\n"
    "with every such choice gives the field.  It depends on the program as\n"
    "written: relu(x) - relu(x) has [-1, 1] at 0, h = relu(x); h - h has {0}.\n"
    "\n"
    "Options as for `pathdiff clarke` (--at, --points, --max-pieces,\n"
    "--timeout, --curve-budget, --z3-rlimit, --json); --max-pieces also\n"
    "bounds the vertex choices evaluated for the field.\n"
    "\n"
    "JSON: the keys of `pathdiff clarke --json`, plus\n"
    "  \"field\": {\"vertices\": [[...], ...], \"groups\": n, \"choices\": n}\n"
    "(groups: tied nodes that share a path of the graph, whose choices are\n"
    "combined; choices: vertex choices evaluated).\n"
    "\n"
    "Exit status: 0 success, 2 bad input or usage, 3 a limit was reached,\n"
    "4 complete except for decisions that stayed undecided (named).\n";

/* ---- names ------------------------------------------------------------ */

/* Text of node i's choice in pattern (slots of the node), e.g. "u", "0",
   "-u", "1/4*u", "arg 2", "lo", "2 < 1 < 3" (sort: argument numbers in
   increasing order of value).  Released with flint_free. */
static char *choice_text(const pd_prog_t P, slong i, const slong *pattern)
{
    const pd_node_struct *nd = P->nodes + i;
    const slong *c = pattern + nd->slot;
    char *s;
    slong k;
    size_t len;
    if (c[0] < 0) {
        s = flint_malloc(2);
        strcpy(s, "?");
        return s;
    }
    switch (nd->op) {
    case PD_OP_RELU:
        s = flint_malloc(4);
        strcpy(s, c[0] == 0 ? "0" : "u");
        return s;
    case PD_OP_ABS:
        s = flint_malloc(4);
        strcpy(s, c[0] == 0 ? "-u" : "u");
        return s;
    case PD_OP_LEAKY_RELU:
        if (c[0] == 1) {
            s = flint_malloc(2);
            strcpy(s, "u");
        } else {
            char *a = fmpq_get_str(NULL, 10, nd->c);
            s = flint_malloc(strlen(a) + 4);
            sprintf(s, "%s*u", a);
            flint_free(a);
        }
        return s;
    case PD_OP_MAX:
    case PD_OP_MIN:
        s = flint_malloc(32);
        sprintf(s, "arg %ld", (long) c[0] + 1);
        return s;
    case PD_OP_CLAMP:
    case PD_OP_HARDTANH:
    case PD_OP_RELU6:
        s = flint_malloc(4);
        strcpy(s, c[0] == 0 ? "lo" : (c[0] == 1 ? "u" : "hi"));
        return s;
    case PD_OP_SORT:
        /* the order of the arguments, smallest first: "2 < 3 < 1" */
        len = 2 + 25 * (size_t) nd->nargs;
        s = flint_malloc(len);
        s[0] = '\0';
        for (k = 0; k < nd->nargs; k++)
            sprintf(s + strlen(s), "%s%ld", k == 0 ? "" : " < ", (long) c[k] + 1);
        return s;
    default:
        s = flint_malloc(2);
        strcpy(s, "?");
        return s;
    }
}

/* ---- JSON ------------------------------------------------------------- */

static void json_choices(pd_json_t J, const pd_prog_t P, const pd_clarke_t C,
                         const slong *pattern)
{
    slong t;
    pd_json_arr_begin(J);
    for (t = 0; t < C->ntied; t++) {
        slong i = C->tied[t];
        char *name, *br;
        if (pattern[P->nodes[i].slot] < 0)
            continue;
        name = pd_prog_node_name(P, i);
        br = choice_text(P, i, pattern);
        pd_json_obj_begin(J);
        pd_json_key(J, "node");
        pd_json_str(J, name);
        pd_json_key(J, "branch");
        pd_json_str(J, br);
        pd_json_obj_end(J);
        flint_free(name);
        flint_free(br);
    }
    pd_json_arr_end(J);
}

static void json_guard_name(pd_json_t J, const pd_prog_t P, const slong *gnode,
                            slong k, slong j)
{
    if (j >= 0 && j < k) {
        pd_json_node_name(J, P, gnode[j]);
    } else {
        pd_json_null(J);
    }
}

/* The certificate of an activity decision over the guards gnode[0..k). */
static void json_certificate(pd_json_t J, const pd_prog_t P,
                             const pd_activity_t act, const slong *gnode,
                             slong k)
{
    slong i, j;
    pd_json_obj_begin(J);
    switch (act->step) {
    case PD_STEP_VALUE:
        if (act->active == PD_FALSE) {
            pd_json_key(J, "guard");
            json_guard_name(J, P, gnode, k, act->witness);
        }
        break;
    case PD_STEP_OPEN_CONE:
        pd_json_key(J, "direction");
        pd_json_fmpq_vec(J, act->dir, act->n);
        pd_json_key(J, "guards");
        pd_json_node_names(J, P, gnode, k);
        break;
    case PD_STEP_CLOSED_CONE:
    case PD_STEP_AFFINE:
    case PD_STEP_COMBINATION:
    case PD_STEP_GORDAN:
        pd_json_key(J, "guards");
        pd_json_node_names(J, P, gnode, k);
        pd_json_key(J, "multipliers");
        if (act->mult != NULL)
            pd_json_fmpq_vec(J, act->mult, k);
        else
            pd_json_null(J);
        break;
    case PD_STEP_DIRECTION:
        pd_json_key(J, "direction");
        pd_json_fmpq_vec(J, act->dir, act->n);
        break;
    case PD_STEP_ONE_VARIABLE:
        if (act->active == PD_TRUE) {
            pd_json_key(J, "direction");
            pd_json_fmpq_vec(J, act->dir, act->n);
        }
        if (act->active == PD_FALSE) {
            pd_json_key(J, "refuted");
            pd_json_arr_begin(J);
            json_guard_name(J, P, gnode, k, act->witness);
            json_guard_name(J, P, gnode, k, act->witness2);
            pd_json_arr_end(J);
        }
        break;
    case PD_STEP_CURVE:
        pd_json_key(J, "curve");
        pd_json_arr_begin(J);
        for (i = 0; i < act->n; i++) {
            fmpq_t c;
            fmpq_init(c);
            pd_json_arr_begin(J);
            for (j = 0; j < FLINT_MAX(fmpq_poly_length(act->curve + i), 1); j++) {
                fmpq_poly_get_coeff_fmpq(c, act->curve + i, j);
                pd_json_fmpq(J, c);
            }
            pd_json_arr_end(J);
            fmpq_clear(c);
        }
        pd_json_arr_end(J);
        break;
    case PD_STEP_NLQSAT:
        break;
    default:
        pd_json_key(J, "reason");
        pd_json_str(J, act->reason);
        break;
    }
    pd_json_obj_end(J);
}

static const char *step_text(pd_step_t s)
{
    return pd_step_name(s);
}

static void json_vertices(pd_json_t J, const pd_ptset_t V)
{
    slong i;
    pd_json_obj_begin(J);
    pd_json_key(J, "vertices");
    pd_json_arr_begin(J);
    for (i = 0; i < V->len; i++)
        pd_json_fmpq_vec(J, pd_ptset_entry(V, i), V->dim);
    pd_json_arr_end(J);
}

static void json_document(pd_json_t J, const pd_prog_t P, const pd_field_t F,
                          int field)
{
    const pd_clarke_struct *C = F->clarke;
    slong i;
    pd_json_obj_begin(J);
    pd_json_key(J, "point");
    pd_json_fmpq_vec(J, C->point, C->n);
    pd_json_key(J, "value");
    pd_json_fmpq(J, C->value);
    pd_json_key(J, "tied");
    pd_json_node_names(J, P, C->tied, C->ntied);
    pd_json_key(J, "differentiable");
    pd_json_truth(J, C->differentiable);
    if (C->differentiable == PD_TRUE) {
        pd_json_key(J, "gradient");
        pd_json_fmpq_vec(J, C->gradient, C->n);
    }
    pd_json_key(J, "clarke");
    json_vertices(J, C->vertices);
    pd_json_obj_end(J);
    if (field) {
        pd_json_key(J, "field");
        json_vertices(J, F->vertices);
        pd_json_key(J, "groups");
        pd_json_int(J, F->ngroups);
        pd_json_key(J, "choices");
        pd_json_int(J, F->choices);
        pd_json_obj_end(J);
    }
    pd_json_key(J, "pieces");
    pd_json_arr_begin(J);
    for (i = 0; i < C->npieces; i++) {
        const pd_clarke_piece_struct *p = C->pieces + i;
        pd_json_obj_begin(J);
        pd_json_key(J, "choices");
        json_choices(J, P, F->clarke, p->pattern);
        pd_json_key(J, "gradient");
        pd_json_fmpq_vec(J, p->gradient, C->n);
        pd_json_key(J, "essentially_active");
        pd_json_truth(J, p->essentially_active);
        pd_json_key(J, "decided_by");
        pd_json_str(J, step_text(p->decided_by));
        pd_json_key(J, "certificate");
        json_certificate(J, P, p->activity, p->guard_node, p->nguards);
        pd_json_key(J, "ray_active");
        pd_json_truth(J, p->ray_active);
        if (p->essentially_active != PD_FALSE && p->ray->step != p->decided_by) {
            /* how the ray question was decided, when not by the same
               certificate (an open cone direction is also a ray) */
            pd_json_key(J, "ray");
            pd_json_obj_begin(J);
            pd_json_key(J, "decided_by");
            pd_json_str(J, step_text(p->ray->step));
            pd_json_key(J, "certificate");
            json_certificate(J, P, p->ray, p->guard_node, p->nguards);
            pd_json_obj_end(J);
        }
        pd_json_obj_end(J);
    }
    pd_json_arr_end(J);
    pd_json_key(J, "pruned");
    pd_json_arr_begin(J);
    for (i = 0; i < C->ncuts; i++) {
        const pd_clarke_cut_struct *c = C->cuts + i;
        pd_json_obj_begin(J);
        pd_json_key(J, "choices");
        json_choices(J, P, F->clarke, c->pattern);
        pd_json_key(J, "decided_by");
        pd_json_str(J, step_text(c->step));
        pd_json_key(J, "certificate");
        pd_json_obj_begin(J);
        pd_json_key(J, "guards");
        pd_json_node_names(J, P, c->guard_node, c->nguards);
        pd_json_key(J, "multipliers");
        if (c->mult != NULL)
            pd_json_fmpq_vec(J, c->mult, c->nguards);
        else
            pd_json_null(J);
        pd_json_obj_end(J);
        pd_json_obj_end(J);
    }
    pd_json_arr_end(J);
    if (C->undecided > 0) {
        pd_json_key(J, "undecided");
        pd_json_int(J, C->undecided);
    }
    pd_json_obj_end(J);
}

/* ---- text ------------------------------------------------------------- */

static void print_vec(const fmpq *v, slong n)
{
    slong i;
    putchar('(');
    for (i = 0; i < n; i++) {
        if (i > 0)
            fputs(", ", stdout);
        fmpq_print(v + i);
    }
    putchar(')');
}

static void print_choices(const pd_prog_t P, const pd_clarke_t C,
                          const slong *pattern)
{
    slong t, shown = 0;
    for (t = 0; t < C->ntied; t++) {
        slong i = C->tied[t];
        char *name, *br;
        if (pattern[P->nodes[i].slot] < 0)
            continue;
        name = pd_prog_node_name(P, i);
        br = choice_text(P, i, pattern);
        printf("%s%s = %s", shown++ ? ", " : "", name, br);
        flint_free(name);
        flint_free(br);
    }
    if (shown == 0)
        fputs("(no tied node)", stdout);
}

/* "1*grad g[relu@1:8] + 2*grad g[max@2:3]" over the non-zero multipliers
   (what = "grad g" or "g"), or just the guard names without multipliers. */
static void print_guard_list(const pd_prog_t P, const slong *gnode, slong k,
                             const fmpq *mult, const char *what)
{
    slong j, shown = 0;
    for (j = 0; j < k; j++) {
        char *name;
        if (mult != NULL && fmpq_is_zero(mult + j))
            continue;
        name = pd_prog_node_name(P, gnode[j]);
        if (shown++ > 0)
            fputs(mult != NULL ? " + " : ", ", stdout);
        if (mult != NULL) {
            fmpq_print(mult + j);
            printf("*%s[%s]", what, name);
        } else {
            fputs(name, stdout);
        }
        flint_free(name);
    }
}

/* One line saying why, from the decision and its certificate. */
static void print_reason(const pd_prog_t P, const pd_activity_t act,
                         const slong *gnode, slong k)
{
    slong i;
    switch (act->step) {
    case PD_STEP_VALUE:
        if (act->active == PD_TRUE)
            fputs("no guard vanishes here", stdout);
        else if (act->witness >= 0 && act->witness < k) {
            char *name = pd_prog_node_name(P, gnode[act->witness]);
            printf("a guard of %s is negative here", name);
            flint_free(name);
        }
        break;
    case PD_STEP_OPEN_CONE:
        fputs("open cone: x + t d enters the region, d = ", stdout);
        print_vec(act->dir, act->n);
        break;
    case PD_STEP_CLOSED_CONE:
        fputs("closed cone {0}, no curve enters: ", stdout);
        print_guard_list(P, gnode, k, act->mult, "grad g");
        fputs(" = 0 with every weight > 0", stdout);
        break;
    case PD_STEP_AFFINE:
        fputs("affine guards with no common direction: ", stdout);
        print_guard_list(P, gnode, k, act->mult, "grad g");
        fputs(" = 0", stdout);
        break;
    case PD_STEP_ONE_VARIABLE:
        fputs(act->active == PD_TRUE ? "one variable: the side " :
              "one variable: both sides refuted", stdout);
        if (act->active == PD_TRUE)
            print_vec(act->dir, act->n);
        break;
    case PD_STEP_CURVE:
        fputs("witness curve (", stdout);
        for (i = 0; i < act->n; i++) {
            char *s = fmpq_poly_get_str_pretty(act->curve + i, "t");
            printf("%s%s", i ? ", " : "", s);
            flint_free(s);
        }
        fputs(") stays in the region for small t > 0", stdout);
        break;
    case PD_STEP_COMBINATION:
        fputs("the combination ", stdout);
        print_guard_list(P, gnode, k, act->mult, act->ray ? "L" : "g");
        fputs(act->ray ? " of the lowest forms is <= 0" : " is <= 0 near the point",
              stdout);
        break;
    case PD_STEP_DIRECTION:
        fputs("direction ", stdout);
        print_vec(act->dir, act->n);
        fputs(" makes the lowest form of every tied guard positive", stdout);
        break;
    case PD_STEP_GORDAN:
        fputs("the linear lowest forms have no common direction: ", stdout);
        print_guard_list(P, gnode, k, act->mult, "grad g");
        fputs(" = 0", stdout);
        break;
    case PD_STEP_NLQSAT:
        fputs("decided by Z3 (nlqsat)", stdout);
        break;
    default:
        fputs(act->reason, stdout);
        break;
    }
}

static const char *truth_word(pd_truth_t t, const char *yes, const char *no)
{
    return t == PD_TRUE ? yes : (t == PD_FALSE ? no : "undecided");
}

static void print_set(const char *title, const pd_ptset_t V)
{
    slong i;
    printf("%s: ", title);
    if (V->len == 0) {
        fputs("nothing known yet (no piece decided essentially active)\n",
              stdout);
        return;
    }
    if (V->len == 1)
        fputs("the point ", stdout);
    else if (V->len == 2)
        fputs("the segment between ", stdout);
    else
        printf("the convex hull of %ld vertices\n  ", (long) V->len);
    for (i = 0; i < V->len; i++) {
        if (i > 0)
            fputs(V->len == 2 ? " and " : "\n  ", stdout);
        print_vec(pd_ptset_entry(V, i), V->dim);
    }
    putchar('\n');
}

static void text_document(const pd_prog_t P, const pd_field_t F, int field)
{
    const pd_clarke_struct *C = F->clarke;
    slong i, nact = 0;
    fputs("point   ", stdout);
    for (i = 0; i < P->ninputs; i++) {
        printf("%s%s = ", i == 0 ? "" : ", ", P->input_names[i]);
        fmpq_print(C->point + i);
    }
    fputs("\nvalue   ", stdout);
    fmpq_print(C->value);
    fputs("\ntied    ", stdout);
    if (C->ntied == 0)
        fputs("none", stdout);
    for (i = 0; i < C->ntied; i++) {
        char *name = pd_prog_node_name(P, C->tied[i]);
        printf("%s%s", i ? ", " : "", name);
        flint_free(name);
    }
    fputs("\ndifferentiable  ", stdout);
    if (C->differentiable == PD_TRUE) {
        fputs("yes, gradient ", stdout);
        print_vec(C->gradient, C->n);
    } else if (C->differentiable == PD_FALSE) {
        printf("no: open cones of rays enter pieces %ld and %ld, with different gradients",
               (long) C->ray_witness[0] + 1, (long) C->ray_witness[1] + 1);
    } else {
        fputs("undecided (some piece's ray activity is undecided)", stdout);
    }
    putchar('\n');
    if (C->undecided == 0 || C->outer->len == 1)
        print_set("Clarke subdifferential", C->vertices);
    else {
        print_set("Clarke subdifferential contains", C->vertices);
        print_set("and lies in", C->outer);
    }
    if (field)
        print_set("backprop field (convex hull)", F->vertices);
    for (i = 0; i < C->npieces; i++)
        nact += C->pieces[i].essentially_active == PD_TRUE;
    printf("pieces: %ld considered, %ld essentially active", (long) C->npieces,
           (long) nact);
    if (C->undecided > 0)
        printf(", %ld undecided", (long) C->undecided);
    putchar('\n');
    for (i = 0; i < C->npieces; i++) {
        const pd_clarke_piece_struct *p = C->pieces + i;
        printf("  [%ld] ", (long) i + 1);
        print_choices(P, F->clarke, p->pattern);
        fputs("\n      gradient ", stdout);
        print_vec(p->gradient, C->n);
        printf("; essentially active: %s (",
               truth_word(p->essentially_active, "yes", "no"));
        print_reason(P, p->activity, p->guard_node, p->nguards);
        fputs(")", stdout);
        if (p->essentially_active != PD_FALSE)
            printf("; ray-active: %s", truth_word(p->ray_active, "yes", "no"));
        putchar('\n');
    }
    if (C->ncuts > 0) {
        printf("pruned prefixes: %ld (no completion is essentially active)\n",
               (long) C->ncuts);
        for (i = 0; i < C->ncuts; i++) {
            const pd_clarke_cut_struct *c = C->cuts + i;
            fputs("  ", stdout);
            print_choices(P, F->clarke, c->pattern);
            printf(" (%s: ", c->step == PD_STEP_AFFINE ?
                   "affine guards with no common direction" :
                   c->step == PD_STEP_CLOSED_CONE ? "closed cone {0}" :
                   step_text(c->step));
            print_guard_list(P, c->guard_node, c->nguards, c->mult, "grad g");
            fputs(" = 0)\n", stdout);
        }
    }
}

/* ---- the command ------------------------------------------------------ */

int pd_cli_clarke_main(int argc, char **argv, int field)
{
    const char *cmd = field ? "field" : "clarke";
    const char *file = NULL, *at = NULL, *points = NULL;
    const char *seen_maxp = NULL, *seen_timeout = NULL, *seen_budget = NULL;
    const char *seen_rlimit = NULL;
    int json = 0, i, rc = PD_EXIT_OK;
    pd_points_t mode = PD_POINTS_EXACT;
    pd_prog_t P;
    pd_field_t F;
    pd_limits_t lim;
    pd_error_t err;
    pd_status_t st;
    fmpq *x = NULL;
    slong nx = 0;

    pd_limits_init(lim);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(field ? field_usage : clarke_usage, stdout);
            return PD_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (pd_cli_opt_take(argc, argv, &i, cmd, "--at",
                                       "--at needs a point",
                                       &at, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, cmd, "--points",
                                       "--points needs exact, float32 or float64",
                                       &points, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, cmd, "--max-pieces",
                                       "--max-pieces needs a number",
                                       &seen_maxp, &rc)) {
            if (rc != PD_EXIT_OK)
                return rc;
            if ((rc = pd_cli_parse_max_pieces(&lim->max_pieces, seen_maxp, cmd)) != PD_EXIT_OK)
                return rc;
        } else if (pd_cli_opt_take(argc, argv, &i, cmd, "--timeout",
                                       "--timeout needs seconds",
                                       &seen_timeout, &rc)) {
            double s;
            if (rc != PD_EXIT_OK)
                return rc;
            s = strtod(seen_timeout, &end);
            if (*seen_timeout == '\0' || *end != '\0' || !(s > 0))
                return pd_cli_usage_error(cmd, "--timeout needs seconds > 0, not '%s'", seen_timeout);
            lim->timeout = s;
        } else if (pd_cli_opt_take(argc, argv, &i, cmd, "--curve-budget",
                                       "--curve-budget needs a number",
                                       &seen_budget, &rc)) {
            long n;
            if (rc != PD_EXIT_OK)
                return rc;
            n = strtol(seen_budget, &end, 10);
            if (*seen_budget == '\0' || *end != '\0' || n < 0)
                return pd_cli_usage_error(cmd, "--curve-budget needs a number >= 0, not '%s'", seen_budget);
            lim->curve_budget = n;
        } else if (pd_cli_opt_take(argc, argv, &i, cmd, "--z3-rlimit",
                                       "--z3-rlimit needs a number",
                                       &seen_rlimit, &rc)) {
            unsigned long n;
            if (rc != PD_EXIT_OK)
                return rc;
            n = strtoul(seen_rlimit, &end, 10);
            if (*seen_rlimit == '\0' || *seen_rlimit == '-' || *end != '\0')
                return pd_cli_usage_error(cmd, "--z3-rlimit needs a number >= 0, not '%s'", seen_rlimit);
            lim->z3_rlimit = n;
        } else if (a[0] == '-' && a[1] != '\0') {
            return pd_cli_usage_error(cmd, "unknown option '%s'", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return pd_cli_usage_error(cmd, "one FILE expected, got '%s' too", a);
        }
    }
    if (file == NULL)
        return pd_cli_usage_error(cmd, "missing FILE");
    if (at == NULL)
        return pd_cli_usage_error(cmd, "missing --at P");
    if (points != NULL && (rc = pd_cli_points_mode(&mode, points, cmd)) != PD_EXIT_OK)
        return rc;

    pd_prog_init(P);
    pd_error_init(err);
    rc = pd_cli_load(P, file);
    if (rc != PD_EXIT_OK) {
        pd_prog_clear(P);
        return rc;
    }
    nx = FLINT_MAX(P->ninputs, 1);
    x = _fmpq_vec_init(nx);
    pd_field_init(F);

    st = pd_point_parse(x, P, at, mode, err);
    if (st == PD_OK) {
        pd_limits_start(lim);
        if (field)
            st = pd_field_at(F, P, x, lim, err);
        else
            st = pd_clarke_at(F->clarke, P, x, lim, err);
    }
    /* The certificates of pruned prefixes are computed on demand. */
    for (i = 0; st == PD_OK && i < F->clarke->ncuts; i++)
        st = pd_clarke_cut_certify(F->clarke, i, err);
    if (st != PD_OK) {
        if (err->line == 0 && err->file[0] == '\0')
            fprintf(stderr, "pathdiff %s: %s\n", cmd, err->msg);
        else
            pd_cli_print_error(err);
        rc = pd_cli_exit_status(st);
        goto cleanup;
    }

    if (json) {
        pd_json_t J;
        pd_json_init(J);
        json_document(J, P, F, field);
        pd_cli_print_json(pd_json_get_str(J));
        pd_json_clear(J);
    } else {
        text_document(P, F, field);
    }
    if (F->clarke->undecided > 0 || F->clarke->differentiable == PD_UNKNOWN) {
        if (!json)
            fputs("some decisions stayed undecided (see above): the answer is "
                  "complete except for them\n", stdout);
        rc = PD_EXIT_UNDECIDED;
    }

cleanup:
    pd_field_clear(F);
    _fmpq_vec_clear(x, nx);
    pd_prog_clear(P);
    return rc;
}

int pd_cmd_clarke(int argc, char **argv)
{
    return pd_cli_clarke_main(argc, argv, 0);
}
