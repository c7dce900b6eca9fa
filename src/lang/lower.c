/* lower.c: lowering vector and matrix expressions to scalar program nodes,
   and folding constant expressions exactly. */
#include "lower.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

pd_status_t _pd_parser_error(pd_parser_t *ps, pd_status_t code, slong line,
                             slong col, const char *fmt, ...)
{
    char msg[PD_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return _pd_lang_error(ps->err, code, ps->L.src, ps->L.len, ps->file, line,
                          col, "%s", msg);
}

slong _pd_pool_add(pd_parser_t *ps, const fmpq_t c)
{
    if (ps->npool == ps->apool) {
        slong a = FLINT_MAX(16, 2 * ps->apool), k;
        ps->pool = flint_realloc(ps->pool, a * sizeof(fmpq));
        for (k = ps->apool; k < a; k++)
            fmpq_init(ps->pool + k);
        ps->apool = a;
    }
    fmpq_set(ps->pool + ps->npool, c);
    fmpq_canonicalise(ps->pool + ps->npool);
    return ps->npool++;
}

pd_vstore_t *_pd_vstore_new(pd_parser_t *ps, slong n)
{
    pd_vstore_t *vs = flint_malloc(sizeof(pd_vstore_t));
    slong k;
    vs->n = n;
    vs->e = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    for (k = 0; k < n; k++)
        vs->e[k] = -1;
    vs->sort = -1;
    vs->sline = vs->scol = 0;
    vs->label = NULL;
    vs->next = ps->stores;
    ps->stores = vs;
    return vs;
}

pd_status_t _pd_node(slong *out, pd_parser_t *ps, pd_op_t op, slong nargs,
                     const slong *args, const fmpq_t c, const fmpq_t c2,
                     slong index, slong line, slong col)
{
    pd_error_t e;
    slong i;
    if (ps->P->len >= PD_LANG_MAX_NODES)
        return _pd_parser_error(ps, PD_ELIMIT, line, col,
                                "the program has more than %ld nodes",
                                (long) PD_LANG_MAX_NODES);
    pd_error_init(e);
    i = pd_prog_add_node(ps->P, op, nargs, args, c, c2, index, line, col, e);
    if (i < 0) {
        pd_status_t st = _pd_parser_error(ps, PD_EPARSE, line, col, "%s", e->msg);
        pd_error_clear(e);
        return st;
    }
    pd_error_clear(e);
    *out = i;
    return PD_OK;
}

pd_status_t _pd_val_emit(pd_parser_t *ps, pd_val_t *v)
{
    pd_status_t status;
    slong i;
    if (v->kind != PD_VAL_CONST)
        return PD_OK;
    status = _pd_node(&i, ps, PD_OP_CONST, 0, NULL, ps->pool + v->cq, NULL, 0,
                      v->line, v->col);
    if (status != PD_OK)
        return status;
    v->kind = PD_VAL_SCALAR;
    v->node = i;
    return PD_OK;
}

pd_status_t _pd_vstore_entry(slong *out, pd_parser_t *ps, pd_vstore_t *vs,
                             slong k)
{
    pd_status_t status;
    if (vs->e[k] < 0) {
        slong i;
        status = _pd_node(&i, ps, PD_OP_SORTED, 1, &vs->sort, NULL, NULL, k,
                          vs->sline, vs->scol);
        if (status != PD_OK)
            return status;
        if (vs->label != NULL) {
            char buf[PD_LANG_MAX_NAME + 32];
            snprintf(buf, sizeof(buf), "%s[%ld]", vs->label, (long) (k + 1));
            pd_prog_set_label(ps->P, i, buf);
        }
        vs->e[k] = i;
    }
    *out = vs->e[k];
    return PD_OK;
}

const char *_pd_val_describe(char *buf, size_t n, const pd_val_t *v)
{
    switch (v->kind) {
    case PD_VAL_VECTOR:
        snprintf(buf, n, "a vector of length %ld", (long) v->rows);
        break;
    case PD_VAL_MATRIX:
        snprintf(buf, n, "a %ldx%ld matrix", (long) v->rows, (long) v->cols);
        break;
    default:
        snprintf(buf, n, "a scalar");
        break;
    }
    return buf;
}

static int is_scalar(const pd_val_t *v)
{
    return v->kind == PD_VAL_CONST || v->kind == PD_VAL_SCALAR;
}

static slong val_len(const pd_val_t *v)
{
    if (v->kind == PD_VAL_VECTOR)
        return v->rows;
    if (v->kind == PD_VAL_MATRIX)
        return v->rows * v->cols;
    return 1;
}

/* Entry k of v (a scalar broadcasts). */
static pd_status_t val_entry(slong *out, pd_parser_t *ps, pd_val_t *v, slong k)
{
    if (v->kind == PD_VAL_SCALAR) {
        *out = v->node;
        return PD_OK;
    }
    return _pd_vstore_entry(out, ps, v->vs, k);
}

static int same_shape(const pd_val_t *a, const pd_val_t *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == PD_VAL_VECTOR)
        return a->rows == b->rows;
    if (a->kind == PD_VAL_MATRIX)
        return a->rows == b->rows && a->cols == b->cols;
    return 1;
}

