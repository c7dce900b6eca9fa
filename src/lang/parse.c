/* parse.c: recursive-descent parser of .pd programs (docs/language.md),
   building the program DAG as it reads. */
#include "lower.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- built-in functions ------------------------------------------------ */

typedef enum {
    B_RELU, B_ABS, B_HARDTANH, B_RELU6, B_LEAKY, B_CLAMP, B_MAX, B_MIN,
    B_SORT, B_SUM, B_DOT, B_NONE
} builtin_t;

static const struct {
    const char *name;
    slong nmin, nmax;       /* nmax -1: any number */
    const char *usage;
} builtins[B_NONE] = {
    {"relu", 1, 1, "relu(e)"},
    {"abs", 1, 1, "abs(e)"},
    {"hardtanh", 1, 1, "hardtanh(e)"},
    {"relu6", 1, 1, "relu6(e)"},
    {"leaky_relu", 2, 2, "leaky_relu(e, a)"},
    {"clamp", 3, 3, "clamp(e, lo, hi)"},
    {"max", 1, -1, "max(e1, e2, ...)"},
    {"min", 1, -1, "min(e1, e2, ...)"},
    {"sort", 1, 1, "sort(v)"},
    {"sum", 1, 1, "sum(v)"},
    {"dot", 2, 2, "dot(u, v)"},
};

static builtin_t builtin_lookup(const char *s, size_t n)
{
    int b;
    for (b = 0; b < B_NONE; b++)
        if (strlen(builtins[b].name) == n && memcmp(builtins[b].name, s, n) == 0)
            return (builtin_t) b;
    return B_NONE;
}

static int is_keyword(const char *s, size_t n)
{
    return (n == 5 && memcmp(s, "input", 5) == 0)
           || (n == 6 && memcmp(s, "output", 6) == 0);
}

/* ---- names ------------------------------------------------------------- */

static ulong name_hash(const char *s, size_t n)
{
    ulong h = UWORD(1469598103934665603);
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char) s[i];
        h *= UWORD(1099511628211);
    }
    return h;
}

/* The slot of name s[0, n): its variable, or the empty slot to fill. */
static pd_var_t *var_slot(pd_parser_t *ps, const char *s, size_t n)
{
    ulong m = (ulong) ps->vcap - 1, i = name_hash(s, n) & m;
    for (;;) {
        pd_var_t *v = ps->vars + i;
        if (v->name == NULL
            || (strlen(v->name) == n && memcmp(v->name, s, n) == 0))
            return v;
        i = (i + 1) & m;
    }
}

static pd_var_t *var_find(pd_parser_t *ps, const char *s, size_t n)
{
    pd_var_t *v = var_slot(ps, s, n);
    return v->name == NULL ? NULL : v;
}

static void var_add(pd_parser_t *ps, const char *s, size_t n,
                    const pd_val_t *val, slong line)
{
    pd_var_t *v;
    if (2 * (ps->nvars + 1) > ps->vcap) {
        pd_var_t *old = ps->vars;
        slong k, ocap = ps->vcap;
        ps->vcap = 2 * ocap;
        ps->vars = flint_calloc(ps->vcap, sizeof(pd_var_t));
        for (k = 0; k < ocap; k++)
            if (old[k].name != NULL)
                *var_slot(ps, old[k].name, strlen(old[k].name)) = old[k];
        flint_free(old);
    }
    v = var_slot(ps, s, n);
    v->name = flint_malloc(n + 1);
    memcpy(v->name, s, n);
    v->name[n] = '\0';
    v->val = *val;
    v->line = line;
    ps->nvars++;
}

/* ---- tokens ------------------------------------------------------------ */

static pd_status_t advance(pd_parser_t *ps)
{
    if (ps->have_nxt) {
        ps->cur = ps->nxt;
        ps->have_nxt = 0;
        return PD_OK;
    }
    return _pd_lexer_next(&ps->cur, &ps->L, ps->err);
}

static pd_status_t peek(pd_parser_t *ps)
{
    if (ps->have_nxt)
        return PD_OK;
    ps->have_nxt = 1;
    return _pd_lexer_next(&ps->nxt, &ps->L, ps->err);
}

/* Where to point for an error at token t: the end of input points just
   after the last non-blank character, not at an empty last line. */
static void token_pos(slong *line, slong *col, pd_parser_t *ps,
                      const pd_token_t *t)
{
    size_t i, last, start;
    slong l;
    if (t->kind != PD_TOK_EOF) {
        *line = t->line;
        *col = t->col;
        return;
    }
    last = ps->L.len;
    while (last > 0) {
        char c = ps->L.src[last - 1];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f'
            && c != '\v')
            break;
        last--;
    }
    l = 1;
    start = 0;
    for (i = 0; i < last; i++)
        if (ps->L.src[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = (slong) (last - start) + 1;
}

static pd_status_t error_at_token(pd_parser_t *ps, const pd_token_t *t,
                                  const char *expected)
{
    char d[96];
    slong line, col;
    token_pos(&line, &col, ps, t);
    if (t->kind == PD_TOK_EOF)
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "unexpected end of input: expected %s", expected);
    if (t->kind == PD_TOK_NEWLINE)
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "unexpected end of line: expected %s", expected);
    return _pd_parser_error(ps, PD_EPARSE, line, col, "unexpected %s: expected %s",
                            _pd_token_describe(d, sizeof(d), &ps->L, t), expected);
}

/* Consume the closing bracket of the one opened at `open`. */
static pd_status_t expect_close(pd_parser_t *ps, pd_tok_kind_t close,
                                const pd_token_t *open)
{
    char d[96];
    char o = ps->L.src[open->start], c = (close == PD_TOK_RPAREN) ? ')' : ']';
    if (ps->cur.kind == close)
        return advance(ps);
    if (ps->cur.kind == PD_TOK_EOF)
        return _pd_parser_error(ps, PD_EPARSE, open->line, open->col,
                                "unterminated '%c': no matching '%c' before the end of input",
                                o, c);
    return _pd_parser_error(ps, PD_EPARSE, ps->cur.line, ps->cur.col,
                            "expected ',' or '%c' to close the '%c' at %ld:%ld, found %s",
                            c, o, (long) open->line, (long) open->col,
                            _pd_token_describe(d, sizeof(d), &ps->L, &ps->cur));
}

