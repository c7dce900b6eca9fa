/* lexer.c: tokens of the .pd language, with line continuation. */
#include "lang-impl.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void _pd_lexer_init(pd_lexer_t *L, const char *src, size_t len,
                    const char *file)
{
    L->src = src;
    L->len = len;
    L->pos = 0;
    L->line = 1;
    L->line_start = 0;
    L->depth = 0;
    L->last = PD_TOK_NEWLINE;
    L->file = file;
}

pd_status_t _pd_lang_error(pd_error_t err, pd_status_t code, const char *src,
                           size_t len, const char *file, slong line, slong col,
                           const char *fmt, ...)
{
    char msg[PD_ERROR_MSG_LEN];
    char *text;
    va_list ap;
    size_t i = 0, n = 0;
    slong l = 1;
    pd_status_t st;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* Find the start of the line (one scan; errors are rare). */
    while (i < len && l < line) {
        if (src[i] == '\n')
            l++;
        i++;
    }
    /* The whole line: the error record keeps the part around col. */
    while (i + n < len && src[i + n] != '\n' && src[i + n] != '\0')
        n++;
    while (n > 0 && src[i + n - 1] == '\r')
        n--;
    text = flint_malloc(n + 1);
    memcpy(text, src + i, n);
    text[n] = '\0';
    st = pd_error_set_pos(err, code, file, line, col, text, "%s", msg);
    flint_free(text);
    return st;
}

/* A newline after one of these continues the statement. */
static int continues(pd_tok_kind_t k)
{
    switch (k) {
    case PD_TOK_PLUS: case PD_TOK_MINUS: case PD_TOK_STAR: case PD_TOK_SLASH:
    case PD_TOK_CARET: case PD_TOK_AT: case PD_TOK_COMMA: case PD_TOK_EQ:
    case PD_TOK_LPAREN: case PD_TOK_LBRACK:
        return 1;
    default:
        return 0;
    }
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(int c)
{
    return is_ident_start(c) || is_digit(c);
}

/* Scan a number at L->pos: digits [. digits] [(e|E) [+-] digits]. */
static pd_status_t lex_number(pd_token_t *t, pd_lexer_t *L, pd_error_t err)
{
    const char *s = L->src;
    size_t p = L->pos, n = L->len;
    slong col = (slong) (L->pos - L->line_start) + 1;

    while (p < n && is_digit((unsigned char) s[p]))
        p++;
    if (p < n && s[p] == '.') {
        p++;
        if (p >= n || !is_digit((unsigned char) s[p]))
            return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line, col,
                                  "bad number '%.*s': expected a digit after '.'",
                                  (int) FLINT_MIN(p - L->pos, 64), s + L->pos);
        while (p < n && is_digit((unsigned char) s[p]))
            p++;
    }
    if (p < n && (s[p] == 'e' || s[p] == 'E')) {
        size_t q = p + 1;
        if (q < n && (s[q] == '+' || s[q] == '-'))
            q++;
        if (q >= n || !is_digit((unsigned char) s[q]))
            return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line, col,
                                  "bad number '%.*s': expected digits in the exponent",
                                  (int) FLINT_MIN(q - L->pos, 64), s + L->pos);
        p = q;
        while (p < n && is_digit((unsigned char) s[p]))
            p++;
    }
    if (p - L->pos > PD_LANG_MAX_LITERAL)
        return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line, col,
                              "number longer than %ld characters",
                              (long) PD_LANG_MAX_LITERAL);
    if (p < n && is_ident_char((unsigned char) s[p]))
        return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line, col,
                              "bad number '%.*s': a number cannot run into a name",
                              (int) FLINT_MIN(p + 1 - L->pos, 64), s + L->pos);
    t->kind = PD_TOK_NUMBER;
    t->start = L->pos;
    t->len = p - L->pos;
    t->line = L->line;
    t->col = col;
    L->pos = p;
    return PD_OK;
}

