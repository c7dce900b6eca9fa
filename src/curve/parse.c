/* parse.c: reading curves: polynomials in t with rational coefficients,
   "x=t, y=3/2*t^2" assignments and "a..b" parameter ranges. */
#include "pathdiff/curve.h"
#include "pd-impl.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The written limits are the program language's (a curve is bad input past
   them, exit 2, as a program is); only the degree a product reaches is a
   size limit (PD_ELIMIT). */
#define POLY_MAX_POW PD_LANG_MAX_POW
#define POLY_MAX_DEGREE 10000
#define NUM_MAX_EXP PD_LANG_MAX_EXP10
#define POLY_MAX_DEPTH PD_LANG_MAX_DEPTH
#define CURVE_STR_(x) #x
#define CURVE_STR(x) CURVE_STR_(x)

/* Invariant: s[pos] is the next unread character; col0 is added to the
   1-based column of every error. */
typedef struct {
    const char *s;
    slong pos;
    slong col0;
    pd_error_struct *err;
} lexer;

static pd_status_t lex_error(lexer *L, pd_status_t code, slong pos,
                             const char *msg)
{
    pd_error_set(L->err, code, "%s", msg);
    if (L->err != NULL)
        L->err->col = L->col0 + pos + 1;
    return code;
}

static void skip_ws(lexer *L)
{
    while (L->s[L->pos] == ' ' || L->s[L->pos] == '\t')
        L->pos++;
}

/* A decimal number at s[pos]: digits [. digits] [e [+-] digits], read
   exactly.  Returns the number of characters read (0 if none). */
static slong read_number(fmpq_t q, const char *s, slong *bad_exp)
{
    slong k = 0, frac = 0, e = 0, esign = 1, mant_digits = 0;
    fmpz_t num, p;
    *bad_exp = 0;
    fmpz_init(num);
    fmpz_init(p);
    while (isdigit((unsigned char)s[k])) {
        fmpz_mul_ui(num, num, 10);
        fmpz_add_ui(num, num, s[k] - '0');
        k++;
        mant_digits++;
    }
    /* a fraction needs digits on both sides of the point ("0.5", not
       ".5"), so that "0...1" is not read as 0..0.1 */
    if (mant_digits > 0 && s[k] == '.' && isdigit((unsigned char)s[k + 1])) {
        k++;
        while (isdigit((unsigned char)s[k])) {
            fmpz_mul_ui(num, num, 10);
            fmpz_add_ui(num, num, s[k] - '0');
            k++;
            frac++;
            mant_digits++;
        }
    }
    if (mant_digits == 0) {
        fmpz_clear(num);
        fmpz_clear(p);
        return 0;
    }
    if ((s[k] == 'e' || s[k] == 'E') &&
        (isdigit((unsigned char)s[k + 1]) ||
         ((s[k + 1] == '+' || s[k + 1] == '-') &&
          isdigit((unsigned char)s[k + 2])))) {
        k++;
        if (s[k] == '+' || s[k] == '-') {
            esign = s[k] == '-' ? -1 : 1;
            k++;
        }
        while (isdigit((unsigned char)s[k])) {
            if (e <= NUM_MAX_EXP)
                e = 10 * e + (s[k] - '0');
            k++;
        }
        if (e > NUM_MAX_EXP)
            *bad_exp = 1;
    }
    e = esign * e - frac;
    if (!*bad_exp) {
        fmpz_ui_pow_ui(p, 10, FLINT_ABS(e));
        if (e >= 0) {
            fmpz_mul(fmpq_numref(q), num, p);
            fmpz_one(fmpq_denref(q));
        } else {
            fmpq_set_fmpz_frac(q, num, p);
        }
    }
    fmpz_clear(num);
    fmpz_clear(p);
    return k;
}

static pd_status_t parse_expr(fmpq_poly_t r, lexer *L, int depth);