/* A positive integer literal (an index or a vector length). */
static pd_status_t read_count(slong *out, pd_parser_t *ps, const char *what)
{
    const pd_token_t *t = &ps->cur;
    slong v = 0;
    size_t i;
    if (t->kind != PD_TOK_NUMBER)
        return error_at_token(ps, t, what);
    for (i = 0; i < t->len; i++) {
        char c = ps->L.src[t->start + i];
        if (c < '0' || c > '9')
            return _pd_parser_error(ps, PD_EPARSE, t->line, t->col,
                                    "%s must be a positive integer, not '%.*s'",
                                    what, (int) FLINT_MIN(t->len, 40),
                                    ps->L.src + t->start);
    }
    for (i = 0; i < t->len && v <= PD_LANG_MAX_VECTOR; i++)
        v = 10 * v + (ps->L.src[t->start + i] - '0');
    if (v < 1)
        return _pd_parser_error(ps, PD_EPARSE, t->line, t->col,
                                "%s must be a positive integer (counting from 1), not 0",
                                what);
    *out = FLINT_MIN(v, PD_LANG_MAX_VECTOR + 1);
    return advance(ps);
}

/* ---- expressions ------------------------------------------------------- */

static pd_status_t parse_expr(pd_val_t *out, pd_parser_t *ps);
static pd_status_t parse_unary(pd_val_t *out, pd_parser_t *ps);

static pd_status_t not_constant(pd_parser_t *ps, const pd_token_t *t)
{
    char d[96];
    return _pd_parser_error(ps, PD_EPARSE, t->line, t->col, "%s, found %s",
                            ps->cmode_what,
                            _pd_token_describe(d, sizeof(d), &ps->L, t));
}

static void val_scalar(pd_val_t *v, slong node, slong line, slong col)
{
    memset(v, 0, sizeof(pd_val_t));
    v->kind = PD_VAL_SCALAR;
    v->node = node;
    v->line = line;
    v->col = col;
}

static pd_status_t parse_number(pd_val_t *out, pd_parser_t *ps)
{
    const pd_token_t *t = &ps->cur;
    fmpq_t q;
    int huge, rc;
    const char *why;
    fmpq_init(q);
    rc = _pd_decimal_scan(q, ps->L.src + t->start, t->len, 0, 0, &huge, &why);
    if (rc != 0) {
        fmpq_clear(q);
        return _pd_parser_error(ps, PD_EPARSE, t->line, t->col,
                                "bad number '%.*s': %s", (int) FLINT_MIN(t->len, 40),
                                ps->L.src + t->start, why);
    }
    memset(out, 0, sizeof(pd_val_t));
    out->kind = PD_VAL_CONST;
    out->cq = _pd_pool_add(ps, q);
    out->lit = 1;
    out->bare = 1;
    out->line = t->line;
    out->col = t->col;
    fmpq_clear(q);
    return advance(ps);
}

/* [e1, e2, ...]: a vector of scalars or a matrix of equal-length rows. */
static pd_status_t parse_brackets(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status = PD_OK;
    pd_token_t open = ps->cur;
    pd_val_t *el = NULL;
    slong n = 0, alloc = 0, k, j;
    char da[64], db[64];

    if (ps->cmode)
        return not_constant(ps, &ps->cur);
    PD_TRY(advance(ps));
    if (ps->cur.kind == PD_TOK_RBRACK) {
        status = _pd_parser_error(ps, PD_EPARSE, open.line, open.col,
                                  "empty vector: write at least one entry");
        goto cleanup;
    }
    for (;;) {
        if (n == alloc) {
            alloc = FLINT_MAX(8, 2 * alloc);
            el = flint_realloc(el, alloc * sizeof(pd_val_t));
        }
        if (n >= PD_LANG_MAX_VECTOR) {
            status = _pd_parser_error(ps, PD_ELIMIT, open.line, open.col,
                                      "vector longer than %ld entries",
                                      (long) PD_LANG_MAX_VECTOR);
            goto cleanup;
        }
        PD_TRY(parse_expr(el + n, ps));
        PD_TRY(_pd_val_emit(ps, el + n));
        if (el[n].kind == PD_VAL_MATRIX) {
            status = _pd_parser_error(ps, PD_EPARSE, el[n].line, el[n].col,
                                      "matrix where a scalar or a row is needed: "
                                      "entries of [...] are scalars, or vectors "
                                      "for the rows of a matrix");
            goto cleanup;
        }
        if (n > 0 && el[n].kind != el[0].kind) {
            status = _pd_parser_error(ps, PD_EPARSE, el[n].line, el[n].col,
                                      "%s where %s is needed: all entries of [...] "
                                      "must be scalars, or all rows of one length",
                                      el[n].kind == PD_VAL_VECTOR ? "vector" : "scalar",
                                      el[0].kind == PD_VAL_VECTOR ? "a row (vector)" : "a scalar");
            goto cleanup;
        }
        if (n > 0 && el[n].kind == PD_VAL_VECTOR && el[n].rows != el[0].rows) {
            status = _pd_parser_error(ps, PD_EPARSE, el[n].line, el[n].col,
                                      "dimension mismatch: row %ld is %s, row 1 is %s",
                                      (long) (n + 1),
                                      _pd_val_describe(da, sizeof(da), el + n),
                                      _pd_val_describe(db, sizeof(db), el));
            goto cleanup;
        }
        n++;
        if (ps->cur.kind != PD_TOK_COMMA)
            break;
        PD_TRY(advance(ps));
    }
    PD_TRY(expect_close(ps, PD_TOK_RBRACK, &open));

    memset(out, 0, sizeof(pd_val_t));
    out->line = open.line;
    out->col = open.col;
    if (el[0].kind == PD_VAL_SCALAR) {
        out->kind = PD_VAL_VECTOR;
        out->rows = n;
        out->vs = _pd_vstore_new(ps, n);
        for (k = 0; k < n; k++)
            out->vs->e[k] = el[k].node;
    } else {
        slong c = el[0].rows;
        if (n * c > PD_LANG_MAX_VECTOR) {
            status = _pd_parser_error(ps, PD_ELIMIT, open.line, open.col,
                                      "matrix with more than %ld entries",
                                      (long) PD_LANG_MAX_VECTOR);
            goto cleanup;
        }
        out->kind = PD_VAL_MATRIX;
        out->rows = n;
        out->cols = c;
        out->vs = _pd_vstore_new(ps, n * c);
        for (k = 0; k < n; k++)
            for (j = 0; j < c; j++)
                PD_TRY(_pd_vstore_entry(out->vs->e + k * c + j, ps, el[k].vs, j));
    }
cleanup:
    flint_free(el);
    return status;
}

