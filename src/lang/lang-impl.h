/* lang-impl.h: private interface of the language layer: the lexer, exact
   decimal scanning and the error helper shared by parse.c, number.c and
   point.c. */
#ifndef PD_LANG_IMPL_H
#define PD_LANG_IMPL_H

#include "pd-impl.h"

/* Token kinds.  NEWLINE ends a statement; the lexer drops newlines inside
   brackets and after a token that cannot end an expression (a binary
   operator, ',', '='), which is how a statement continues on the next
   line. */
typedef enum {
    PD_TOK_EOF = 0,
    PD_TOK_NEWLINE,
    PD_TOK_NUMBER,
    PD_TOK_IDENT,
    PD_TOK_PLUS,
    PD_TOK_MINUS,
    PD_TOK_STAR,
    PD_TOK_SLASH,
    PD_TOK_CARET,
    PD_TOK_AT,
    PD_TOK_LPAREN,
    PD_TOK_RPAREN,
    PD_TOK_LBRACK,
    PD_TOK_RBRACK,
    PD_TOK_COMMA,
    PD_TOK_EQ
} pd_tok_kind_t;

/* One token: src[start, start + len) written at line:col (1-based; col
   counts bytes). */
typedef struct {
    pd_tok_kind_t kind;
    size_t start, len;
    slong line, col;
} pd_token_t;

/* Lexer state over src[0, len).  Invariant: pos <= len; line_start is the
   offset of the first byte of line `line`; depth counts open brackets
   (never negative); last is the kind of the last token returned. */
typedef struct {
    const char *src;
    size_t len, pos;
    slong line;
    size_t line_start;
    slong depth;
    pd_tok_kind_t last;
    const char *file;
} pd_lexer_t;

void _pd_lexer_init(pd_lexer_t *L, const char *src, size_t len,
                    const char *file);

/* Next token into *t.  PD_EPARSE (with position) on a character that
   starts no token or a malformed or over-long number or name. */
pd_status_t _pd_lexer_next(pd_token_t *t, pd_lexer_t *L, pd_error_t err);

/* "'+'", "name 'x'", "number '3'", "end of line", "end of input": for
   messages.  Writes into buf (size n) and returns buf. */
const char *_pd_token_describe(char *buf, size_t n, const pd_lexer_t *L,
                               const pd_token_t *t);

/* Raise PD_EPARSE (or code) at line:col of src, copying that source line
   (without a trailing '\r') into the error record. */
pd_status_t _pd_lang_error(pd_error_t err, pd_status_t code, const char *src,
                           size_t len, const char *file, slong line, slong col,
                           const char *fmt, ...) PD_PRINTF(8, 9);

/* Exact value of the unsigned decimal s[0, len): digits, an optional
   fraction, an optional exponent e[+-]digits.  When loose, "5." and ".5"
   are accepted too.  Returns 0 on success, 1 on bad syntax (*why set to a
   static message), 2 when out of range, with q = 0 and *huge = +1 (too
   large) or -1 (too small): without float_range, out of range means a
   written exponent beyond +-PD_LANG_MAX_EXP10; with float_range, a value
   of at least 10^400 (overflows binary32 and binary64) or below 10^-400
   (rounds to 0 in both), whatever the exponent. */
int _pd_decimal_scan(fmpq_t q, const char *s, size_t len, int loose,
                     int float_range, int *huge, const char **why);

#endif