static pd_status_t parse_atom(fmpq_poly_t r, lexer *L, int depth)
{
    pd_status_t status;
    slong n, bad;
    fmpq_t q;
    const char *c;

    skip_ws(L);
    c = L->s + L->pos;
    if (*c == '(') {
        slong open = L->pos;
        if (depth > POLY_MAX_DEPTH)
            return lex_error(L, PD_EPARSE, L->pos,
                             "expression nested deeper than "
                             CURVE_STR(POLY_MAX_DEPTH) " levels");
        L->pos++;
        status = parse_expr(r, L, depth + 1);
        if (status != PD_OK)
            return status;
        skip_ws(L);
        if (L->s[L->pos] != ')')
            return lex_error(L, PD_EPARSE, L->s[L->pos] ? L->pos : open,
                             L->s[L->pos] ? "expected ')'" : "unclosed '('");
        L->pos++;
        return PD_OK;
    }
    if (*c == 't' && !isalnum((unsigned char)c[1]) && c[1] != '_') {
        fmpq_poly_zero(r);
        fmpq_poly_set_coeff_si(r, 1, 1);
        L->pos++;
        return PD_OK;
    }
    fmpq_init(q);
    n = read_number(q, c, &bad);
    if (n > 0 && bad) {
        fmpq_clear(q);
        return lex_error(L, PD_EPARSE, L->pos,
                         "bad number: the exponent must lie within +-"
                         CURVE_STR(NUM_MAX_EXP));
    }
    if (n > 0) {
        fmpq_poly_set_fmpq(r, q);
        fmpq_clear(q);
        L->pos += n;
        return PD_OK;
    }
    fmpq_clear(q);
    if (*c == '\0')
        return lex_error(L, PD_EPARSE, L->pos,
                         "expected a number, t or '(' at the end");
    if (isalpha((unsigned char)*c) || *c == '_')
        return lex_error(
            L, PD_EPARSE, L->pos,
            "unknown name: a curve coordinate is a polynomial in t");
    return lex_error(L, PD_EPARSE, L->pos, "expected a number, t or '('");
}

static pd_status_t parse_power(fmpq_poly_t r, lexer *L, int depth)
{
    pd_status_t status = parse_atom(r, L, depth);
    slong at, k, e;
    if (status != PD_OK)
        return status;
    skip_ws(L);
    if (L->s[L->pos] != '^')
        return PD_OK;
    L->pos++;
    skip_ws(L);
    at = L->pos;
    if (!isdigit((unsigned char)L->s[at]))
        return lex_error(L, PD_EPARSE, at,
                         "expected a natural number after '^'");
    e = 0;
    for (k = at; isdigit((unsigned char)L->s[k]); k++) {
        e = 10 * e + (L->s[k] - '0');
        if (e > POLY_MAX_POW)
            return lex_error(L, PD_EPARSE, at,
                             "exponent larger than " CURVE_STR(POLY_MAX_POW));
    }
    if (L->s[k] == '.' || L->s[k] == '/')
        return lex_error(L, PD_EPARSE, at,
                         "expected a natural number after '^'");
    if (fmpq_poly_degree(r) * e > POLY_MAX_DEGREE)
        return lex_error(L, PD_ELIMIT, at, "polynomial degree larger than " CURVE_STR(POLY_MAX_DEGREE));
    L->pos = k;
    fmpq_poly_pow(r, r, (ulong)e);
    skip_ws(L);
    if (L->s[L->pos] == '^')
        return lex_error(L, PD_EPARSE, L->pos,
                         "write (a^b)^c with parentheses");
    return PD_OK;
}

static pd_status_t parse_unary(fmpq_poly_t r, lexer *L, int depth)
{
    pd_status_t status;
    skip_ws(L);
    if (L->s[L->pos] == '-' || L->s[L->pos] == '+') {
        int neg = L->s[L->pos] == '-';
        if (depth > POLY_MAX_DEPTH)
            return lex_error(L, PD_EPARSE, L->pos,
                             "expression nested deeper than "
                             CURVE_STR(POLY_MAX_DEPTH) " levels");
        L->pos++;
        status = parse_unary(r, L, depth + 1);
        if (status == PD_OK && neg)
            fmpq_poly_neg(r, r);
        return status;
    }
    return parse_power(r, L, depth);
}

