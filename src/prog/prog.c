/* prog.c: building, querying and printing the program DAG. */
#include "pd-impl.h"
#include <stdio.h>
#include <string.h>

void pd_prog_init(pd_prog_t P)
{
    memset(P, 0, sizeof(pd_prog_struct));
    P->output = -1;
}

void pd_prog_clear(pd_prog_t P)
{
    slong i;
    for (i = 0; i < P->len; i++) {
        pd_node_struct *nd = P->nodes + i;
        flint_free(nd->args);
        fmpq_clear(nd->c);
        fmpq_clear(nd->c2);
        flint_free(nd->label);
    }
    flint_free(P->nodes);
    for (i = 0; i < P->ninputs; i++)
        flint_free(P->input_names[i]);
    flint_free(P->input_names);
    flint_free(P->input_nodes);
    flint_free(P->name_table);
    flint_free(P->file);
    memset(P, 0, sizeof(pd_prog_struct));
    P->output = -1;
}

int pd_op_is_nonsmooth(pd_op_t op)
{
    switch (op) {
    case PD_OP_RELU: case PD_OP_ABS: case PD_OP_MAX: case PD_OP_MIN:
    case PD_OP_LEAKY_RELU: case PD_OP_CLAMP: case PD_OP_HARDTANH:
    case PD_OP_RELU6: case PD_OP_SORT:
        return 1;
    default:
        return 0;
    }
}

const char *pd_op_name(pd_op_t op)
{
    static const char *names[PD_OP_COUNT] = {
        "const", "input", "+", "-", "*", "neg", "/", "^", "relu", "abs",
        "max", "min", "leaky_relu", "clamp", "hardtanh", "relu6", "sort",
        "sorted"
    };
    if ((int) op < 0 || op >= PD_OP_COUNT)
        return "?";
    return names[op];
}

/* Expected arity of op: -1 means "at least one". */
static slong op_arity(pd_op_t op)
{
    switch (op) {
    case PD_OP_CONST: case PD_OP_INPUT: return 0;
    case PD_OP_ADD: case PD_OP_SUB: case PD_OP_MUL: return 2;
    case PD_OP_MAX: case PD_OP_MIN: case PD_OP_SORT: return -1;
    default: return 1;
    }
}

static slong prog_push(pd_prog_t P, pd_op_t op, slong nargs, const slong *args,
                       slong line, slong col)
{
    pd_node_struct *nd;
    if (P->len == P->alloc) {
        slong a = FLINT_MAX(16, 2 * P->alloc);
        P->nodes = flint_realloc(P->nodes, a * sizeof(pd_node_struct));
        P->alloc = a;
    }
    nd = P->nodes + P->len;
    memset(nd, 0, sizeof(pd_node_struct));
    nd->op = op;
    nd->nargs = nargs;
    nd->args = NULL;
    if (nargs > 0) {
        nd->args = flint_malloc(nargs * sizeof(slong));
        memcpy(nd->args, args, nargs * sizeof(slong));
    }
    fmpq_init(nd->c);
    fmpq_init(nd->c2);
    nd->index = 0;
    nd->slot = -1;
    nd->line = line;
    nd->col = col;
    nd->label = NULL;
    return P->len++;
}

static ulong name_hash(const char *s)
{
    ulong h = UWORD(1469598103934665603);
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char) *s) * UWORD(1099511628211);
    return h;
}

/* Slot of name in the input-name table: where it is, or the empty slot
   where it would go. */
static slong name_slot(const pd_prog_t P, const char *name)
{
    slong mask = P->name_table_len - 1;
    slong j = (slong) (name_hash(name) & (ulong) mask);
    while (P->name_table[j] != 0
           && strcmp(P->input_names[P->name_table[j] - 1], name) != 0)
        j = (j + 1) & mask;
    return j;
}

static void name_table_grow(pd_prog_t P)
{
    slong k, len = FLINT_MAX(16, 4 * (P->ninputs + 1));
    slong pow2 = 16;
    while (pow2 < len)
        pow2 *= 2;
    flint_free(P->name_table);
    P->name_table = flint_calloc(pow2, sizeof(slong));
    P->name_table_len = pow2;
    for (k = 0; k < P->ninputs; k++)
        P->name_table[name_slot(P, P->input_names[k])] = k + 1;
}