/* Arguments that must be constant expressions: the slope of leaky_relu,
   the bounds of clamp. */
static const char *const_arg_what(builtin_t b, slong i)
{
    if (b == B_LEAKY && i == 1)
        return "the slope of leaky_relu must be a rational constant";
    if (b == B_CLAMP && (i == 1 || i == 2))
        return "the bounds of clamp must be rational constants";
    return NULL;
}

static pd_status_t parse_call(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status = PD_OK;
    pd_token_t name = ps->cur, open;
    const char *s = ps->L.src + name.start;
    builtin_t b = builtin_lookup(s, name.len);
    pd_val_t *args = NULL;
    slong n = 0, alloc = 0;
    fmpq_t c1, c2;
    char da[64];

    fmpq_init(c1);
    fmpq_init(c2);
    if (ps->cmode) {
        status = not_constant(ps, &name);
        goto cleanup;
    }
    if (b == B_NONE) {
        if (var_find(ps, s, name.len) != NULL)
            status = _pd_parser_error(ps, PD_EPARSE, name.line, name.col,
                                      "'%.*s' is not a function", (int) name.len, s);
        else if (is_keyword(s, name.len))
            status = _pd_parser_error(ps, PD_EPARSE, name.line, name.col,
                                      "unexpected keyword '%.*s' in an expression",
                                      (int) name.len, s);
        else
            status = _pd_parser_error(ps, PD_EPARSE, name.line, name.col,
                                      "unknown function '%.*s'", (int) name.len, s);
        goto cleanup;
    }
    PD_TRY(advance(ps));            /* the name */
    open = ps->cur;
    PD_TRY(advance(ps));            /* '(' */
    if (ps->cur.kind != PD_TOK_RPAREN) {
        for (;;) {
            const char *what = const_arg_what(b, n);
            if (n == alloc) {
                alloc = FLINT_MAX(4, 2 * alloc);
                args = flint_realloc(args, alloc * sizeof(pd_val_t));
            }
            if (n >= PD_LANG_MAX_VECTOR) {
                status = _pd_parser_error(ps, PD_ELIMIT, name.line, name.col,
                                          "more than %ld arguments",
                                          (long) PD_LANG_MAX_VECTOR);
                goto cleanup;
            }
            if (what != NULL) {
                int save = ps->cmode;
                const char *save_what = ps->cmode_what;
                ps->cmode = 1;
                ps->cmode_what = what;
                status = parse_expr(args + n, ps);
                ps->cmode = save;
                ps->cmode_what = save_what;
                if (status != PD_OK)
                    goto cleanup;
            } else {
                PD_TRY(parse_expr(args + n, ps));
                PD_TRY(_pd_val_emit(ps, args + n));
            }
            n++;
            if (ps->cur.kind != PD_TOK_COMMA)
                break;
            PD_TRY(advance(ps));
        }
    }
    PD_TRY(expect_close(ps, PD_TOK_RPAREN, &open));
    if (n < builtins[b].nmin || (builtins[b].nmax >= 0 && n > builtins[b].nmax)) {
        if (builtins[b].nmax < 0)
            status = _pd_parser_error(ps, PD_EPARSE, name.line, name.col,
                                      "%s takes at least %ld argument, got %ld",
                                      builtins[b].name, (long) builtins[b].nmin, (long) n);
        else
            status = _pd_parser_error(ps, PD_EPARSE, name.line, name.col,
                                      "%s takes %ld argument%s (%s), got %ld",
                                      builtins[b].name, (long) builtins[b].nmin,
                                      builtins[b].nmin == 1 ? "" : "s",
                                      builtins[b].usage, (long) n);
        goto cleanup;
    }

    switch (b) {
    case B_RELU:
        status = _pd_lower_unary(out, ps, PD_OP_RELU, args, NULL, NULL, 0, name.line, name.col);
        break;
    case B_ABS:
        status = _pd_lower_unary(out, ps, PD_OP_ABS, args, NULL, NULL, 0, name.line, name.col);
        break;
    case B_HARDTANH:
        status = _pd_lower_unary(out, ps, PD_OP_HARDTANH, args, NULL, NULL, 0, name.line, name.col);
        break;
    case B_RELU6:
        status = _pd_lower_unary(out, ps, PD_OP_RELU6, args, NULL, NULL, 0, name.line, name.col);
        break;
    case B_LEAKY:
        fmpq_set(c1, ps->pool + args[1].cq);
        status = _pd_lower_unary(out, ps, PD_OP_LEAKY_RELU, args, c1, NULL, 0, name.line, name.col);
        break;
    case B_CLAMP:
        fmpq_set(c1, ps->pool + args[1].cq);
        fmpq_set(c2, ps->pool + args[2].cq);
        if (fmpq_cmp(c1, c2) > 0) {
            char *a = fmpq_get_str(NULL, 10, c1), *z = fmpq_get_str(NULL, 10, c2);
            status = _pd_parser_error(ps, PD_EPARSE, name.line, name.col,
                                      "clamp: the lower bound %.60s exceeds the upper bound %.60s",
                                      a, z);
            flint_free(a);
            flint_free(z);
            break;
        }
        status = _pd_lower_unary(out, ps, PD_OP_CLAMP, args, c1, c2, 0, name.line, name.col);
        break;
    case B_MAX:
    case B_MIN:
        status = _pd_lower_maxmin(out, ps, b == B_MAX ? PD_OP_MAX : PD_OP_MIN,
                                  args, n, name.line, name.col);
        break;
    case B_SORT:
        status = _pd_lower_sort(out, ps, args, name.line, name.col);
        break;
    case B_SUM:
        status = _pd_lower_sum(out, ps, args, name.line, name.col);
        break;
    case B_DOT:
        status = _pd_lower_dot(out, ps, args, args + 1, name.line, name.col);
        break;
    default:
        status = _pd_parser_error(ps, PD_EINTERNAL, name.line, name.col,
                                  "internal error: builtin %s (%s)", builtins[b].name,
                                  _pd_val_describe(da, sizeof(da), args));
        break;
    }
    if (status == PD_OK) {
        out->line = name.line;
        out->col = name.col;
    }
cleanup:
    fmpq_clear(c1);
    fmpq_clear(c2);
    flint_free(args);
    return status;
}

