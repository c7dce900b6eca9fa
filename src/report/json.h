/* json.h: a small streaming JSON writer into a growable string.  Exact
   numbers are written as strings (CLI.md: a rational is "p/q"). */
#ifndef PD_JSON_H
#define PD_JSON_H

#include "pd-impl.h"

#define PD_JSON_MAX_DEPTH 64

/* Invariant: s[0..len) is the document so far, NUL-terminated; first[d] is
   1 while the container open at depth d has no element yet. */
typedef struct {
    char *s;
    size_t len, alloc;
    int depth;
    int first[PD_JSON_MAX_DEPTH];
    int after_key;
} pd_json_struct;
typedef pd_json_struct pd_json_t[1];

void pd_json_init(pd_json_t J);
void pd_json_clear(pd_json_t J);

void pd_json_obj_begin(pd_json_t J);
void pd_json_obj_end(pd_json_t J);
void pd_json_arr_begin(pd_json_t J);
void pd_json_arr_end(pd_json_t J);
/* A key inside an object; the next value call writes its value. */
void pd_json_key(pd_json_t J, const char *key);

void pd_json_str(pd_json_t J, const char *s);     /* escaped string     */
void pd_json_fmpq(pd_json_t J, const fmpq_t q);    /* "p/q" string       */
void pd_json_fmpz(pd_json_t J, const fmpz_t z);    /* "n" string         */
void pd_json_fmpq_vec(pd_json_t J, const fmpq *v, slong n); /* ["..",..] */
void pd_json_int(pd_json_t J, slong v);            /* bare number        */
void pd_json_bool(pd_json_t J, int b);
void pd_json_truth(pd_json_t J, pd_truth_t t);     /* true/false/null    */
void pd_json_null(pd_json_t J);
void pd_json_raw(pd_json_t J, const char *text);   /* pre-formatted value */

/* Node i of P by its report name (pd_prog_node_name), and an array of
   the names of nodes[0..n). */
void pd_json_node_name(pd_json_t J, const pd_prog_t P, slong i);
void pd_json_node_names(pd_json_t J, const pd_prog_t P, const slong *nodes,
                        slong n);

/* The document (owned by J). */
const char *pd_json_get_str(const pd_json_t J);

#endif
