/* json.c: the streaming JSON writer. */
#include "report/json.h"
#include <string.h>
#include <stdio.h>

void pd_json_init(pd_json_t J)
{
    J->alloc = 256;
    J->s = flint_malloc(J->alloc);
    J->s[0] = '\0';
    J->len = 0;
    J->depth = 0;
    J->first[0] = 1;
    J->after_key = 0;
}

void pd_json_clear(pd_json_t J)
{
    flint_free(J->s);
    J->s = NULL;
    J->len = J->alloc = 0;
}

static void put(pd_json_t J, const char *t, size_t n)
{
    if (J->len + n + 1 > J->alloc) {
        size_t a = FLINT_MAX(2 * J->alloc, J->len + n + 64);
        J->s = flint_realloc(J->s, a);
        J->alloc = a;
    }
    memcpy(J->s + J->len, t, n);
    J->len += n;
    J->s[J->len] = '\0';
}

static void puts_(pd_json_t J, const char *t)
{
    put(J, t, strlen(t));
}

/* Separator before a value: a comma unless first in its container or
   right after a key. */
static void pre_value(pd_json_t J)
{
    if (J->after_key) {
        J->after_key = 0;
        return;
    }
    if (J->depth > 0) {
        if (!J->first[J->depth])
            put(J, ",", 1);
        J->first[J->depth] = 0;
    }
}

static void open_(pd_json_t J, const char *c)
{
    pre_value(J);
    puts_(J, c);
    if (J->depth + 1 < PD_JSON_MAX_DEPTH)
        J->depth++;
    J->first[J->depth] = 1;
}

static void close_(pd_json_t J, const char *c)
{
    puts_(J, c);
    if (J->depth > 0)
        J->depth--;
}

void pd_json_obj_begin(pd_json_t J) { open_(J, "{"); }
void pd_json_obj_end(pd_json_t J) { close_(J, "}"); }
void pd_json_arr_begin(pd_json_t J) { open_(J, "["); }
void pd_json_arr_end(pd_json_t J) { close_(J, "]"); }

static void put_escaped(pd_json_t J, const char *s)
{
    char buf[8];
    put(J, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char) *s;
        if (ch == '"' || ch == '\\') {
            put(J, "\\", 1);
            put(J, s, 1);
        } else if (ch == '\n') {
            puts_(J, "\\n");
        } else if (ch == '\t') {
            puts_(J, "\\t");
        } else if (ch < 0x20) {
            snprintf(buf, sizeof(buf), "\\u%04x", ch);
            puts_(J, buf);
        } else {
            put(J, s, 1);
        }
    }
    put(J, "\"", 1);
}

void pd_json_key(pd_json_t J, const char *key)
{
    pre_value(J);
    put_escaped(J, key);
    put(J, ":", 1);
    J->after_key = 1;
}

void pd_json_str(pd_json_t J, const char *s)
{
    pre_value(J);
    put_escaped(J, s);
}

void pd_json_fmpq(pd_json_t J, const fmpq_t q)
{
    char *t = fmpq_get_str(NULL, 10, q);
    pd_json_str(J, t);
    flint_free(t);
}

void pd_json_fmpz(pd_json_t J, const fmpz_t z)
{
    char *t = fmpz_get_str(NULL, 10, z);
    pd_json_str(J, t);
    flint_free(t);
}

void pd_json_fmpq_vec(pd_json_t J, const fmpq *v, slong n)
{
    slong i;
    pd_json_arr_begin(J);
    for (i = 0; i < n; i++)
        pd_json_fmpq(J, v + i);
    pd_json_arr_end(J);
}

void pd_json_int(pd_json_t J, slong v)
{
    char buf[32];
    pre_value(J);
    snprintf(buf, sizeof(buf), "%ld", (long) v);
    puts_(J, buf);
}

void pd_json_bool(pd_json_t J, int b)
{
    pre_value(J);
    puts_(J, b ? "true" : "false");
}

void pd_json_truth(pd_json_t J, pd_truth_t t)
{
    pre_value(J);
    puts_(J, t == PD_TRUE ? "true" : t == PD_FALSE ? "false" : "null");
}

void pd_json_null(pd_json_t J)
{
    pre_value(J);
    puts_(J, "null");
}

void pd_json_raw(pd_json_t J, const char *text)
{
    pre_value(J);
    puts_(J, text);
}

void pd_json_node_name(pd_json_t J, const pd_prog_t P, slong i)
{
    char *name = pd_prog_node_name(P, i);
    pd_json_str(J, name);
    flint_free(name);
}

void pd_json_node_names(pd_json_t J, const pd_prog_t P, const slong *nodes,
                        slong n)
{
    slong k;
    pd_json_arr_begin(J);
    for (k = 0; k < n; k++)
        pd_json_node_name(J, P, nodes[k]);
    pd_json_arr_end(J);
}

const char *pd_json_get_str(const pd_json_t J)
{
    return J->s;
}