static pd_status_t parse_primary(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status;
    pd_token_t t = ps->cur;
    const char *s = ps->L.src + t.start;

    switch (t.kind) {
    case PD_TOK_NUMBER:
        return parse_number(out, ps);
    case PD_TOK_LPAREN:
        if ((status = advance(ps)) != PD_OK
            || (status = parse_expr(out, ps)) != PD_OK)
            return status;
        out->bare = 0;      /* (-1)/4 divides the constant -1 by 4 */
        return expect_close(ps, PD_TOK_RPAREN, &t);
    case PD_TOK_LBRACK:
        return parse_brackets(out, ps);
    case PD_TOK_IDENT:
        if ((status = peek(ps)) != PD_OK)
            return status;
        if (ps->nxt.kind == PD_TOK_LPAREN)
            return parse_call(out, ps);
        if (ps->cmode)
            return not_constant(ps, &t);
        {
            pd_var_t *v = var_find(ps, s, t.len);
            if (v == NULL) {
                if (builtin_lookup(s, t.len) != B_NONE)
                    return _pd_parser_error(ps, PD_EPARSE, t.line, t.col,
                                            "'%.*s' is a function: call it as %s",
                                            (int) t.len, s,
                                            builtins[builtin_lookup(s, t.len)].usage);
                if (is_keyword(s, t.len))
                    return _pd_parser_error(ps, PD_EPARSE, t.line, t.col,
                                            "unexpected keyword '%.*s' in an expression "
                                            "(input and output start a statement)",
                                            (int) t.len, s);
                return _pd_parser_error(ps, PD_EPARSE, t.line, t.col,
                                        "unknown name '%.*s'", (int) t.len, s);
            }
            *out = v->val;
            out->line = t.line;
            out->col = t.col;
        }
        return advance(ps);
    default:
        return error_at_token(ps, &t, "an expression");
    }
}

/* primary followed by indices: v[i], M[i, j], M[i][j], M[i] (a row). */
static pd_status_t parse_postfix(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status;
    if ((status = parse_primary(out, ps)) != PD_OK)
        return status;
    while (ps->cur.kind == PD_TOK_LBRACK) {
        pd_token_t open = ps->cur;
        slong idx[2], nidx = 0, k;
        pd_token_t itok[2];     /* the index literals, for messages */
        char da[64];
        if (out->kind == PD_VAL_CONST || out->kind == PD_VAL_SCALAR)
            return _pd_parser_error(ps, PD_EPARSE, open.line, open.col,
                                    "indexing a scalar: only vectors and matrices have entries");
        if ((status = advance(ps)) != PD_OK)
            return status;
        for (;;) {
            if (nidx == 2)
                return _pd_parser_error(ps, PD_EPARSE, ps->cur.line, ps->cur.col,
                                        "too many indices: at most two (M[i, j])");
            itok[nidx] = ps->cur;
            if ((status = read_count(idx + nidx, ps, "an index")) != PD_OK)
                return status;
            nidx++;
            if (ps->cur.kind != PD_TOK_COMMA)
                break;
            if ((status = advance(ps)) != PD_OK)
                return status;
        }
        if ((status = expect_close(ps, PD_TOK_RBRACK, &open)) != PD_OK)
            return status;
        if (out->kind == PD_VAL_VECTOR) {
            if (nidx != 1)
                return _pd_parser_error(ps, PD_EPARSE, open.line, open.col,
                                        "a vector takes one index, got %ld", (long) nidx);
            if (idx[0] > out->rows)
                return _pd_parser_error(ps, PD_EPARSE, open.line, open.col,
                                        "index %.*s out of range: %s",
                                        (int) FLINT_MIN(itok[0].len, 40),
                                        ps->L.src + itok[0].start,
                                        _pd_val_describe(da, sizeof(da), out));
            if ((status = _pd_vstore_entry(&k, ps, out->vs, idx[0] - 1)) != PD_OK)
                return status;
            val_scalar(out, k, out->line, out->col);
        } else {
            if (idx[0] > out->rows)
                return _pd_parser_error(ps, PD_EPARSE, open.line, open.col,
                                        "row index %.*s out of range: %s",
                                        (int) FLINT_MIN(itok[0].len, 40),
                                        ps->L.src + itok[0].start,
                                        _pd_val_describe(da, sizeof(da), out));
            if (nidx == 2 && idx[1] > out->cols)
                return _pd_parser_error(ps, PD_EPARSE, open.line, open.col,
                                        "column index %.*s out of range: %s",
                                        (int) FLINT_MIN(itok[1].len, 40),
                                        ps->L.src + itok[1].start,
                                        _pd_val_describe(da, sizeof(da), out));
            if (nidx == 2) {
                k = out->vs->e[(idx[0] - 1) * out->cols + idx[1] - 1];
                val_scalar(out, k, out->line, out->col);
            } else {
                pd_vstore_t *row = _pd_vstore_new(ps, out->cols);
                memcpy(row->e, out->vs->e + (idx[0] - 1) * out->cols,
                       out->cols * sizeof(slong));
                out->kind = PD_VAL_VECTOR;
                out->rows = out->cols;
                out->cols = 0;
                out->vs = row;
            }
        }
    }
    return PD_OK;
}

