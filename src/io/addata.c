/* addata.c: reading AD output files (CSV with a header, JSON lines) into
   exact points and gradients, with file:line:col errors. */
#include "pd-impl.h"
#include "pathdiff/io.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pd_addata_init(pd_addata_t D, slong n)
{
    D->n = n;
    D->nrows = 0;
    D->alloc = 0;
    D->x = NULL;
    D->grad = NULL;
    D->line = NULL;
}

void pd_addata_clear(pd_addata_t D)
{
    _fmpq_vec_clear(D->x, D->alloc * D->n);
    _fmpq_vec_clear(D->grad, D->alloc * D->n);
    flint_free(D->line);
}

static void _reset(pd_addata_t D)
{
    D->nrows = 0;
}

/* Room for one more row; returns its index. */
static slong _add_row(pd_addata_t D, slong line)
{
    if (D->nrows == D->alloc) {
        slong na = 2 * D->alloc + 16, k;
        D->x = flint_realloc(D->x, (na * D->n + 1) * sizeof(fmpq));
        D->grad = flint_realloc(D->grad, (na * D->n + 1) * sizeof(fmpq));
        for (k = D->alloc * D->n; k < na * D->n; k++) {
            fmpq_init(D->x + k);
            fmpq_init(D->grad + k);
        }
        D->line = flint_realloc(D->line, (na + 1) * sizeof(slong));
        D->alloc = na;
    }
    D->line[D->nrows] = line;
    return D->nrows++;
}

/* A reader over the text: the current line's start, number and the
   position, for messages. */
typedef struct {
    const char *text, *file;
    const char *lstart;
    slong line;
    pd_points_t mode;
    pd_error_struct *err;
} _rd;

static pd_status_t _err_at(_rd *r, const char *at, pd_status_t code,
                           const char *msg, const char *arg)
{
    char buf[PD_ERROR_MSG_LEN];
    snprintf(buf, sizeof buf, msg, arg);
    return pd_error_set_pos(r->err, code, r->file ? r->file : "<input>",
                            r->line, (slong) (at - r->lstart) + 1, r->lstart,
                            "%s", buf);
}

/* Parse the value in s[0..len) (copied, trimmed) at position at. */
static pd_status_t _value(fmpq_t q, _rd *r, const char *s, size_t len)
{
    char *buf;
    pd_error_t e2;
    pd_status_t st;
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'
                       || s[len - 1] == '\r'))
        len--;
    if (len == 0)
        return _err_at(r, s, PD_EPARSE, "missing value%s", "");
    {
        /* Name a stray byte rather than echo it (it may be invalid UTF-8
           or a control character). */
        size_t i;
        for (i = 0; i < len; i++) {
            unsigned char c = (unsigned char) s[i];
            if (c < 0x20 || c >= 0x7f) {
                char hex[8];
                snprintf(hex, sizeof hex, "0x%02x", (unsigned) c);
                return _err_at(r, s + i, PD_EPARSE,
                               "unexpected byte %s in a value (expected a "
                               "decimal or rational number)", hex);
            }
        }
    }
    buf = flint_malloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    pd_error_init(e2);
    st = pd_number_parse(q, buf, r->mode, e2);
    if (st != PD_OK) {
        char msg[PD_ERROR_MSG_LEN];
        snprintf(msg, sizeof msg, "bad value '%.64s': %.400s", buf, e2->msg);
        st = _err_at(r, s, st == PD_EDOM ? PD_EDOM : PD_EPARSE, "%s", msg);
    }
    flint_free(buf);
    return st;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                */