/* out = a value of the shape of `shape`, over a fresh store. */
static void val_like(pd_val_t *out, pd_parser_t *ps, const pd_val_t *shape,
                     slong line, slong col)
{
    memset(out, 0, sizeof(pd_val_t));
    out->line = line;
    out->col = col;
    out->node = -1;
    if (is_scalar(shape)) {
        out->kind = PD_VAL_SCALAR;
        return;
    }
    out->kind = shape->kind;
    out->rows = shape->rows;
    out->cols = shape->cols;
    out->vs = _pd_vstore_new(ps, val_len(shape));
}

static const char *op_symbol(pd_op_t op)
{
    switch (op) {
    case PD_OP_ADD: return "+";
    case PD_OP_SUB: return "-";
    case PD_OP_MUL: return "*";
    default: return pd_op_name(op);
    }
}

pd_status_t _pd_lower_unary(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                            pd_val_t *a, const fmpq_t c, const fmpq_t c2,
                            slong index, slong line, slong col)
{
    pd_status_t status;
    slong k, n, x, y;
    pd_val_t r;

    if ((status = _pd_val_emit(ps, a)) != PD_OK)
        return status;
    val_like(&r, ps, a, a->line, a->col);
    n = val_len(a);
    for (k = 0; k < n; k++) {
        if ((status = val_entry(&x, ps, a, k)) != PD_OK)
            return status;
        if ((status = _pd_node(&y, ps, op, 1, &x, c, c2, index, line, col)) != PD_OK)
            return status;
        if (r.kind == PD_VAL_SCALAR)
            r.node = y;
        else
            r.vs->e[k] = y;
    }
    *out = r;
    return PD_OK;
}

pd_status_t _pd_lower_binary(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                             pd_val_t *a, pd_val_t *b, slong line, slong col)
{
    pd_status_t status;
    slong k, n, xy[2], z;
    pd_val_t r;
    const pd_val_t *shape;

    if ((status = _pd_val_emit(ps, a)) != PD_OK
        || (status = _pd_val_emit(ps, b)) != PD_OK)
        return status;
    if (!is_scalar(a) && !is_scalar(b) && !same_shape(a, b)) {
        char da[64], db[64];
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "dimension mismatch: %s %s %s",
                                _pd_val_describe(da, sizeof(da), a), op_symbol(op),
                                _pd_val_describe(db, sizeof(db), b));
    }
    shape = is_scalar(a) ? b : a;
    val_like(&r, ps, shape, a->line, a->col);
    n = val_len(shape);
    for (k = 0; k < n; k++) {
        if ((status = val_entry(xy, ps, a, k)) != PD_OK
            || (status = val_entry(xy + 1, ps, b, k)) != PD_OK)
            return status;
        if ((status = _pd_node(&z, ps, op, 2, xy, NULL, NULL, 0, line, col)) != PD_OK)
            return status;
        if (r.kind == PD_VAL_SCALAR)
            r.node = z;
        else
            r.vs->e[k] = z;
    }
    *out = r;
    return PD_OK;
}