/* The exponent of '^': a natural-number literal, at most PD_LANG_MAX_POW. */
static pd_status_t parse_exponent(ulong *e, pd_parser_t *ps)
{
    pd_status_t status;
    pd_val_t v;
    int save = ps->cmode;
    const char *save_what = ps->cmode_what;
    const fmpq *q;
    ps->cmode = 1;
    ps->cmode_what = "the exponent of '^' must be a natural-number literal";
    status = parse_unary(&v, ps);
    ps->cmode = save;
    ps->cmode_what = save_what;
    if (status != PD_OK)
        return status;
    q = ps->pool + v.cq;
    if (!v.lit)
        return _pd_parser_error(ps, PD_EPARSE, v.line, v.col,
                                "the exponent of '^' must be a natural-number literal, "
                                "not an expression");
    if (v.neg || fmpq_sgn(q) < 0)
        return _pd_parser_error(ps, PD_EPARSE, v.line, v.col,
                                "negative exponent: '^' takes a natural number");
    if (!fmpz_is_one(fmpq_denref(q)))
        return _pd_parser_error(ps, PD_EPARSE, v.line, v.col,
                                "fractional exponent: '^' takes a natural number");
    if (fmpz_cmp_si(fmpq_numref(q), PD_LANG_MAX_POW) > 0)
        return _pd_parser_error(ps, PD_EPARSE, v.line, v.col,
                                "exponent larger than %ld", (long) PD_LANG_MAX_POW);
    *e = fmpz_get_ui(fmpq_numref(q));
    return PD_OK;
}

static pd_status_t parse_power(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status;
    pd_token_t op;
    ulong e = 0;
    if ((status = parse_postfix(out, ps)) != PD_OK)
        return status;
    if (ps->cur.kind != PD_TOK_CARET)
        return PD_OK;
    op = ps->cur;
    if (!ps->cmode && (status = _pd_val_emit(ps, out)) != PD_OK)
        return status;
    if ((status = advance(ps)) != PD_OK
        || (status = parse_exponent(&e, ps)) != PD_OK)
        return status;
    if (ps->cmode)
        return _pd_fold_pow(out, ps, out, e, op.line, op.col);
    return _pd_lower_unary(out, ps, PD_OP_POW, out, NULL, NULL, (slong) e,
                           op.line, op.col);
}

static pd_status_t parse_unary(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status;
    if (++ps->depth > PD_LANG_MAX_DEPTH) {
        slong line, col;
        token_pos(&line, &col, ps, &ps->cur);
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "expression nested deeper than %ld levels",
                                (long) PD_LANG_MAX_DEPTH);
    }
    if (ps->cur.kind == PD_TOK_MINUS) {
        pd_token_t op = ps->cur;
        if ((status = advance(ps)) != PD_OK
            || (status = parse_unary(out, ps)) != PD_OK)
            return status;
        if (out->kind == PD_VAL_CONST && (out->bare || ps->cmode)) {
            /* -3 is a negative constant, no node; -(3) is NEG of 3 */
            fmpq_t q;
            fmpq_init(q);
            fmpq_neg(q, ps->pool + out->cq);
            out->cq = _pd_pool_add(ps, q);
            out->neg = 1;
            out->line = op.line;
            out->col = op.col;
            fmpq_clear(q);
        } else {
            status = _pd_lower_unary(out, ps, PD_OP_NEG, out, NULL, NULL, 0,
                                     op.line, op.col);
            if (status != PD_OK)
                return status;
            out->line = op.line;
            out->col = op.col;
        }
    } else if ((status = parse_power(out, ps)) != PD_OK) {
        return status;
    }
    ps->depth--;
    return PD_OK;
}

/* term: unary (('*' | '/' | '@') unary)* */
static pd_status_t parse_term(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status;
    pd_val_t rhs;
    if ((status = parse_unary(out, ps)) != PD_OK)
        return status;
    while (ps->cur.kind == PD_TOK_STAR || ps->cur.kind == PD_TOK_SLASH
           || ps->cur.kind == PD_TOK_AT) {
        pd_token_t op = ps->cur;
        if (op.kind == PD_TOK_SLASH) {
            int save = ps->cmode;
            const char *save_what = ps->cmode_what;
            if ((status = advance(ps)) != PD_OK)
                return status;
            if (!save) {
                ps->cmode = 1;
                ps->cmode_what = "division by a non-constant: the divisor of '/' "
                                 "must be a constant expression";
            }
            status = parse_unary(&rhs, ps);
            ps->cmode = save;
            ps->cmode_what = save_what;
            if (status != PD_OK)
                return status;
            if (ps->cmode || (out->kind == PD_VAL_CONST && out->bare
                              && rhs.bare && !rhs.neg)) {
                /* 3/4 is one exact constant; in a constant expression
                   everything folds. */
                if ((status = _pd_fold_binary(out, ps, PD_OP_DIV, out, &rhs,
                                              op.line, op.col)) != PD_OK)
                    return status;
            } else {
                fmpq_t c;
                if (fmpq_is_zero(ps->pool + rhs.cq))
                    return _pd_parser_error(ps, PD_EPARSE, op.line, op.col,
                                            "division by zero");
                fmpq_init(c);
                fmpq_set(c, ps->pool + rhs.cq);
                status = _pd_lower_unary(out, ps, PD_OP_DIV, out, c, NULL, 0,
                                         op.line, op.col);
                fmpq_clear(c);
                if (status != PD_OK)
                    return status;
            }
            continue;
        }
        if (!ps->cmode && (status = _pd_val_emit(ps, out)) != PD_OK)
            return status;
        if ((status = advance(ps)) != PD_OK
            || (status = parse_unary(&rhs, ps)) != PD_OK)
            return status;
        if (op.kind == PD_TOK_AT) {
            if (ps->cmode)
                return _pd_parser_error(ps, PD_EPARSE, op.line, op.col,
                                        "'@' needs vectors or matrices, got a scalar on the left");
            status = _pd_lower_matmul(out, ps, out, &rhs, op.line, op.col);
        } else if (ps->cmode) {
            status = _pd_fold_binary(out, ps, PD_OP_MUL, out, &rhs, op.line, op.col);
        } else {
            status = _pd_lower_binary(out, ps, PD_OP_MUL, out, &rhs, op.line, op.col);
        }
        if (status != PD_OK)
            return status;
    }
    return PD_OK;
}