static pd_status_t _csv(pd_addata_t D, const pd_prog_t P, _rd *r)
{
    slong n = P->ninputs, ncol = 0, k, *col = NULL;
    const char *p = r->text;
    int have_header = 0;
    pd_status_t st = PD_OK;

    /* col[c] = k (input k) or n + k (gradient k) */
    col = flint_malloc((2 * n + 1) * sizeof(slong));
    while (*p != '\0') {
        const char *eol = p + strcspn(p, "\n");
        const char *q = p;
        r->lstart = p;
        r->line++;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == eol || *q == '#') {
            p = *eol ? eol + 1 : eol;
            continue;
        }
        if (!have_header) {
            int *seen = flint_calloc(2 * n + 1, sizeof(int));
            const char *f = p;
            have_header = 1;
            while (1) {
                const char *e = f;
                const char *a, *b;
                size_t len;
                slong which = -1;
                while (e < eol && *e != ',')
                    e++;
                a = f;
                b = e;
                while (a < b && (*a == ' ' || *a == '\t'))
                    a++;
                while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
                    b--;
                len = (size_t) (b - a);
                for (k = 0; k < n && which < 0; k++) {
                    const char *nm = P->input_names[k];
                    if (strlen(nm) == len && !strncmp(a, nm, len))
                        which = k;
                    else if (len == strlen(nm) + 2 && !strncmp(a, "d_", 2)
                             && !strncmp(a + 2, nm, len - 2))
                        which = n + k;
                }
                if (which < 0 || seen[which] || ncol >= 2 * n) {
                    char *name = flint_malloc(len + 1);
                    memcpy(name, a, len);
                    name[len] = '\0';
                    st = _err_at(r, a, PD_EPARSE,
                                 which < 0 ? "unknown column '%s' (expected the "
                                 "input names and d_<input> for each)"
                                 : "column '%s' given twice", name);
                    flint_free(name);
                    flint_free(seen);
                    goto cleanup;
                }
                seen[which] = 1;
                col[ncol++] = which;
                if (e == eol)
                    break;
                f = e + 1;
            }
            for (k = 0; k < 2 * n; k++)
                if (!seen[k]) {
                    char buf[300];
                    snprintf(buf, sizeof buf, "%s%s", k < n ? "" : "d_",
                             P->input_names[k % n]);
                    st = _err_at(r, p, PD_EPARSE, "missing column '%s'", buf);
                    flint_free(seen);
                    goto cleanup;
                }
            flint_free(seen);
        } else {
            slong row = _add_row(D, r->line), c = 0;
            const char *f = p;
            while (1) {
                const char *e = f;
                while (e < eol && *e != ',')
                    e++;
                if (c >= ncol) {
                    st = _err_at(r, f, PD_EPARSE,
                                 "too many fields (the header has %s)", "fewer");
                    goto cleanup;
                }
                {
                    slong w = col[c];
                    fmpq *dst = w < n ? D->x + row * n + w
                                      : D->grad + row * n + (w - n);
                    st = _value(dst, r, f, (size_t) (e - f));
                    if (st != PD_OK)
                        goto cleanup;
                }
                c++;
                if (e == eol)
                    break;
                f = e + 1;
            }
            if (c < ncol) {
                st = _err_at(r, eol, PD_EPARSE,
                             "too few fields (the header has more%s)", "");
                goto cleanup;
            }
        }
        p = *eol ? eol + 1 : eol;
    }
    if (!have_header)
        st = pd_error_set(r->err, PD_EPARSE, "%s: no header line",
                          r->file ? r->file : "<input>");
cleanup:
    flint_free(col);
    return st;
}

/* ------------------------------------------------------------------ */
/* JSON lines                                                         */

static const char *_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return s;
}

/* Skip one JSON value (for ignored keys); NULL on malformed text. */
static const char *_skip(const char *s, const char *eol, int depth)
{
    s = _ws(s);
    if (s >= eol || depth > 64)
        return NULL;
    if (*s == '"') {
        for (s++; s < eol && *s != '"'; s++)
            if (*s == '\\')
                s++;
        return s < eol ? s + 1 : NULL;
    }
    if (*s == '[' || *s == '{') {
        char close = *s == '[' ? ']' : '}';
        s = _ws(s + 1);
        if (s < eol && *s == close)
            return s + 1;
        while (s && s < eol) {
            if (close == '}') {
                s = _skip(s, eol, depth + 1);       /* key */
                if (!s)
                    return NULL;
                s = _ws(s);
                if (s >= eol || *s != ':')
                    return NULL;
                s++;
            }
            s = _skip(s, eol, depth + 1);
            if (!s)
                return NULL;
            s = _ws(s);
            if (s < eol && *s == ',') {
                s++;
                continue;
            }
            if (s < eol && *s == close)
                return s + 1;
            return NULL;
        }
        return NULL;
    }
    while (s < eol && *s != ',' && *s != ']' && *s != '}' && *s != ' ')
        s++;
    return s;
}