pd_status_t _pd_lower_maxmin(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                             pd_val_t *args, slong k, slong line, slong col)
{
    pd_status_t status = PD_OK;
    slong i, j, n, z, *xs = NULL;
    pd_val_t r;
    const pd_val_t *shape = NULL;

    for (i = 0; i < k; i++)
        if ((status = _pd_val_emit(ps, args + i)) != PD_OK)
            return status;
    if (k == 1 && !is_scalar(args)) {
        /* max(v): one node over all entries (row-major for a matrix). */
        n = val_len(args);
        xs = flint_malloc(n * sizeof(slong));
        for (j = 0; j < n; j++)
            PD_TRY(val_entry(xs + j, ps, args, j));
        PD_TRY(_pd_node(&z, ps, op, n, xs, NULL, NULL, 0, line, col));
        memset(&r, 0, sizeof(r));
        r.kind = PD_VAL_SCALAR;
        r.node = z;
        r.line = args->line;
        r.col = args->col;
        *out = r;
        goto cleanup;
    }
    for (i = 0; i < k; i++) {
        if (is_scalar(args + i))
            continue;
        if (shape != NULL && !same_shape(shape, args + i)) {
            char da[64], db[64];
            status = _pd_parser_error(ps, PD_EPARSE, line, col,
                                      "dimension mismatch in %s: %s and %s",
                                      pd_op_name(op),
                                      _pd_val_describe(da, sizeof(da), shape),
                                      _pd_val_describe(db, sizeof(db), args + i));
            goto cleanup;
        }
        shape = args + i;
    }
    if (shape == NULL)
        shape = args;
    val_like(&r, ps, shape, args->line, args->col);
    n = val_len(shape);
    xs = flint_malloc(k * sizeof(slong));
    for (j = 0; j < n; j++) {
        for (i = 0; i < k; i++)
            PD_TRY(val_entry(xs + i, ps, args + i, j));
        PD_TRY(_pd_node(&z, ps, op, k, xs, NULL, NULL, 0, line, col));
        if (r.kind == PD_VAL_SCALAR)
            r.node = z;
        else
            r.vs->e[j] = z;
    }
    *out = r;
cleanup:
    flint_free(xs);
    return status;
}

/* sum_j a[j] * b[j] over j = 0..n-1, accumulated left to right:
   ((a0*b0 + a1*b1) + a2*b2) + ...; entry j of a is entry aoff + j*astride
   of the value a (likewise b). */
static pd_status_t sum_products(slong *out, pd_parser_t *ps, pd_val_t *a,
                                slong aoff, slong astride, pd_val_t *b,
                                slong boff, slong bstride, slong n, slong line,
                                slong col)
{
    pd_status_t status;
    slong j, xy[2], p, acc = -1;
    for (j = 0; j < n; j++) {
        if ((status = val_entry(xy, ps, a, aoff + j * astride)) != PD_OK
            || (status = val_entry(xy + 1, ps, b, boff + j * bstride)) != PD_OK)
            return status;
        if ((status = _pd_node(&p, ps, PD_OP_MUL, 2, xy, NULL, NULL, 0, line, col)) != PD_OK)
            return status;
        if (j == 0) {
            acc = p;
        } else {
            xy[0] = acc;
            xy[1] = p;
            if ((status = _pd_node(&acc, ps, PD_OP_ADD, 2, xy, NULL, NULL, 0, line, col)) != PD_OK)
                return status;
        }
    }
    *out = acc;
    return PD_OK;
}