static pd_status_t parse_term(fmpq_poly_t r, lexer *L, int depth)
{
    pd_status_t status = parse_unary(r, L, depth);
    fmpq_poly_t s;
    if (status != PD_OK)
        return status;
    fmpq_poly_init(s);
    for (;;) {
        char op;
        slong at;
        skip_ws(L);
        op = L->s[L->pos];
        if (op != '*' && op != '/')
            break;
        L->pos++;
        skip_ws(L);
        at = L->pos;
        status = parse_unary(s, L, depth);
        if (status != PD_OK)
            break;
        if (op == '*') {
            if (fmpq_poly_degree(r) + fmpq_poly_degree(s) > POLY_MAX_DEGREE) {
                status =
                    lex_error(L, PD_ELIMIT, at, "polynomial degree larger than " CURVE_STR(POLY_MAX_DEGREE));
                break;
            }
            fmpq_poly_mul(r, r, s);
        } else {
            if (fmpq_poly_degree(s) > 0) {
                status = lex_error(
                    L, PD_EPARSE, at,
                    "division by a non-constant (only by a rational number)");
                break;
            }
            if (fmpq_poly_is_zero(s)) {
                status = lex_error(L, PD_EDOM, at, "division by zero");
                break;
            }
            {
                fmpq_t c;
                fmpq_init(c);
                fmpq_poly_get_coeff_fmpq(c, s, 0);
                fmpq_poly_scalar_div_fmpq(r, r, c);
                fmpq_clear(c);
            }
        }
    }
    fmpq_poly_clear(s);
    return status;
}

static pd_status_t parse_expr(fmpq_poly_t r, lexer *L, int depth)
{
    pd_status_t status = parse_term(r, L, depth);
    fmpq_poly_t s;
    if (status != PD_OK)
        return status;
    fmpq_poly_init(s);
    for (;;) {
        char op;
        skip_ws(L);
        op = L->s[L->pos];
        if (op != '+' && op != '-')
            break;
        L->pos++;
        status = parse_term(s, L, depth);
        if (status != PD_OK)
            break;
        if (op == '+')
            fmpq_poly_add(r, r, s);
        else
            fmpq_poly_sub(r, r, s);
    }
    fmpq_poly_clear(s);
    return status;
}

pd_status_t pd_curve_poly_parse(fmpq_poly_t p, const char *s, slong col0,
                                pd_error_t err)
{
    lexer L;
    pd_status_t status;
    fmpq_poly_t r;

    L.s = s;
    L.pos = 0;
    L.col0 = col0;
    L.err = err;
    fmpq_poly_init(r);
    skip_ws(&L);
    if (s[L.pos] == '\0') {
        status = lex_error(&L, PD_EPARSE, L.pos, "expected a polynomial in t");
        goto cleanup;
    }
    status = parse_expr(r, &L, 0);
    if (status != PD_OK)
        goto cleanup;
    skip_ws(&L);
    if (s[L.pos] != '\0') {
        status = lex_error(&L, PD_EPARSE, L.pos,
                           s[L.pos] == ')' ? "unmatched ')'"
                                           : "unexpected character");
        goto cleanup;
    }
    fmpq_poly_swap(p, r);
cleanup:
    fmpq_poly_clear(r);
    return status;
}

/* Give err the spec as source text (file, line 1) for the caret. */
static pd_status_t with_source(pd_error_t err, pd_status_t code,
                               const char *file, const char *spec)
{
    if (err != NULL && err->code != PD_OK) {
        slong col = err->col;
        char msg[PD_ERROR_MSG_LEN];
        memcpy(msg, err->msg, sizeof(msg));
        pd_error_set_pos(err, code, file, 1, col, spec, "%s", msg);
    }
    return code;
}

/* A --curve error at 1-based column col, with the spec as source text. */
static pd_status_t spec_error(pd_error_t err, slong col, const char *spec,
                              const char *fmt, ...)
{
    char msg[PD_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pd_error_set_pos(err, PD_EPARSE, "--curve", 1, col, spec, "%s", msg);
}

/* Is name an input name character? (names such as x[1] for vectors) */
static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '[' || c == ']';
}