slong pd_prog_add_input(pd_prog_t P, const char *name, slong line, slong col,
                        pd_error_t err)
{
    slong i, j;
    if (name == NULL || name[0] == '\0') {
        pd_error_set(err, PD_EINVAL, "an input needs a name");
        return -1;
    }
    if (2 * (P->ninputs + 1) > P->name_table_len)
        name_table_grow(P);
    j = name_slot(P, name);
    if (P->name_table[j] != 0) {
        pd_error_set(err, PD_EINVAL, "input '%s' declared twice", name);
        return -1;
    }
    i = prog_push(P, PD_OP_INPUT, 0, NULL, line, col);
    P->nodes[i].index = P->ninputs;
    P->nodes[i].label = _pd_strdup(name);
    if (P->ninputs == P->inputs_alloc) {
        slong a = FLINT_MAX(8, 2 * P->inputs_alloc);
        P->input_names = flint_realloc(P->input_names, a * sizeof(char *));
        P->input_nodes = flint_realloc(P->input_nodes, a * sizeof(slong));
        P->inputs_alloc = a;
    }
    P->input_names[P->ninputs] = _pd_strdup(name);
    P->input_nodes[P->ninputs] = i;
    P->name_table[j] = P->ninputs + 1;
    P->ninputs++;
    return i;
}

slong pd_prog_input_index(const pd_prog_t P, const char *name)
{
    slong j;
    if (P->name_table_len == 0 || name == NULL)
        return -1;
    j = name_slot(P, name);
    return P->name_table[j] - 1;
}

slong pd_prog_add_const(pd_prog_t P, const fmpq_t c, slong line, slong col,
                        pd_error_t err)
{
    return pd_prog_add_node(P, PD_OP_CONST, 0, NULL, c, NULL, 0, line, col, err);
}

slong pd_prog_add_node(pd_prog_t P, pd_op_t op, slong nargs, const slong *args,
                       const fmpq_t c, const fmpq_t c2, slong index,
                       slong line, slong col, pd_error_t err)
{
    slong i, ar;
    fmpq_t lo, hi;

    if ((int) op < 0 || op >= PD_OP_COUNT || op == PD_OP_INPUT) {
        pd_error_set(err, PD_EINVAL, "bad operation code %d", (int) op);
        return -1;
    }
    ar = op_arity(op);
    if ((ar >= 0 && nargs != ar) || (ar < 0 && nargs < 1)) {
        pd_error_set(err, PD_EINVAL, "%s takes %s argument%s, got %ld",
                     pd_op_name(op),
                     ar == 0 ? "no" : ar == 1 ? "one" : ar == 2 ? "two"
                                                                : "at least one",
                     ar == 1 ? "" : "s", (long) nargs);
        return -1;
    }
    for (i = 0; i < nargs; i++) {
        if (args[i] < 0 || args[i] >= P->len) {
            pd_error_set(err, PD_EINVAL, "argument %ld of %s is not an earlier node",
                         (long) (i + 1), pd_op_name(op));
            return -1;
        }
        if (P->nodes[args[i]].op == PD_OP_SORT && op != PD_OP_SORTED) {
            pd_error_set(err, PD_EINVAL, "a sort node has no scalar value; read it with sorted");
            return -1;
        }
    }
    if (op == PD_OP_SORTED) {
        if (P->nodes[args[0]].op != PD_OP_SORT || index < 0
            || index >= P->nodes[args[0]].nargs) {
            pd_error_set(err, PD_EINVAL, "sorted needs a sort node and a rank in range");
            return -1;
        }
    }
    if (op == PD_OP_POW && index < 0) {
        pd_error_set(err, PD_EDOM, "power must be a natural number");
        return -1;
    }
    if ((op == PD_OP_CONST || op == PD_OP_DIV || op == PD_OP_LEAKY_RELU
         || op == PD_OP_CLAMP) && c == NULL) {
        pd_error_set(err, PD_EINVAL, "%s needs a constant", pd_op_name(op));
        return -1;
    }
    if (op == PD_OP_DIV && fmpq_is_zero(c)) {
        pd_error_set(err, PD_EDOM, "division by zero");
        return -1;
    }
    fmpq_init(lo);
    fmpq_init(hi);
    if (op == PD_OP_CLAMP) {
        if (c2 == NULL) {
            fmpq_clear(lo);
            fmpq_clear(hi);
            pd_error_set(err, PD_EINVAL, "clamp needs two bounds");
            return -1;
        }
        fmpq_set(lo, c);
        fmpq_set(hi, c2);
        if (fmpq_cmp(lo, hi) > 0) {
            fmpq_clear(lo);
            fmpq_clear(hi);
            pd_error_set(err, PD_EDOM, "clamp: lower bound exceeds upper bound");
            return -1;
        }
    } else if (op == PD_OP_HARDTANH) {
        fmpq_set_si(lo, -1, 1);
        fmpq_set_si(hi, 1, 1);
    } else if (op == PD_OP_RELU6) {
        fmpq_set_si(lo, 0, 1);
        fmpq_set_si(hi, 6, 1);
    }

    i = prog_push(P, op, nargs, args, line, col);
    {
        pd_node_struct *nd = P->nodes + i;
        nd->index = index;
        if (op == PD_OP_CLAMP || op == PD_OP_HARDTANH || op == PD_OP_RELU6) {
            fmpq_set(nd->c, lo);
            fmpq_set(nd->c2, hi);
        } else if (c != NULL) {
            fmpq_set(nd->c, c);
            fmpq_canonicalise(nd->c);
        }
        if (pd_op_is_nonsmooth(op)) {
            nd->slot = P->nslots;
            P->nslots += (op == PD_OP_SORT) ? nargs : 1;
        }
    }
    fmpq_clear(lo);
    fmpq_clear(hi);
    return i;
}