pd_status_t _pd_lexer_next(pd_token_t *t, pd_lexer_t *L, pd_error_t err)
{
    const char *s = L->src;
    size_t n = L->len;
    pd_status_t status;

    for (;;) {
        int c;
        if (L->pos >= n) {
            t->kind = PD_TOK_EOF;
            t->start = n;
            t->len = 0;
            t->line = L->line;
            t->col = (slong) (n - L->line_start) + 1;
            L->last = PD_TOK_EOF;
            return PD_OK;
        }
        c = (unsigned char) s[L->pos];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            L->pos++;
            continue;
        }
        if (c == '#') {
            while (L->pos < n && s[L->pos] != '\n')
                L->pos++;
            continue;
        }
        if (c == '\n') {
            int keep = (L->depth == 0 && !continues(L->last));
            t->kind = PD_TOK_NEWLINE;
            t->start = L->pos;
            t->len = 1;
            t->line = L->line;
            t->col = (slong) (L->pos - L->line_start) + 1;
            L->pos++;
            L->line++;
            L->line_start = L->pos;
            if (!keep)
                continue;
            L->last = PD_TOK_NEWLINE;
            return PD_OK;
        }
        break;
    }

    {
        int c = (unsigned char) s[L->pos];
        slong col = (slong) (L->pos - L->line_start) + 1;
        pd_tok_kind_t k;

        if (is_digit(c)) {
            status = lex_number(t, L, err);
            if (status == PD_OK)
                L->last = t->kind;
            return status;
        }
        if (is_ident_start(c)) {
            size_t p = L->pos;
            while (p < n && is_ident_char((unsigned char) s[p]))
                p++;
            if (p - L->pos > PD_LANG_MAX_NAME)
                return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line,
                                      col, "name longer than %ld characters",
                                      (long) PD_LANG_MAX_NAME);
            t->kind = PD_TOK_IDENT;
            t->start = L->pos;
            t->len = p - L->pos;
            t->line = L->line;
            t->col = col;
            L->pos = p;
            L->last = t->kind;
            return PD_OK;
        }
        switch (c) {
        case '+': k = PD_TOK_PLUS; break;
        case '-': k = PD_TOK_MINUS; break;
        case '*': k = PD_TOK_STAR; break;
        case '/': k = PD_TOK_SLASH; break;
        case '^': k = PD_TOK_CARET; break;
        case '@': k = PD_TOK_AT; break;
        case '(': k = PD_TOK_LPAREN; break;
        case ')': k = PD_TOK_RPAREN; break;
        case '[': k = PD_TOK_LBRACK; break;
        case ']': k = PD_TOK_RBRACK; break;
        case ',': k = PD_TOK_COMMA; break;
        case '=': k = PD_TOK_EQ; break;
        default:
            if (c == '.' && L->pos + 1 < n && is_digit((unsigned char) s[L->pos + 1]))
                return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line, col,
                                      "bad number: write a digit before '.' (0.5, not .5)");
            if (c >= 0x21 && c < 0x7f)
                return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line, col,
                                      "unexpected character '%c'", c);
            return _pd_lang_error(err, PD_EPARSE, s, n, L->file, L->line, col,
                                  "unexpected byte 0x%02x (only ASCII is allowed outside comments)",
                                  (unsigned) c);
        }
        if (k == PD_TOK_LPAREN || k == PD_TOK_LBRACK)
            L->depth++;
        else if ((k == PD_TOK_RPAREN || k == PD_TOK_RBRACK) && L->depth > 0)
            L->depth--;
        t->kind = k;
        t->start = L->pos;
        t->len = 1;
        t->line = L->line;
        t->col = col;
        L->pos++;
        L->last = k;
        return PD_OK;
    }
}

const char *_pd_token_describe(char *buf, size_t n, const pd_lexer_t *L,
                               const pd_token_t *t)
{
    switch (t->kind) {
    case PD_TOK_EOF:
        snprintf(buf, n, "end of input");
        break;
    case PD_TOK_NEWLINE:
        snprintf(buf, n, "end of line");
        break;
    case PD_TOK_NUMBER:
        snprintf(buf, n, "number '%.*s'", (int) FLINT_MIN(t->len, 40),
                 L->src + t->start);
        break;
    case PD_TOK_IDENT:
        snprintf(buf, n, "name '%.*s'", (int) FLINT_MIN(t->len, 40),
                 L->src + t->start);
        break;
    default:
        snprintf(buf, n, "'%c'", L->src[t->start]);
        break;
    }
    return buf;
}