pd_status_t _pd_lower_matmul(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                             pd_val_t *b, slong line, slong col)
{
    pd_status_t status;
    pd_val_t r;
    slong ar, ac, br, bc, i, j;
    char da[64], db[64];

    if (is_scalar(a) || is_scalar(b))
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "'@' needs vectors or matrices, got a scalar on the %s",
                                is_scalar(a) ? "left" : "right");
    /* A vector is a row on the left, a column on the right (numpy). */
    ar = (a->kind == PD_VAL_MATRIX) ? a->rows : 1;
    ac = (a->kind == PD_VAL_MATRIX) ? a->cols : a->rows;
    br = b->rows;
    bc = (b->kind == PD_VAL_MATRIX) ? b->cols : 1;
    if (ac != br)
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "dimension mismatch: %s @ %s",
                                _pd_val_describe(da, sizeof(da), a),
                                _pd_val_describe(db, sizeof(db), b));
    if (ar * bc > PD_LANG_MAX_VECTOR)
        return _pd_parser_error(ps, PD_ELIMIT, line, col,
                                "the product has more than %ld entries",
                                (long) PD_LANG_MAX_VECTOR);
    memset(&r, 0, sizeof(r));
    r.line = a->line;
    r.col = a->col;
    if (a->kind == PD_VAL_VECTOR && b->kind == PD_VAL_VECTOR) {
        r.kind = PD_VAL_SCALAR;
        status = sum_products(&r.node, ps, a, 0, 1, b, 0, 1, ac, line, col);
        if (status == PD_OK)
            *out = r;
        return status;
    }
    if (a->kind == PD_VAL_MATRIX && b->kind == PD_VAL_MATRIX) {
        r.kind = PD_VAL_MATRIX;
        r.rows = ar;
        r.cols = bc;
    } else {
        r.kind = PD_VAL_VECTOR;
        r.rows = (a->kind == PD_VAL_MATRIX) ? ar : bc;
    }
    r.vs = _pd_vstore_new(ps, ar * bc);
    for (i = 0; i < ar; i++)
        for (j = 0; j < bc; j++) {
            status = sum_products(r.vs->e + i * bc + j, ps, a, i * ac, 1, b, j,
                                  bc, ac, line, col);
            if (status != PD_OK)
                return status;
        }
    *out = r;
    return PD_OK;
}

pd_status_t _pd_lower_sum(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                          slong line, slong col)
{
    pd_status_t status;
    slong j, n, xy[2], acc;
    pd_val_t r;
    if (is_scalar(a))
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "sum needs a vector or a matrix, got a scalar");
    n = val_len(a);
    if ((status = val_entry(&acc, ps, a, 0)) != PD_OK)
        return status;
    for (j = 1; j < n; j++) {
        xy[0] = acc;
        if ((status = val_entry(xy + 1, ps, a, j)) != PD_OK)
            return status;
        if ((status = _pd_node(&acc, ps, PD_OP_ADD, 2, xy, NULL, NULL, 0, line, col)) != PD_OK)
            return status;
    }
    memset(&r, 0, sizeof(r));
    r.kind = PD_VAL_SCALAR;
    r.node = acc;
    r.line = a->line;
    r.col = a->col;
    *out = r;
    return PD_OK;
}

pd_status_t _pd_lower_dot(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                          pd_val_t *b, slong line, slong col)
{
    pd_status_t status;
    pd_val_t r;
    char da[64], db[64];
    if (a->kind != PD_VAL_VECTOR || b->kind != PD_VAL_VECTOR)
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "dot needs two vectors, got %s and %s",
                                _pd_val_describe(da, sizeof(da), a),
                                _pd_val_describe(db, sizeof(db), b));
    if (a->rows != b->rows)
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "dimension mismatch: dot of %s and %s",
                                _pd_val_describe(da, sizeof(da), a),
                                _pd_val_describe(db, sizeof(db), b));
    memset(&r, 0, sizeof(r));
    r.kind = PD_VAL_SCALAR;
    r.line = a->line;
    r.col = a->col;
    status = sum_products(&r.node, ps, a, 0, 1, b, 0, 1, a->rows, line, col);
    if (status == PD_OK)
        *out = r;
    return status;
}