/* expr: term (('+' | '-') term)* */
static pd_status_t parse_expr(pd_val_t *out, pd_parser_t *ps)
{
    pd_status_t status;
    pd_val_t rhs;
    if ((status = parse_term(out, ps)) != PD_OK)
        return status;
    while (ps->cur.kind == PD_TOK_PLUS || ps->cur.kind == PD_TOK_MINUS) {
        pd_token_t op = ps->cur;
        pd_op_t o = (op.kind == PD_TOK_PLUS) ? PD_OP_ADD : PD_OP_SUB;
        slong line = out->line, col = out->col;
        if (!ps->cmode && (status = _pd_val_emit(ps, out)) != PD_OK)
            return status;
        if ((status = advance(ps)) != PD_OK
            || (status = parse_term(&rhs, ps)) != PD_OK)
            return status;
        if (ps->cmode)
            status = _pd_fold_binary(out, ps, o, out, &rhs, op.line, op.col);
        else
            status = _pd_lower_binary(out, ps, o, out, &rhs, op.line, op.col);
        if (status != PD_OK)
            return status;
        out->line = line;
        out->col = col;
    }
    return PD_OK;
}

/* ---- statements -------------------------------------------------------- */

/* A name being defined: not a keyword, not a built-in, not yet bound. */
static pd_status_t check_new_name(pd_parser_t *ps, const pd_token_t *t,
                                  const char *what)
{
    const char *s = ps->L.src + t->start;
    pd_var_t *v;
    if (is_keyword(s, t->len))
        return _pd_parser_error(ps, PD_EPARSE, t->line, t->col,
                                "'%.*s' is a keyword and cannot be %s",
                                (int) t->len, s, what);
    if (builtin_lookup(s, t->len) != B_NONE)
        return _pd_parser_error(ps, PD_EPARSE, t->line, t->col,
                                "'%.*s' is a built-in function and cannot be %s",
                                (int) t->len, s, what);
    v = var_find(ps, s, t->len);
    if (v != NULL)
        return _pd_parser_error(ps, PD_EPARSE, t->line, t->col,
                                "redefinition of '%.*s' (defined at line %ld)",
                                (int) t->len, s, (long) v->line);
    return PD_OK;
}

/* One declared input: x, or x[n] (n entries), from the input list. */
typedef struct {
    pd_token_t name;
    slong n;            /* 0 for a scalar                                   */
    slong iline, icol;  /* position of the index                            */
} input_item;

static pd_status_t declare_scalar(pd_parser_t *ps, const pd_token_t *t)
{
    pd_status_t status;
    char name[PD_LANG_MAX_NAME + 1];
    pd_error_t e;
    pd_val_t v;
    slong i;
    if ((status = check_new_name(ps, t, "an input name")) != PD_OK)
        return status;
    if (ps->P->ninputs >= PD_LANG_MAX_INPUTS)
        return _pd_parser_error(ps, PD_ELIMIT, t->line, t->col,
                                "more than %ld inputs", (long) PD_LANG_MAX_INPUTS);
    memcpy(name, ps->L.src + t->start, t->len);
    name[t->len] = '\0';
    pd_error_init(e);
    i = pd_prog_add_input(ps->P, name, t->line, t->col, e);
    if (i < 0)
        status = _pd_parser_error(ps, PD_EPARSE, t->line, t->col, "%s", e->msg);
    pd_error_clear(e);
    if (status != PD_OK)
        return status;
    val_scalar(&v, i, t->line, t->col);
    var_add(ps, name, t->len, &v, t->line);
    return PD_OK;
}

/* Vector input of n entries named "x[1]".."x[n]"; pos[k] (if given) is the
   position of entry k, else the name's. */
static pd_status_t declare_vector(pd_parser_t *ps, const pd_token_t *t,
                                  slong n, const input_item *items)
{
    pd_status_t status;
    char name[PD_LANG_MAX_NAME + 32];
    pd_val_t v;
    slong k;
    if ((status = check_new_name(ps, t, "an input name")) != PD_OK)
        return status;
    if (n > PD_LANG_MAX_INPUTS - ps->P->ninputs)
        return _pd_parser_error(ps, PD_ELIMIT, t->line, t->col,
                                "more than %ld inputs", (long) PD_LANG_MAX_INPUTS);
    memset(&v, 0, sizeof(v));
    v.kind = PD_VAL_VECTOR;
    v.rows = n;
    v.line = t->line;
    v.col = t->col;
    v.vs = _pd_vstore_new(ps, n);
    for (k = 0; k < n; k++) {
        pd_error_t e;
        slong line = items ? items[k].name.line : t->line;
        slong col = items ? items[k].name.col : t->col;
        slong i;
        if (ps->P->len >= PD_LANG_MAX_NODES)
            return _pd_parser_error(ps, PD_ELIMIT, line, col,
                                    "the program has more than %ld nodes",
                                    (long) PD_LANG_MAX_NODES);
        snprintf(name, sizeof(name), "%.*s[%ld]", (int) t->len,
                 ps->L.src + t->start, (long) (k + 1));
        pd_error_init(e);
        i = pd_prog_add_input(ps->P, name, line, col, e);
        if (i < 0)
            status = _pd_parser_error(ps, PD_EPARSE, line, col, "%s", e->msg);
        pd_error_clear(e);
        if (status != PD_OK)
            return status;
        v.vs->e[k] = i;
    }
    var_add(ps, ps->L.src + t->start, t->len, &v, t->line);
    return PD_OK;
}

