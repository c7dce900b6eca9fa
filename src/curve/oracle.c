/* oracle.c: gradients sampled by another tool along the curve (CSV), read
   exactly and judged against the exact (f o gamma)'. */
#include "curve/curve-impl.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ORACLE_MAX_ROWS 10000000
#define ORACLE_MAX_BYTES ((size_t)1 << 30)

void pd_curve_oracle_init(pd_curve_oracle_t O)
{
    O->n = 0;
    O->nrows = O->alloc = 0;
    O->rows = NULL;
    O->njudged = O->nviolations = 0;
    fmpq_init(O->tol);
}

/* Release the rows, keep O initialised and empty. */
static void oracle_reset(pd_curve_oracle_t O)
{
    slong j;
    for (j = 0; j < O->nrows; j++) {
        pd_curve_oracle_row_struct *r = O->rows + j;
        fmpq_clear(r->t);
        _fmpq_vec_clear(r->grad, FLINT_MAX(O->n, 1));
        fmpq_clear(r->lhs);
        fmpq_clear(r->rhs);
    }
    flint_free(O->rows);
    O->rows = NULL;
    O->nrows = O->alloc = 0;
    O->njudged = O->nviolations = 0;
    fmpq_zero(O->tol);
}

void pd_curve_oracle_clear(pd_curve_oracle_t O)
{
    oracle_reset(O);
    fmpq_clear(O->tol);
}

/* A field of a CSV line: [start, end) after trimming spaces. */
typedef struct {
    slong start, end;
} field;

/* Split line (length len) at commas; returns the number of fields. */
static slong split_fields(field **f, slong *alloc, const char *line, slong len)
{
    slong n = 0, s = 0, k;
    for (k = 0; k <= len; k++) {
        if (k == len || line[k] == ',') {
            slong a = s, b = k;
            while (a < b && (line[a] == ' ' || line[a] == '\t'))
                a++;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' ||
                             line[b - 1] == '\r'))
                b--;
            if (n == *alloc) {
                *alloc = FLINT_MAX(8, 2 * *alloc);
                *f = flint_realloc(*f, *alloc * sizeof(field));
            }
            (*f)[n].start = a;
            (*f)[n].end = b;
            n++;
            s = k + 1;
        }
    }
    return n;
}

/* A line as NUL-terminated text for error messages. */
static pd_status_t line_error(pd_error_t err, const char *file, slong lineno,
                              slong col, const char *line, slong len,
                              const char *msg)
{
    /* The whole line: the error record keeps the part around col. */
    char *buf = flint_malloc(len + 1);
    pd_status_t st;
    memcpy(buf, line, len);
    buf[len] = '\0';
    st = pd_error_set_pos(err, PD_EPARSE, file, lineno, col, buf, "%s", msg);
    flint_free(buf);
    return st;
}

