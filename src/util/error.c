/* error.c: the error record; pd_error_set is the single place errors are raised. */
#include "pd-impl.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pd_error_init(pd_error_t err)
{
    pd_error_reset(err);
}

void pd_error_clear(pd_error_t err)
{
    (void) err;
}

void pd_error_reset(pd_error_t err)
{
    memset(err, 0, sizeof(pd_error_struct));
    err->code = PD_OK;
}

static void error_vset(pd_error_t err, pd_status_t code, const char *file,
                       slong line, slong col, const char *text,
                       const char *fmt, va_list ap)
{
    err->code = code;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    err->col = col;
    err->text[0] = '\0';
    err->text_col = 1;
    if (text != NULL) {
        size_t n = strcspn(text, "\n"), cap = sizeof(err->text) - 1, start = 0;
        /* A long line: keep a window with the column in its middle, so the
           caret always points into the text shown. */
        if (n > cap && col > (slong) (cap - cap / 4)) {
            start = (size_t) col - 1 - cap / 2;
            if (start > n - cap)
                start = n - cap;
        }
        if (n - start > cap)
            n = start + cap;
        memcpy(err->text, text + start, n - start);
        err->text[n - start] = '\0';
        err->text_col = (slong) start + 1;
    }
}

pd_status_t pd_error_set(pd_error_t err, pd_status_t code, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL)
        return code;
    va_start(ap, fmt);
    error_vset(err, code, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

pd_status_t pd_error_set_pos(pd_error_t err, pd_status_t code, const char *file,
                             slong line, slong col, const char *text,
                             const char *fmt, ...)
{
    va_list ap;
    if (err == NULL)
        return code;
    va_start(ap, fmt);
    error_vset(err, code, file, line, col, text, fmt, ap);
    va_end(ap);
    return code;
}

const char *pd_status_str(pd_status_t code)
{
    switch (code) {
    case PD_OK: return "ok";
    case PD_EPARSE: return "parse error";
    case PD_EINVAL: return "invalid argument";
    case PD_EDOM: return "domain error";
    case PD_ELIMIT: return "resource limit reached";
    case PD_EUNDECIDED: return "undecided";
    case PD_EIO: return "input/output error";
    case PD_ENOMEM: return "out of memory";
    case PD_EINTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *pd_version(void)
{
    return PACKAGE_VERSION;
}

char *_pd_strdup(const char *s)
{
    char *r;
    size_t n;
    if (s == NULL)
        return NULL;
    n = strlen(s);
    r = flint_malloc(n + 1);
    memcpy(r, s, n + 1);
    return r;
}
