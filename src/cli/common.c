/* common.c: error printing, exit statuses and loading shared by the commands. */
#include "cli.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void pd_cli_print_error(const pd_error_t err)
{
    if (err->line > 0) {
        fprintf(stderr, "%s:%ld:%ld: %s\n", err->file[0] ? err->file : "<input>",
                (long) err->line, (long) err->col, err->msg);
        if (err->text[0] != '\0') {
            slong k, n = (slong) strlen(err->text);
            slong t0 = err->text_col > 1 ? err->text_col : 1;
            /* A long line is stored as a window of it: mark the cut ends
               with "..." and count the caret from the window's start. */
            fprintf(stderr, "  %s%s\n  ", t0 > 1 ? "..." : "", err->text);
            if (t0 > 1)
                fputs("   ", stderr);
            for (k = 1; k < err->col - t0 + 1; k++)
                fputc(k <= n && err->text[k - 1] == '\t' ? '\t' : ' ', stderr);
            fputs("^\n", stderr);
        }
    } else if (err->file[0] != '\0') {
        fprintf(stderr, "%s: %s\n", err->file, err->msg);
    } else {
        fprintf(stderr, "pathdiff: %s\n", err->msg);
    }
}

int pd_cli_exit_status(pd_status_t st)
{
    switch (st) {
    case PD_OK: return PD_EXIT_OK;
    case PD_EPARSE: case PD_EINVAL: case PD_EDOM: case PD_EIO:
        return PD_EXIT_USAGE;
    case PD_ELIMIT: return PD_EXIT_LIMIT;
    case PD_EUNDECIDED: return PD_EXIT_UNDECIDED;
    default: return PD_EXIT_INTERNAL;
    }
}

int pd_cli_load(pd_prog_t P, const char *path)
{
    pd_error_t err;
    pd_status_t st;
    pd_error_init(err);
    st = pd_parse_file(P, path, err);
    if (st != PD_OK) {
        pd_cli_print_error(err);
        return pd_cli_exit_status(st);
    }
    return PD_EXIT_OK;
}

int pd_cli_points_mode(pd_points_t *mode, const char *s, const char *cmd)
{
    if (strcmp(s, "exact") == 0)
        *mode = PD_POINTS_EXACT;
    else if (strcmp(s, "float32") == 0)
        *mode = PD_POINTS_FLOAT32;
    else if (strcmp(s, "float64") == 0)
        *mode = PD_POINTS_FLOAT64;
    else
        return pd_cli_usage_error(cmd, "--points expects exact, float32 or float64, not '%s'", s);
    return PD_EXIT_OK;
}

int pd_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pathdiff %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'pathdiff %s --help'.\n", cmd);
    return PD_EXIT_USAGE;
}

int pd_cli_opt_once(const char *cmd, const char *name, const char **slot,
                    const char *v)
{
    if (*slot != NULL)
        return pd_cli_usage_error(cmd, "%s given twice ('%s', then '%s')",
                                  name, *slot, v);
    *slot = v;
    return PD_EXIT_OK;
}

void pd_cli_print_json(const char *doc)
{
    fputs(doc, stdout);
    fputc('\n', stdout);
}

const char *pd_cli_opt_value(int argc, char **argv, int *i, const char *name,
                             int *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    *missing = 0;
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

int pd_cli_parse_max_pieces(slong *out, const char *v, const char *cmd)
{
    char *end;
    long n;
    if (v[0] < '0' || v[0] > '9')
        goto bad;
    errno = 0;
    n = strtol(v, &end, 10);
    if (*end != '\0' || errno == ERANGE || n > WORD_MAX)
        goto bad;
    *out = (slong) n;
    return PD_EXIT_OK;
bad:
    return pd_cli_usage_error(cmd, "--max-pieces needs a whole number "
                              ">= 0 (0: no bound), not '%s'", v);
}

int pd_cli_opt_take(int argc, char **argv, int *i, const char *cmd,
                    const char *name, const char *missing_msg,
                    const char **slot, int *rc)
{
    int missing;
    const char *v = pd_cli_opt_value(argc, argv, i, name, &missing);
    if (v == NULL && !missing)
        return 0;
    *rc = missing ? pd_cli_usage_error(cmd, "%s", missing_msg)
                  : pd_cli_opt_once(cmd, name, slot, v);
    return 1;
}