void pd_prog_set_label(pd_prog_t P, slong i, const char *name)
{
    if (i < 0 || i >= P->len)
        return;
    flint_free(P->nodes[i].label);
    P->nodes[i].label = _pd_strdup(name);
}

void pd_prog_set_output(pd_prog_t P, slong i)
{
    P->output = i;
}

void pd_prog_set_file(pd_prog_t P, const char *file)
{
    flint_free(P->file);
    P->file = _pd_strdup(file);
}

slong pd_prog_nbranches(const pd_prog_t P, slong i)
{
    const pd_node_struct *nd = P->nodes + i;
    slong k, r;
    switch (nd->op) {
    case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU:
        return 2;
    case PD_OP_MAX: case PD_OP_MIN:
        return nd->nargs;
    case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
        return 3;
    case PD_OP_SORT:
        r = 1;
        for (k = 2; k <= nd->nargs; k++) {
            if (r > WORD_MAX / k)
                return WORD_MAX;
            r *= k;
        }
        return r;
    default:
        return 1;
    }
}

slong pd_prog_node_nslots(const pd_prog_t P, slong i)
{
    const pd_node_struct *nd = P->nodes + i;
    if (!pd_op_is_nonsmooth(nd->op))
        return 0;
    return nd->op == PD_OP_SORT ? nd->nargs : 1;
}

slong pd_prog_nonsmooth_count(const pd_prog_t P)
{
    slong i, n = 0;
    for (i = 0; i < P->len; i++)
        n += pd_op_is_nonsmooth(P->nodes[i].op);
    return n;
}

char *pd_prog_node_name(const pd_prog_t P, slong i)
{
    char buf[128];
    const pd_node_struct *nd = P->nodes + i;
    if (nd->label != NULL)
        return _pd_strdup(nd->label);
    if (nd->line > 0)
        flint_sprintf(buf, "%s@%wd:%wd", pd_op_name(nd->op), nd->line, nd->col);
    else
        flint_sprintf(buf, "%s#%wd", pd_op_name(nd->op), i);
    return _pd_strdup(buf);
}

/* Longest chain of operations printed inline before a binding is made
   (well under the language's nesting limit). */
#define PRINT_MAX_DEPTH 32

/* A growable string for printing. */
typedef struct {
    char *s;
    size_t len, alloc;
} strbuf;