pd_status_t pd_curve_parse(pd_curve_t g, const pd_prog_t P, const char *spec,
                           pd_error_t err)
{
    pd_status_t status = PD_OK;
    slong n = P->ninputs, pos = 0, item = 0, k, len = (slong)strlen(spec);
    int *seen = NULL;
    int named = -1;
    char *buf = NULL;
    fmpq_poly_t p;

    if (g->n != n)
        return pd_error_set(err, PD_EINVAL,
                            "curve has %ld coordinates, the program %ld inputs",
                            (long)g->n, (long)n);
    fmpq_poly_init(p);
    seen = flint_calloc(n + 1, sizeof(int));
    buf = flint_malloc(len + 1);
    for (;;) {
        slong start, end, eq = -1, name_lo, name_hi, input = -1, j;
        /* one item: up to the next comma at depth 0 */
        start = pos;
        {
            int depth = 0;
            for (end = pos; spec[end] != '\0'; end++) {
                if (spec[end] == '(')
                    depth++;
                else if (spec[end] == ')')
                    depth--;
                else if (spec[end] == ',' && depth <= 0)
                    break;
                else if (spec[end] == '=' && eq < 0)
                    eq = end;
            }
        }
        if (named < 0)
            named = eq >= 0;
        if ((eq >= 0) != named) {
            k = start;
            while (spec[k] == ' ' || spec[k] == '\t')
                k++;
            status = spec_error(err, k + 1, spec,
                                named ? "expected name=polynomial"
                                      : "either name every coordinate or none");
            goto cleanup;
        }
        if (named) {
            name_lo = start;
            while (spec[name_lo] == ' ' || spec[name_lo] == '\t')
                name_lo++;
            name_hi = name_lo;
            while (name_hi < eq && name_char(spec[name_hi]))
                name_hi++;
            k = name_hi;
            while (k < eq && (spec[k] == ' ' || spec[k] == '\t'))
                k++;
            if (name_hi == name_lo || k != eq) {
                status = spec_error(err, (name_hi == name_lo ? name_lo : k) + 1,
                                    spec, "expected an input name before '='");
                goto cleanup;
            }
            for (j = 0; j < n; j++)
                if ((slong)strlen(P->input_names[j]) == name_hi - name_lo &&
                    strncmp(P->input_names[j], spec + name_lo,
                            name_hi - name_lo) == 0)
                    input = j;
            if (input < 0) {
                status = spec_error(err, name_lo + 1, spec,
                                    "'%.*s' is not an input of the program",
                                    (int)(name_hi - name_lo), spec + name_lo);
                goto cleanup;
            }
            if (seen[input]) {
                status = spec_error(err, name_lo + 1, spec,
                                    "input '%s' is given twice",
                                    P->input_names[input]);
                goto cleanup;
            }
            start = eq + 1;
        } else {
            input = item;
            if (input >= n) {
                k = start;
                while (spec[k] == ' ' || spec[k] == '\t')
                    k++;
                status =
                    spec_error(err, k + 1, spec,
                               "more coordinates than inputs (%ld)", (long)n);
                goto cleanup;
            }
        }
        memcpy(buf, spec + start, end - start);
        buf[end - start] = '\0';
        status = pd_curve_poly_parse(p, buf, start, err);
        if (status != PD_OK) {
            status = with_source(err, status, "--curve", spec);
            goto cleanup;
        }
        fmpq_poly_swap(g->coord + input, p);
        seen[input] = 1;
        item++;
        if (spec[end] == '\0')
            break;
        pos = end + 1;
    }
    for (k = 0; k < n; k++)
        if (!seen[k]) {
            status = spec_error(err, len + 1, spec,
                                "input '%s' has no coordinate on the curve",
                                P->input_names[k]);
            goto cleanup;
        }
cleanup:
    flint_free(seen);
    flint_free(buf);
    fmpq_poly_clear(p);
    return status;
}