static int same_name(pd_parser_t *ps, const pd_token_t *a, const pd_token_t *b)
{
    return a->len == b->len
           && memcmp(ps->L.src + a->start, ps->L.src + b->start, a->len) == 0;
}

/* input list: item (',' item)*, item = name | name '[' n ']'.  A run
   x[1], x[2], ..., x[k] spells out the entries of one vector input of
   length k (this is how programs are printed). */
static pd_status_t parse_input_list(pd_parser_t *ps, int in_parens)
{
    pd_status_t status = PD_OK;
    input_item *items = NULL;
    slong n = 0, alloc = 0, i, j;

    if (in_parens && ps->cur.kind == PD_TOK_RPAREN)
        return PD_OK;
    for (;;) {
        if (ps->cur.kind != PD_TOK_IDENT) {
            status = error_at_token(ps, &ps->cur, "an input name");
            goto cleanup;
        }
        if (n == alloc) {
            alloc = FLINT_MAX(8, 2 * alloc);
            items = flint_realloc(items, alloc * sizeof(input_item));
        }
        items[n].name = ps->cur;
        items[n].n = 0;
        PD_TRY(advance(ps));
        if (ps->cur.kind == PD_TOK_LBRACK) {
            pd_token_t open = ps->cur;
            PD_TRY(advance(ps));
            items[n].iline = ps->cur.line;
            items[n].icol = ps->cur.col;
            PD_TRY(read_count(&items[n].n, ps, "the length of a vector input"));
            PD_TRY(expect_close(ps, PD_TOK_RBRACK, &open));
        }
        n++;
        if (ps->cur.kind != PD_TOK_COMMA)
            break;
        PD_TRY(advance(ps));
    }
    for (i = 0; i < n; i = j) {
        j = i + 1;
        if (items[i].n == 0) {
            PD_TRY(declare_scalar(ps, &items[i].name));
            continue;
        }
        if (items[i].n == 1) {
            while (j < n && items[j].n == j - i + 1
                   && same_name(ps, &items[i].name, &items[j].name))
                j++;
            PD_TRY(declare_vector(ps, &items[i].name, j - i, items + i));
        } else {
            PD_TRY(declare_vector(ps, &items[i].name, items[i].n, NULL));
        }
    }
cleanup:
    flint_free(items);
    return status;
}

/* Give the nodes made by this statement the bound name. */
static void label_value(pd_parser_t *ps, const pd_token_t *t, pd_val_t *v)
{
    char buf[PD_LANG_MAX_NAME + 64];
    slong k;
    int len = (int) t->len;
    const char *s = ps->L.src + t->start;
    if (v->kind == PD_VAL_SCALAR) {
        if (v->node >= ps->stmt_start) {
            snprintf(buf, sizeof(buf), "%.*s", len, s);
            pd_prog_set_label(ps->P, v->node, buf);
        }
        return;
    }
    if (v->vs->sort >= ps->stmt_start && v->vs->label == NULL) {
        snprintf(buf, sizeof(buf), "%.*s", len, s);
        v->vs->label = _pd_strdup(buf);
        pd_prog_set_label(ps->P, v->vs->sort, buf);
    }
    for (k = 0; k < v->vs->n; k++) {
        if (v->vs->e[k] < ps->stmt_start)
            continue;
        if (v->kind == PD_VAL_VECTOR)
            snprintf(buf, sizeof(buf), "%.*s[%ld]", len, s, (long) (k + 1));
        else
            snprintf(buf, sizeof(buf), "%.*s[%ld,%ld]", len, s,
                     (long) (k / v->cols + 1), (long) (k % v->cols + 1));
        pd_prog_set_label(ps->P, v->vs->e[k], buf);
    }
}

static pd_status_t finish_output(pd_parser_t *ps, pd_val_t *v, slong line)
{
    pd_status_t status;
    char d[64];
    if (v->kind == PD_VAL_VECTOR || v->kind == PD_VAL_MATRIX)
        return _pd_parser_error(ps, PD_EPARSE, v->line, v->col,
                                "vector where a scalar is needed: the output is %s "
                                "(reduce it with sum, max, min or an index)",
                                _pd_val_describe(d, sizeof(d), v));
    if ((status = _pd_val_emit(ps, v)) != PD_OK)
        return status;
    pd_prog_set_output(ps->P, v->node);
    ps->output_line = line;
    return PD_OK;
}

static pd_status_t check_no_output(pd_parser_t *ps, const pd_token_t *t)
{
    if (ps->output_line > 0)
        return _pd_parser_error(ps, PD_EPARSE, t->line, t->col,
                                "duplicate output: the output was already given at line %ld",
                                (long) ps->output_line);
    return PD_OK;
}

static pd_status_t parse_statement(pd_parser_t *ps)
{
    pd_status_t status = PD_OK;
    pd_token_t t = ps->cur;
    const char *s = ps->L.src + t.start;
    pd_val_t v;

    ps->stmt_start = ps->P->len;
    if (t.kind != PD_TOK_IDENT)
        return error_at_token(ps, &t, "a statement (input ..., output ..., "
                                      "name = ... or f(x, ...) = ...)");
    if (t.len == 5 && memcmp(s, "input", 5) == 0) {
        PD_TRY(advance(ps));
        return parse_input_list(ps, 0);
    }
    if (t.len == 6 && memcmp(s, "output", 6) == 0) {
        PD_TRY(check_no_output(ps, &t));
        PD_TRY(advance(ps));
        PD_TRY(parse_expr(&v, ps));
        return finish_output(ps, &v, t.line);
    }
    PD_TRY(peek(ps));
    if (ps->nxt.kind == PD_TOK_EQ) {
        pd_var_t *var;
        PD_TRY(check_new_name(ps, &t, "bound to a value"));
        PD_TRY(advance(ps));
        PD_TRY(advance(ps));
        PD_TRY(parse_expr(&v, ps));
        PD_TRY(_pd_val_emit(ps, &v));
        label_value(ps, &t, &v);
        var_add(ps, s, t.len, &v, t.line);
        var = var_find(ps, s, t.len);
        var->val.line = t.line;
        var->val.col = t.col;
        return PD_OK;
    }
    if (ps->nxt.kind == PD_TOK_LPAREN) {
        /* f(x, y) = expr: inputs and output at once */
        pd_token_t open;
        if (builtin_lookup(s, t.len) != B_NONE)
            return _pd_parser_error(ps, PD_EPARSE, t.line, t.col,
                                    "a statement cannot start with a call to '%.*s' "
                                    "(write output %.*s(...))",
                                    (int) t.len, s, (int) t.len, s);
        PD_TRY(check_no_output(ps, &t));
        PD_TRY(advance(ps));
        open = ps->cur;
        PD_TRY(advance(ps));
        PD_TRY(parse_input_list(ps, 1));
        PD_TRY(expect_close(ps, PD_TOK_RPAREN, &open));
        if (ps->cur.kind != PD_TOK_EQ)
            return error_at_token(ps, &ps->cur, "'=' after the parameters");
        PD_TRY(advance(ps));
        ps->stmt_start = ps->P->len;
        PD_TRY(parse_expr(&v, ps));
        return finish_output(ps, &v, t.line);
    }
    return error_at_token(ps, &ps->nxt, "'=' (a statement is input ..., "
                                        "output ..., name = ... or f(x, ...) = ...)");
cleanup:
    return status;
}