static void sb_add(strbuf *b, const char *t)
{
    size_t n = strlen(t);
    if (b->len + n + 1 > b->alloc) {
        size_t a = FLINT_MAX(2 * b->alloc, b->len + n + 64);
        b->s = flint_realloc(b->s, a);
        b->alloc = a;
    }
    memcpy(b->s + b->len, t, n + 1);
    b->len += n;
}

/* A constant as a literal that reads back as the same single value in any
   position: negative or fractional values are bracketed, so `x * (3/4)` is
   not read as `(x * 3) / 4`. */
static void sb_fmpq(strbuf *b, const fmpq_t q)
{
    char *t = fmpq_get_str(NULL, 10, q);
    if (fmpq_sgn(q) < 0 || !fmpz_is_one(fmpq_denref(q))) {
        sb_add(b, "(");
        sb_add(b, t);
        sb_add(b, ")");
    } else {
        sb_add(b, t);
    }
    flint_free(t);
}

/* Reference to node i inside an expression. */
static void sb_ref(strbuf *b, const pd_prog_t P, const int *bound, slong i);

/* Reference to an operand of NEG or DIV: a constant is bracketed so that the
   operation is not folded into it when read back. */
static void sb_ref_operand(strbuf *b, const pd_prog_t P, const int *bound,
                           slong i)
{
    if (!bound[i] && P->nodes[i].op == PD_OP_CONST) {
        sb_add(b, "(");
        sb_ref(b, P, bound, i);
        sb_add(b, ")");
    } else {
        sb_ref(b, P, bound, i);
    }
}

static void sb_expr(strbuf *b, const pd_prog_t P, const int *bound, slong i)
{
    const pd_node_struct *nd = P->nodes + i;
    char buf[64];
    slong k;
    switch (nd->op) {
    case PD_OP_CONST:
        sb_fmpq(b, nd->c);
        break;
    case PD_OP_INPUT:
        sb_add(b, P->input_names[nd->index]);
        break;
    case PD_OP_ADD: case PD_OP_SUB: case PD_OP_MUL:
        sb_add(b, "(");
        sb_ref(b, P, bound, nd->args[0]);
        sb_add(b, nd->op == PD_OP_ADD ? " + " : nd->op == PD_OP_SUB ? " - " : " * ");
        sb_ref(b, P, bound, nd->args[1]);
        sb_add(b, ")");
        break;
    case PD_OP_NEG:
        /* -(3) is a NEG node over the constant 3, while -3 would be read
           as the constant -3: bracket a constant operand. */
        sb_add(b, "(-");
        sb_ref_operand(b, P, bound, nd->args[0]);
        sb_add(b, ")");
        break;
    case PD_OP_DIV:
        /* (3) / 4 is a DIV node, 3 / 4 the constant 3/4. */
        sb_add(b, "(");
        sb_ref_operand(b, P, bound, nd->args[0]);
        sb_add(b, " / ");
        sb_fmpq(b, nd->c);
        sb_add(b, ")");
        break;
    case PD_OP_POW:
        sb_add(b, "(");
        sb_ref(b, P, bound, nd->args[0]);
        flint_sprintf(buf, ")^%wd", nd->index);
        sb_add(b, buf);
        break;
    case PD_OP_SORTED:
        sb_ref(b, P, bound, nd->args[0]);
        flint_sprintf(buf, "[%wd]", nd->index + 1);
        sb_add(b, buf);
        break;
    default:
        sb_add(b, pd_op_name(nd->op));
        sb_add(b, nd->op == PD_OP_SORT ? "([" : "(");
        for (k = 0; k < nd->nargs; k++) {
            if (k > 0)
                sb_add(b, ", ");
            sb_ref(b, P, bound, nd->args[k]);
        }
        if (nd->op == PD_OP_SORT)
            sb_add(b, "]");
        if (nd->op == PD_OP_LEAKY_RELU) {
            sb_add(b, ", ");
            sb_fmpq(b, nd->c);
        } else if (nd->op == PD_OP_CLAMP) {
            sb_add(b, ", ");
            sb_fmpq(b, nd->c);
            sb_add(b, ", ");
            sb_fmpq(b, nd->c2);
        }
        sb_add(b, ")");
        break;
    }
}