slong _pd_curve_read_rational(fmpq_t q, const char *s, slong *bad_at, int *code)
{
    slong k = 0, n, bad;
    int neg = 0;
    fmpq_t d;
    *code = PD_OK;
    while (s[k] == ' ')
        k++;
    if (s[k] == '-' || s[k] == '+') {
        neg = s[k] == '-';
        k++;
    }
    n = read_number(q, s + k, &bad);
    if (n == 0 || bad) {
        *bad_at = k;
        *code = n == 0 ? PD_EPARSE : PD_ELIMIT;
        return -1;
    }
    k += n;
    if (s[k] == '/') {
        fmpq_init(d);
        n = read_number(d, s + k + 1, &bad);
        if (n == 0 || bad) {
            fmpq_clear(d);
            *bad_at = k + 1;
            *code = n == 0 ? PD_EPARSE : PD_ELIMIT;
            return -1;
        }
        if (fmpq_is_zero(d)) {
            fmpq_clear(d);
            *bad_at = k + 1;
            *code = PD_EDOM;
            return -1;
        }
        fmpq_div(q, q, d);
        fmpq_clear(d);
        k += n + 1;
    }
    if (neg)
        fmpq_neg(q, q);
    while (s[k] == ' ')
        k++;
    return k;
}

pd_status_t pd_curve_parse_range(pd_curve_t g, const char *spec, pd_error_t err)
{
    fmpq_t a, b;
    slong k, m, bad = 0;
    int code;
    pd_status_t status = PD_OK;
    const char *what = "";

    fmpq_init(a);
    fmpq_init(b);
    k = _pd_curve_read_rational(a, spec, &bad, &code);
    if (k < 0) {
        what = "expected a rational number before '..'";
        goto fail;
    }
    if (spec[k] != '.' || spec[k + 1] != '.') {
        bad = k;
        code = PD_EPARSE;
        what = "expected '..' between the two ends (e.g. 0..1)";
        goto fail;
    }
    k += 2;
    m = _pd_curve_read_rational(b, spec + k, &bad, &code);
    if (m < 0) {
        bad += k;
        what = "expected a rational number after '..'";
        goto fail;
    }
    if (spec[k + m] != '\0') {
        bad = k + m;
        code = PD_EPARSE;
        what = "unexpected character after the range";
        goto fail;
    }
    status = pd_curve_set_range(g, a, b, err);
    goto cleanup;
fail:
    if (code == PD_EDOM)
        what = "division by zero";
    else if (code == PD_ELIMIT) {
        /* _pd_curve_read_rational's signal for an exponent out of range:
           bad input, like the same number in a program */
        code = PD_EPARSE;
        what = "bad number: the exponent must lie within +-"
               CURVE_STR(NUM_MAX_EXP);
    }
    status = pd_error_set_pos(err, code, "--on", 1, bad + 1, spec, "%s", what);
cleanup:
    fmpq_clear(a);
    fmpq_clear(b);
    return status;
}

char *pd_curve_poly_get_str(const fmpq_poly_t p, const char *var)
{
    slong d = fmpq_poly_degree(p), k, pos = 0, alloc = 64;
    char *out = flint_malloc(alloc);
    fmpq_t c;
    int first = 1;

    out[0] = '\0';
    if (d < 0) {
        strcpy(out, "0");
        return out;
    }
    fmpq_init(c);
    for (k = d; k >= 0; k--) {
        char *cs;
        char pw[48];
        slong need;
        fmpq_poly_get_coeff_fmpq(c, p, k);
        if (fmpq_is_zero(c))
            continue;
        if (first && fmpq_sgn(c) < 0) {
            out[pos++] = '-';
        } else if (!first) {
            memcpy(out + pos, fmpq_sgn(c) < 0 ? " - " : " + ", 3);
            pos += 3;
        }
        fmpq_abs(c, c);
        cs = fmpq_get_str(NULL, 10, c);
        if (k == 0)
            pw[0] = '\0';
        else if (k == 1)
            flint_sprintf(pw, "%s", var);
        else
            flint_sprintf(pw, "%s^%wd", var, k);
        need = pos + (slong)strlen(cs) + (slong)strlen(pw) + 8;
        if (need > alloc) {
            alloc = 2 * need;
            out = flint_realloc(out, alloc);
        }
        if (k == 0) {
            pos += flint_sprintf(out + pos, "%s", cs);
        } else if (fmpq_is_one(c)) {
            pos += flint_sprintf(out + pos, "%s", pw);
        } else {
            pos += flint_sprintf(out + pos, "%s*%s", cs, pw);
        }
        out[pos] = '\0';
        flint_free(cs);
        first = 0;
        if (pos + 8 > alloc) {
            alloc *= 2;
            out = flint_realloc(out, alloc);
        }
    }
    fmpq_clear(c);
    return out;
}