pd_status_t pd_curve_oracle_read_string(pd_curve_oracle_t O, const pd_prog_t P,
                                        const char *text, const char *file,
                                        pd_error_t err)
{
    slong n = P->ninputs, lineno = 0, nf, alloc = 0, ncols = -1, k, j;
    slong tcol = -1, *gcol = NULL;
    field *f = NULL;
    const char *p = text;
    char *buf = NULL;
    slong bufalloc = 0;
    pd_status_t status = PD_OK;
    char msg[PD_ERROR_MSG_LEN];

    if (file == NULL)
        file = "<oracle>";
    oracle_reset(O);
    O->n = n;
    gcol = flint_malloc(FLINT_MAX(n, 1) * sizeof(slong));
    for (k = 0; k < n; k++)
        gcol[k] = -1;

    while (*p != '\0' && status == PD_OK) {
        const char *nl = strchr(p, '\n');
        slong len = nl ? nl - p : (slong)strlen(p), s = 0;
        const char *line = p;
        p = nl ? nl + 1 : p + len;
        lineno++;
        while (s < len &&
               (line[s] == ' ' || line[s] == '\t' || line[s] == '\r'))
            s++;
        if (s == len || line[s] == '#')
            continue;
        nf = split_fields(&f, &alloc, line, len);
        if (ncols < 0) {
            /* the header */
            ncols = nf;
            for (j = 0; j < nf && status == PD_OK; j++) {
                const char *name = line + f[j].start;
                slong nl2 = f[j].end - f[j].start, in = -1;
                int is_grad = nl2 > 2 && name[0] == 'd' && name[1] == '_';
                if (nl2 == 1 && name[0] == 't') {
                    if (tcol >= 0) {
                        status =
                            line_error(err, file, lineno, f[j].start + 1, line,
                                       len, "column 't' appears twice");
                        break;
                    }
                    tcol = j;
                    continue;
                }
                for (k = 0; k < n; k++) {
                    const char *want = P->input_names[k];
                    slong wl = (slong)strlen(want);
                    if (is_grad && wl == nl2 - 2 &&
                        strncmp(want, name + 2, wl) == 0)
                        in = k;
                    else if (!is_grad && wl == nl2 &&
                             strncmp(want, name, wl) == 0)
                        in = n + k;
                }
                if (in < 0) {
                    snprintf(
                        msg, sizeof(msg),
                        "unknown column '%.*s': expected t, d_NAME for each "
                        "input NAME, or an input name",
                        (int)FLINT_MIN(nl2, 100), name);
                    status = line_error(err, file, lineno, f[j].start + 1, line,
                                        len, msg);
                    break;
                }
                if (in < n) {
                    if (gcol[in] >= 0) {
                        snprintf(msg, sizeof(msg),
                                 "column 'd_%s' appears twice",
                                 P->input_names[in]);
                        status = line_error(err, file, lineno, f[j].start + 1,
                                            line, len, msg);
                        break;
                    }
                    gcol[in] = j;
                }
            }
            if (status != PD_OK)
                break;
            if (tcol < 0) {
                status = line_error(err, file, lineno, 1, line, len,
                                    "the header needs a column 't'");
                break;
            }
            for (k = 0; k < n; k++)
                if (gcol[k] < 0) {
                    snprintf(msg, sizeof(msg),
                             "the header needs a column 'd_%s'",
                             P->input_names[k]);
                    status = line_error(err, file, lineno, 1, line, len, msg);
                    break;
                }
            continue;
        }
        if (nf != ncols) {
            snprintf(msg, sizeof(msg), "%ld fields, the header has %ld",
                     (long)nf, (long)ncols);
            status = line_error(err, file, lineno, 1, line, len, msg);
            break;
        }
        if (O->nrows >= ORACLE_MAX_ROWS) {
            status = pd_error_set(err, PD_ELIMIT, "%s: more than %ld rows",
                                  file, (long)ORACLE_MAX_ROWS);
            break;
        }
        if (O->nrows == O->alloc) {
            O->alloc = FLINT_MAX(16, 2 * O->alloc);
            O->rows = flint_realloc(
                O->rows, O->alloc * sizeof(pd_curve_oracle_row_struct));
        }
        {
            pd_curve_oracle_row_struct *r = O->rows + O->nrows;
            fmpq_init(r->t);
            r->grad = _fmpq_vec_init(FLINT_MAX(n, 1));
            fmpq_init(r->lhs);
            fmpq_init(r->rhs);
            r->line = lineno;
            r->interval = -1;
            r->at_break = 0;
            r->violates = 0;
            O->nrows++;
            for (j = -1; j < n && status == PD_OK; j++) {
                slong c = j < 0 ? tcol : gcol[j], flen, got, bad = 0;
                int code;
                fmpq *dst = j < 0 ? r->t : r->grad + j;
                flen = f[c].end - f[c].start;
                if (flen + 1 > bufalloc) {
                    bufalloc = 2 * (flen + 1);
                    buf = flint_realloc(buf, bufalloc);
                }
                memcpy(buf, line + f[c].start, flen);
                buf[flen] = '\0';
                got = _pd_curve_read_rational(dst, buf, &bad, &code);
                if (got < 0 || got != flen) {
                    snprintf(
                        msg, sizeof(msg),
                        "'%.*s' is not a finite rational or decimal number",
                        (int)FLINT_MIN(flen, 100), buf);
                    status = line_error(err, file, lineno,
                                        f[c].start + 1 + (got < 0 ? bad : got),
                                        line, len, msg);
                }
            }
        }
    }
    if (status == PD_OK && ncols < 0)
        status = pd_error_set_pos(err, PD_EPARSE, file, 0, 0, NULL,
                                  "no header line (t,d_NAME,...)");
    /* A header alone is an error: a check of nothing must not pass. */
    if (status == PD_OK && O->nrows == 0)
        status = pd_error_set_pos(err, PD_EPARSE, file, 0, 0, NULL,
                                  "no data rows after the header");
    flint_free(gcol);
    flint_free(f);
    flint_free(buf);
    if (status != PD_OK)
        oracle_reset(O);
    return status;
}

