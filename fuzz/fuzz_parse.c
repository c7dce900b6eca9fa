/* fuzz_parse.c: libFuzzer (and AFL++) harness for the .pd parser and the
   number reader.  Any input must give PD_OK or a clean error; on success
   the program must satisfy its invariants and, when small, print to text
   that parses back to the same DAG. */
#include "pd-impl.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT 4096     /* larger inputs are cut: time per run    */
#define FUZZ_MAX_PRINT 64       /* round trip only for programs this small */

/* Same DAG from the outputs: ops, constants, indices, sharing. */
static int dag_match(const pd_prog_t P, const pd_prog_t Q, slong i, slong j,
                     slong *map, slong *rmap)
{
    const pd_node_struct *a = P->nodes + i, *b = Q->nodes + j;
    slong k;
    if (map[i] >= 0 || rmap[j] >= 0)
        return map[i] == j && rmap[j] == i;
    if (a->op != b->op || a->nargs != b->nargs || a->index != b->index
        || !fmpq_equal(a->c, b->c) || !fmpq_equal(a->c2, b->c2))
        return 0;
    map[i] = j;
    rmap[j] = i;
    for (k = 0; k < a->nargs; k++)
        if (!dag_match(P, Q, a->args[k], b->args[k], map, rmap))
            return 0;
    return 1;
}

static void round_trip(const pd_prog_t P)
{
    pd_prog_t Q;
    pd_error_t err;
    char *s;
    slong *map, *rmap, i;
    if (P->len > FUZZ_MAX_PRINT || P->output < 0)
        return;
    s = pd_prog_get_str(P);
    pd_error_init(err);
    pd_prog_init(Q);
    if (pd_parse_string(Q, s, "printed", err) != PD_OK)
        abort();                        /* printed form does not parse */
    map = flint_malloc(P->len * sizeof(slong));
    rmap = flint_malloc(Q->len * sizeof(slong));
    for (i = 0; i < P->len; i++)
        map[i] = -1;
    for (i = 0; i < Q->len; i++)
        rmap[i] = -1;
    if (Q->ninputs != P->ninputs
        || !dag_match(P, Q, P->output, Q->output, map, rmap))
        abort();                        /* printed form is another program */
    flint_free(map);
    flint_free(rmap);
    flint_free(s);
    pd_prog_clear(Q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    pd_prog_t P;
    pd_error_t err;
    pd_status_t st;
    fmpq_t q;
    int mode;

    if (size > FUZZ_MAX_INPUT)
        size = FUZZ_MAX_INPUT;
    text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    pd_error_init(err);
    pd_prog_init(P);
    st = pd_parse_string(P, text, "fuzz.pd", err);
    if (st == PD_OK) {
        if (!pd_prog_is_canonical(P) || P->output < 0)
            abort();
        round_trip(P);
    } else if (st != PD_EPARSE && st != PD_ELIMIT) {
        abort();                        /* no other status is documented */
    } else if (err->msg[0] == '\0' || (st == PD_EPARSE && err->line < 1)) {
        abort();                        /* a parse error without position */
    }
    pd_prog_clear(P);

    /* the same bytes as a number, in each mode */
    fmpq_init(q);
    for (mode = 0; mode < 3; mode++) {
        st = pd_number_parse(q, text, (pd_points_t) mode, err);
        if (st == PD_OK && !fmpq_is_canonical(q))
            abort();
        if (st != PD_OK && st != PD_EPARSE && st != PD_EDOM)
            abort();
    }
    fmpq_clear(q);
    free(text);
    flint_cleanup();
    return 0;
}