/* An array of n numbers (or numeric strings) into dst. */
static pd_status_t _jarray(fmpq *dst, slong n, _rd *r, const char **ps,
                           const char *eol, const char *key)
{
    const char *s = _ws(*ps), *start = s;
    slong k = 0;
    pd_status_t st;
    if (s >= eol || *s != '[')
        return _err_at(r, s, PD_EPARSE, "expected an array for \"%s\"", key);
    s = _ws(s + 1);
    if (s < eol && *s == ']') {
        s++;
    } else {
        while (1) {
            const char *a = _ws(s), *b;
            if (a < eol && *a == '"') {
                b = a + 1;
                while (b < eol && *b != '"')
                    b++;
                if (b >= eol)
                    return _err_at(r, a, PD_EPARSE, "unterminated string%s", "");
                if (k < n && (st = _value(dst + k, r, a + 1, (size_t) (b - a - 1))) != PD_OK)
                    return st;
                b++;
            } else {
                b = a;
                while (b < eol && *b != ',' && *b != ']' && *b != ' ')
                    b++;
                if (k < n && (st = _value(dst + k, r, a, (size_t) (b - a))) != PD_OK)
                    return st;
            }
            k++;
            s = _ws(b);
            if (s < eol && *s == ',') {
                s++;
                continue;
            }
            if (s < eol && *s == ']') {
                s++;
                break;
            }
            return _err_at(r, s, PD_EPARSE, "expected ',' or ']' in \"%s\"", key);
        }
    }
    if (k != n) {
        char msg[128];
        snprintf(msg, sizeof msg, "\"%s\" has %ld values, the program has %ld inputs",
                 key, (long) k, (long) n);
        return _err_at(r, start, PD_EPARSE, "%s", msg);
    }
    *ps = s;
    return PD_OK;
}

static pd_status_t _jsonl(pd_addata_t D, const pd_prog_t P, _rd *r)
{
    slong n = P->ninputs;
    const char *p = r->text;
    pd_status_t st;
    while (*p != '\0') {
        const char *eol = p + strcspn(p, "\n");
        const char *s;
        int hx = 0, hg = 0;
        slong row;
        r->lstart = p;
        r->line++;
        s = _ws(p);
        if (s == eol) {
            p = *eol ? eol + 1 : eol;
            continue;
        }
        if (*s != '{')
            return _err_at(r, s, PD_EPARSE, "expected a JSON object%s", "");
        row = _add_row(D, r->line);
        s = _ws(s + 1);
        while (s < eol && *s != '}') {
            const char *k0, *k1;
            if (*s != '"')
                return _err_at(r, s, PD_EPARSE, "expected a key%s", "");
            k0 = s + 1;
            k1 = k0;
            while (k1 < eol && *k1 != '"')
                k1++;
            if (k1 >= eol)
                return _err_at(r, s, PD_EPARSE, "unterminated key%s", "");
            s = _ws(k1 + 1);
            if (s >= eol || *s != ':')
                return _err_at(r, s, PD_EPARSE, "expected ':'%s", "");
            s++;
            if ((k1 - k0 == 1 && *k0 == 'x' && hx)
                || (k1 - k0 == 4 && !strncmp(k0, "grad", 4) && hg))
                return _err_at(r, k0 - 1, PD_EPARSE, "key \"%s\" given twice",
                               hx && *k0 == 'x' ? "x" : "grad");
            if (k1 - k0 == 1 && *k0 == 'x') {
                if ((st = _jarray(D->x + row * n, n, r, &s, eol, "x")) != PD_OK)
                    return st;
                hx = 1;
            } else if (k1 - k0 == 4 && !strncmp(k0, "grad", 4)) {
                if ((st = _jarray(D->grad + row * n, n, r, &s, eol, "grad")) != PD_OK)
                    return st;
                hg = 1;
            } else {
                const char *e = _skip(s, eol, 0);
                if (e == NULL)
                    return _err_at(r, s, PD_EPARSE, "malformed JSON value%s", "");
                s = e;
            }
            s = _ws(s);
            if (s < eol && *s == ',')
                s = _ws(s + 1);
            else if (s < eol && *s != '}')
                return _err_at(r, s, PD_EPARSE, "expected ',' or '}'%s", "");
        }
        if (s >= eol)
            return _err_at(r, eol, PD_EPARSE, "unterminated object%s", "");
        if (!hx || !hg)
            return _err_at(r, p, PD_EPARSE, "missing key \"%s\"", hx ? "grad" : "x");
        s = _ws(s + 1);
        if (s != eol)
            return _err_at(r, s, PD_EPARSE, "text after the object%s", "");
        p = *eol ? eol + 1 : eol;
    }
    return PD_OK;
}