pd_status_t _pd_lower_sort(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                           slong line, slong col)
{
    pd_status_t status = PD_OK;
    slong j, n, s, *xs;
    pd_val_t r;
    char da[64];
    if (a->kind != PD_VAL_VECTOR)
        return _pd_parser_error(ps, PD_EPARSE, line, col,
                                "sort needs a vector, got %s",
                                _pd_val_describe(da, sizeof(da), a));
    n = a->rows;
    xs = flint_malloc(n * sizeof(slong));
    for (j = 0; j < n; j++)
        PD_TRY(val_entry(xs + j, ps, a, j));
    PD_TRY(_pd_node(&s, ps, PD_OP_SORT, n, xs, NULL, NULL, 0, line, col));
    memset(&r, 0, sizeof(r));
    r.kind = PD_VAL_VECTOR;
    r.rows = n;
    r.line = a->line;
    r.col = a->col;
    r.vs = _pd_vstore_new(ps, n);
    r.vs->sort = s;
    r.vs->sline = line;
    r.vs->scol = col;
    *out = r;
cleanup:
    flint_free(xs);
    return status;
}

static slong fmpq_size_bits(const fmpq_t q)
{
    return (slong) (fmpz_bits(fmpq_numref(q)) + fmpz_bits(fmpq_denref(q)));
}

static pd_status_t too_large(pd_parser_t *ps, slong line, slong col)
{
    return _pd_parser_error(ps, PD_EPARSE, line, col,
                            "constant too large (more than %ld bits)",
                            (long) PD_LANG_MAX_CONST_BITS);
}

pd_status_t _pd_fold_binary(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                            const pd_val_t *a, const pd_val_t *b, slong line,
                            slong col)
{
    fmpq_t r;
    pd_val_t v;
    const fmpq *x = ps->pool + a->cq, *y = ps->pool + b->cq;
    if (fmpq_size_bits(x) + fmpq_size_bits(y) + 1 > PD_LANG_MAX_CONST_BITS)
        return too_large(ps, line, col);
    if (op == PD_OP_DIV && fmpq_is_zero(y))
        return _pd_parser_error(ps, PD_EPARSE, line, col, "division by zero");
    fmpq_init(r);
    switch (op) {
    case PD_OP_ADD: fmpq_add(r, x, y); break;
    case PD_OP_SUB: fmpq_sub(r, x, y); break;
    case PD_OP_MUL: fmpq_mul(r, x, y); break;
    default: fmpq_div(r, x, y); break;
    }
    v = *a;
    v.kind = PD_VAL_CONST;
    v.cq = _pd_pool_add(ps, r);   /* may move the pool: x, y dead now */
    v.lit = 0;
    v.bare = 0;
    v.neg = 0;
    fmpq_clear(r);
    *out = v;
    return PD_OK;
}

pd_status_t _pd_fold_pow(pd_val_t *out, pd_parser_t *ps, const pd_val_t *a,
                         ulong e, slong line, slong col)
{
    fmpq_t r;
    pd_val_t v;
    const fmpq *x = ps->pool + a->cq;
    if (e > 0 && (ulong) fmpq_size_bits(x) > (ulong) PD_LANG_MAX_CONST_BITS / e)
        return too_large(ps, line, col);
    fmpq_init(r);
    fmpq_pow_si(r, x, (slong) e);
    v = *a;
    v.kind = PD_VAL_CONST;
    v.cq = _pd_pool_add(ps, r);
    v.lit = 0;
    v.bare = 0;
    v.neg = 0;
    fmpq_clear(r);
    *out = v;
    return PD_OK;
}