pd_status_t pd_curve_oracle_read(pd_curve_oracle_t O, const pd_prog_t P,
                                 const char *path, pd_error_t err)
{
    FILE *fp;
    char *text = NULL;
    size_t len = 0, alloc = 0, got;
    pd_status_t status;
    int is_stdin = strcmp(path, "-") == 0;

    if (*path == '\0')
        return pd_error_set(err, PD_EINVAL, "empty oracle file name");
    fp = is_stdin ? stdin : fopen(path, "rb");
    if (fp == NULL)
        return pd_error_set_pos(err, PD_EIO, path, 0, 0, NULL,
                                "cannot open: %s", strerror(errno));
    for (;;) {
        if (len + 4096 + 1 > alloc) {
            alloc = FLINT_MAX(2 * alloc, len + 4096 + 1);
            text = flint_realloc(text, alloc);
        }
        got = fread(text + len, 1, alloc - len - 1, fp);
        len += got;
        if (got == 0)
            break;
        if (len > ORACLE_MAX_BYTES) {
            if (!is_stdin)
                fclose(fp);
            flint_free(text);
            return pd_error_set(err, PD_ELIMIT, "%s: file too large", path);
        }
    }
    if (ferror(fp)) {
        int e = errno;
        if (!is_stdin)
            fclose(fp);
        flint_free(text);
        return pd_error_set_pos(err, PD_EIO, is_stdin ? "<stdin>" : path, 0, 0,
                                NULL, "cannot read: %s", strerror(e));
    }
    if (!is_stdin)
        fclose(fp);
    text[len] = '\0';
    if (strlen(text) != len) {
        /* Position the NUL like any other bad byte. */
        const char *z = text + strlen(text), *ls = text, *q;
        slong line = 1;
        for (q = text; q < z; q++)
            if (*q == '\n') {
                line++;
                ls = q + 1;
            }
        status = line_error(err, is_stdin ? "<stdin>" : path, line,
                            (slong)(z - ls) + 1, ls, (slong)(z - ls),
                            "unexpected NUL byte (is this a text file?)");
        flint_free(text);
        return status;
    }
    status = pd_curve_oracle_read_string(O, P, text, path, err);
    flint_free(text);
    return status;
}

pd_status_t pd_curve_oracle_check(pd_curve_oracle_t O,
                                  const pd_curve_result_t R, const pd_curve_t g,
                                  const fmpq_t tol, pd_error_t err)
{
    slong j, k, n = O->n;
    fmpq_t d, s, scale, lhs, rhs;
    fmpq_poly_t dg;

    if (n != R->n || n != g->n)
        return pd_error_set(err, PD_EINVAL,
                            "oracle, result and curve sizes differ");
    if (fmpq_sgn(tol) < 0)
        return pd_error_set(err, PD_EINVAL, "the tolerance must be >= 0");
    fmpq_set(O->tol, tol);
    O->njudged = O->nviolations = 0;
    fmpq_init(d);
    fmpq_init(s);
    fmpq_init(scale);
    fmpq_init(lhs);
    fmpq_init(rhs);
    fmpq_poly_init(dg);
    for (j = 0; j < O->nrows; j++) {
        pd_curve_oracle_row_struct *r = O->rows + j;
        r->interval = pd_curve_result_locate(R, r->t);
        r->violates = 0;
        if (r->interval < 0) {
            r->at_break =
                fmpq_cmp(r->t, g->a) >= 0 && fmpq_cmp(r->t, g->b) <= 0;
            continue;
        }
        r->at_break = 0;
        O->njudged++;
        fmpq_poly_evaluate_fmpq(lhs, R->intervals[r->interval].df, r->t);
        fmpq_zero(rhs);
        fmpq_one(scale);
        fmpq_zero(s);
        for (k = 0; k < n; k++) {
            fmpq_poly_derivative(dg, g->coord + k);
            fmpq_poly_evaluate_fmpq(d, dg, r->t);
            fmpq_mul(d, d, r->grad + k);
            fmpq_add(rhs, rhs, d);
            fmpq_abs(d, d);
            fmpq_add(s, s, d);
        }
        fmpq_set(r->lhs, lhs);
        fmpq_set(r->rhs, rhs);
        fmpq_abs(d, lhs);
        if (fmpq_cmp(d, scale) > 0)
            fmpq_set(scale, d);
        if (fmpq_cmp(s, scale) > 0)
            fmpq_set(scale, s);
        fmpq_sub(d, lhs, rhs);
        fmpq_abs(d, d);
        fmpq_mul(scale, scale, tol);
        if (fmpq_cmp(d, scale) > 0) {
            r->violates = 1;
            O->nviolations++;
        }
    }
    fmpq_clear(d);
    fmpq_clear(s);
    fmpq_clear(scale);
    fmpq_clear(lhs);
    fmpq_clear(rhs);
    fmpq_poly_clear(dg);
    return PD_OK;
}