pd_status_t pd_addata_read_string(pd_addata_t D, const pd_prog_t P,
                                  const char *text, const char *file,
                                  pd_points_t mode, pd_error_t err)
{
    _rd r;
    const char *s = text;
    pd_status_t st;
    if (D->n != P->ninputs)
        return pd_error_set(err, PD_EINVAL,
                            "data sized for %ld inputs, the program has %ld",
                            (long) D->n, (long) P->ninputs);
    _reset(D);
    r.text = text;
    r.file = file;
    r.lstart = text;
    r.line = 0;
    r.mode = mode;
    r.err = err;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    st = *s == '{' ? _jsonl(D, P, &r) : _csv(D, P, &r);
    /* A header and nothing else is an error, not an empty verdict list: a
       run that checks nothing must not pass for one that checked. */
    if (st == PD_OK && D->nrows == 0)
        st = pd_error_set_pos(err, PD_EPARSE, file ? file : "<input>", 0, 0,
                              NULL, "no data rows after the header");
    return st;
}

pd_status_t pd_addata_read_file(pd_addata_t D, const pd_prog_t P,
                                const char *path, pd_points_t mode,
                                pd_error_t err)
{
    FILE *f;
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    pd_status_t st;
    int is_stdin = !strcmp(path, "-");
    if (*path == '\0')
        return pd_error_set(err, PD_EINVAL, "empty data file name");
    errno = 0;
    f = is_stdin ? stdin : fopen(path, "rb");
    if (f == NULL)
        return pd_error_set_pos(err, PD_EIO, path, 0, 0, NULL,
                                "cannot open: %s", strerror(errno));
    do {
        if (cap - len < 4096) {
            cap = 2 * cap + 65536;
            buf = flint_realloc(buf, cap);
        }
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    if (ferror(f)) {
        int e = errno;
        if (!is_stdin)
            fclose(f);
        flint_free(buf);
        return pd_error_set_pos(err, PD_EIO, is_stdin ? "<stdin>" : path, 0, 0,
                                NULL, "cannot read: %s", strerror(e));
    }
    if (!is_stdin)
        fclose(f);
    buf[len] = '\0';
    if (strlen(buf) != len) {
        /* Position the NUL like any other bad byte. */
        const char *z = buf + strlen(buf), *ls = buf;
        slong line = 1;
        const char *q;
        for (q = buf; q < z; q++)
            if (*q == '\n') {
                line++;
                ls = q + 1;
            }
        st = pd_error_set_pos(err, PD_EPARSE, is_stdin ? "<stdin>" : path,
                              line, (slong) (z - ls) + 1, ls,
                              "unexpected NUL byte (is this a text file?)");
        flint_free(buf);
        return st;
    }
    st = pd_addata_read_string(D, P, buf, is_stdin ? "<stdin>" : path, mode, err);
    flint_free(buf);
    return st;
}