static pd_status_t parse_program(pd_parser_t *ps)
{
    pd_status_t status;
    PD_TRY(advance(ps));
    for (;;) {
        while (ps->cur.kind == PD_TOK_NEWLINE)
            PD_TRY(advance(ps));
        if (ps->cur.kind == PD_TOK_EOF)
            break;
        PD_TRY(parse_statement(ps));
        if (ps->cur.kind != PD_TOK_NEWLINE && ps->cur.kind != PD_TOK_EOF) {
            status = error_at_token(ps, &ps->cur, "an operator or the end of the line");
            goto cleanup;
        }
    }
    if (ps->output_line == 0) {
        slong line, col;
        token_pos(&line, &col, ps, &ps->cur);
        status = _pd_parser_error(ps, PD_EPARSE, line, col,
                                  "missing output: add a line 'output expr' "
                                  "(or write f(x, ...) = expr)");
    }
cleanup:
    return status;
}

static pd_status_t parse_text(pd_prog_t P, const char *text, size_t len,
                              const char *file, pd_error_t err)
{
    pd_parser_t ps;
    pd_status_t status;
    slong k;
    pd_vstore_t *vs;

    if (P->len != 0 || P->output != -1)
        return pd_error_set(err, PD_EINVAL, "the program to parse into must be empty");
    memset(&ps, 0, sizeof(ps));
    ps.P = P;
    ps.err = err;
    ps.file = file;
    ps.vcap = 64;
    ps.vars = flint_calloc(ps.vcap, sizeof(pd_var_t));
    _pd_lexer_init(&ps.L, text, len, file);
    if (file != NULL && strcmp(file, "<input>") != 0)
        pd_prog_set_file(P, file);

    status = parse_program(&ps);

    for (k = 0; k < ps.vcap; k++)
        flint_free(ps.vars[k].name);
    flint_free(ps.vars);
    for (k = 0; k < ps.apool; k++)
        fmpq_clear(ps.pool + k);
    flint_free(ps.pool);
    for (vs = ps.stores; vs != NULL;) {
        pd_vstore_t *nx = vs->next;
        flint_free(vs->e);
        flint_free(vs->label);
        flint_free(vs);
        vs = nx;
    }
    return status;
}

pd_status_t pd_parse_string(pd_prog_t P, const char *text, const char *file,
                            pd_error_t err)
{
    size_t len;
    if (text == NULL)
        return pd_error_set(err, PD_EINVAL, "no program text");
    if (file == NULL)
        file = "<input>";
    len = strnlen(text, (size_t) PD_LANG_MAX_SOURCE + 1);
    if (len > (size_t) PD_LANG_MAX_SOURCE)
        return pd_error_set_pos(err, PD_ELIMIT, file, 0, 0, NULL,
                                "program text larger than %ld bytes",
                                (long) PD_LANG_MAX_SOURCE);
    return parse_text(P, text, len, file, err);
}

pd_status_t pd_parse_file(pd_prog_t P, const char *path, pd_error_t err)
{
    FILE *f;
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    const char *name;
    const char *nul;
    pd_status_t status;
    int is_stdin;

    if (path == NULL)
        return pd_error_set(err, PD_EINVAL, "no file name");
    is_stdin = strcmp(path, "-") == 0;
    name = is_stdin ? "<stdin>" : path;
    f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return pd_error_set_pos(err, PD_EIO, name, 0, 0, NULL,
                                "cannot open: %s", strerror(errno));
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = FLINT_MAX(2 * cap, len + 4096 + 1);
            buf = flint_realloc(buf, cap);
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (len > (size_t) PD_LANG_MAX_SOURCE) {
            if (!is_stdin)
                fclose(f);
            flint_free(buf);
            return pd_error_set_pos(err, PD_ELIMIT, name, 0, 0, NULL,
                                    "program text larger than %ld bytes",
                                    (long) PD_LANG_MAX_SOURCE);
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        if (!is_stdin)
            fclose(f);
        flint_free(buf);
        return pd_error_set_pos(err, PD_EIO, name, 0, 0, NULL,
                                "cannot read: %s", strerror(e));
    }
    if (!is_stdin)
        fclose(f);
    buf[len] = '\0';
    nul = memchr(buf, '\0', len);
    if (nul != NULL) {
        size_t i, start = 0;
        slong line = 1;
        for (i = 0; i < (size_t) (nul - buf); i++)
            if (buf[i] == '\n') {
                line++;
                start = i + 1;
            }
        status = _pd_lang_error(err, PD_EPARSE, buf, len, name, line,
                                (slong) (nul - buf - start) + 1,
                                "unexpected NUL byte (is this a text file?)");
        flint_free(buf);
        return status;
    }
    status = parse_text(P, buf, len, name, err);
    flint_free(buf);
    return status;
}