static void sb_ref(strbuf *b, const pd_prog_t P, const int *bound, slong i)
{
    char buf[32];
    if (bound[i]) {
        flint_sprintf(buf, "_n%wd", i);
        sb_add(b, buf);
    } else {
        sb_expr(b, P, bound, i);
    }
}

char *pd_prog_get_str(const pd_prog_t P)
{
    strbuf b = {NULL, 0, 0};
    slong i, k;
    slong *uses = flint_calloc(P->len + 1, sizeof(slong));
    int *bound = flint_calloc(P->len + 1, sizeof(int));
    slong *depth = flint_calloc(P->len + 1, sizeof(slong));
    char buf[32];

    for (i = 0; i < P->len; i++)
        for (k = 0; k < P->nodes[i].nargs; k++)
            uses[P->nodes[i].args[k]]++;
    /* Bind shared nodes and sort nodes, and any node whose inline
       expression would nest deeper than PRINT_MAX_DEPTH: printing (and
       reading back) then never recurses deeply, whatever the program. */
    for (i = 0; i < P->len; i++) {
        const pd_node_struct *nd = P->nodes + i;
        slong d = 0;
        bound[i] = (nd->op == PD_OP_SORT)
                   || (uses[i] > 1 && nd->op != PD_OP_INPUT);
        for (k = 0; k < nd->nargs; k++)
            if (!bound[nd->args[k]])
                d = FLINT_MAX(d, depth[nd->args[k]] + 1);
        depth[i] = d;
        if (d > PRINT_MAX_DEPTH && nd->op != PD_OP_INPUT
            && nd->op != PD_OP_CONST) {
            bound[i] = 1;
        }
    }
    sb_add(&b, "");
    if (P->ninputs > 0) {
        sb_add(&b, "input ");
        for (k = 0; k < P->ninputs; k++) {
            if (k > 0)
                sb_add(&b, ", ");
            sb_add(&b, P->input_names[k]);
        }
        sb_add(&b, "\n");
    }
    for (i = 0; i < P->len; i++) {
        if (!bound[i])
            continue;
        flint_sprintf(buf, "_n%wd = ", i);
        sb_add(&b, buf);
        sb_expr(&b, P, bound, i);
        sb_add(&b, "\n");
    }
    if (P->output >= 0) {
        sb_add(&b, "output ");
        sb_ref(&b, P, bound, P->output);
        sb_add(&b, "\n");
    }
    flint_free(uses);
    flint_free(bound);
    flint_free(depth);
    return b.s;
}

int pd_prog_is_canonical(const pd_prog_t P)
{
    slong i, k, slots = 0;
    if (P->len < 0 || P->len > P->alloc || P->output >= P->len)
        return 0;
    for (k = 0; k < P->ninputs; k++) {
        slong n = P->input_nodes[k];
        if (n < 0 || n >= P->len || P->nodes[n].op != PD_OP_INPUT
            || P->nodes[n].index != k)
            return 0;
    }
    for (i = 0; i < P->len; i++) {
        const pd_node_struct *nd = P->nodes + i;
        slong ar = op_arity(nd->op);
        if ((ar >= 0 && nd->nargs != ar) || (ar < 0 && nd->nargs < 1))
            return 0;
        for (k = 0; k < nd->nargs; k++)
            if (nd->args[k] < 0 || nd->args[k] >= i)
                return 0;
        if (!fmpq_is_canonical(nd->c) || !fmpq_is_canonical(nd->c2))
            return 0;
        if (pd_op_is_nonsmooth(nd->op)) {
            if (nd->slot != slots)
                return 0;
            slots += pd_prog_node_nslots(P, i);
        } else if (nd->slot != -1) {
            return 0;
        }
        if (nd->op == PD_OP_SORTED
            && (P->nodes[nd->args[0]].op != PD_OP_SORT || nd->index < 0
                || nd->index >= P->nodes[nd->args[0]].nargs))
            return 0;
        if (nd->op == PD_OP_DIV && fmpq_is_zero(nd->c))
            return 0;
        if ((nd->op == PD_OP_CLAMP || nd->op == PD_OP_HARDTANH
             || nd->op == PD_OP_RELU6) && fmpq_cmp(nd->c, nd->c2) > 0)
            return 0;
    }
    return slots == P->nslots;
}
