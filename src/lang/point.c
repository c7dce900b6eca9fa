/* point.c: reading a point ("1/2,0,-3" or "x=1/2,y=0") for a program. */
#include "lang-impl.h"
#include <string.h>

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

/* Trim s[*a, *b). */
static void trim(const char *s, size_t *a, size_t *b)
{
    while (*a < *b && is_space((unsigned char) s[*a]))
        (*a)++;
    while (*b > *a && is_space((unsigned char) s[*b - 1]))
        (*b)--;
}

/* Read the number s[a, b) into q; on failure, prefix the message with the
   input it was for. */
static pd_status_t read_value(fmpq_t q, const char *s, size_t a, size_t b,
                              const char *input, pd_points_t mode,
                              pd_error_t err)
{
    char stackbuf[128];
    char *t = stackbuf;
    pd_status_t status;
    pd_error_t e;
    if (b - a + 1 > sizeof(stackbuf))
        t = flint_malloc(b - a + 1);
    memcpy(t, s + a, b - a);
    t[b - a] = '\0';
    pd_error_init(e);
    status = pd_number_parse(q, t, mode, e);
    if (status != PD_OK)
        pd_error_set(err, status, "input %s: %s", input, e->msg);
    pd_error_clear(e);
    if (t != stackbuf)
        flint_free(t);
    return status;
}

pd_status_t pd_point_parse(fmpq *x, const pd_prog_t P, const char *spec,
                           pd_points_t mode, pd_error_t err)
{
    size_t len, a, b, start;
    slong count = 0, k, n = P->ninputs;
    int named = -1;
    char *seen = NULL;
    pd_status_t status = PD_OK;

    if (spec == NULL)
        return pd_error_set(err, PD_EINVAL, "no point given");
    len = strlen(spec);
    a = 0;
    b = len;
    trim(spec, &a, &b);
    if (a == b) {
        if (n == 0)
            return PD_OK;
        return pd_error_set(err, PD_EINVAL,
                            "empty point: the program has %ld input%s",
                            (long) n, n == 1 ? "" : "s");
    }
    seen = flint_calloc(FLINT_MAX(n, 1), 1);
    start = 0;
    for (;;) {
        size_t end = start, ia, ib;
        const char *eq;
        while (end < len && spec[end] != ',')
            end++;
        ia = start;
        ib = end;
        trim(spec, &ia, &ib);
        count++;
        if (ia == ib) {
            status = pd_error_set(err, PD_EINVAL, "empty value at position %ld of the point",
                                  (long) count);
            goto cleanup;
        }
        eq = memchr(spec + ia, '=', ib - ia);
        if (named < 0)
            named = (eq != NULL);
        if ((eq != NULL) != named) {
            status = pd_error_set(err, PD_EINVAL,
                                  "mix of positional and named values in the point "
                                  "(use either 1,2 or x=1,y=2)");
            goto cleanup;
        }
        if (named) {
            size_t na = ia, nb = (size_t) (eq - spec), va = nb + 1, vb = ib;
            trim(spec, &na, &nb);
            trim(spec, &va, &vb);
            for (k = 0; k < n; k++)
                if (strlen(P->input_names[k]) == nb - na
                    && memcmp(P->input_names[k], spec + na, nb - na) == 0)
                    break;
            if (k == n) {
                status = pd_error_set(err, PD_EINVAL, "unknown input '%.*s' in the point",
                                      (int) FLINT_MIN(nb - na, 80), spec + na);
                goto cleanup;
            }
            if (seen[k]) {
                status = pd_error_set(err, PD_EINVAL, "input '%s' given twice in the point",
                                      P->input_names[k]);
                goto cleanup;
            }
            seen[k] = 1;
            PD_TRY(read_value(x + k, spec, va, vb, P->input_names[k], mode, err));
        } else {
            if (count <= n)
                PD_TRY(read_value(x + count - 1, spec, ia, ib,
                                  P->input_names[count - 1], mode, err));
        }
        if (end >= len)
            break;
        start = end + 1;
    }
    if (named) {
        for (k = 0; k < n; k++)
            if (!seen[k]) {
                status = pd_error_set(err, PD_EINVAL, "no value for input '%s' in the point",
                                      P->input_names[k]);
                goto cleanup;
            }
    } else if (count != n) {
        status = pd_error_set(err, PD_EINVAL,
                              "the point has %ld value%s but the program has %ld input%s",
                              (long) count, count == 1 ? "" : "s", (long) n,
                              n == 1 ? "" : "s");
        goto cleanup;
    }
cleanup:
    flint_free(seen);
    return status;
}
