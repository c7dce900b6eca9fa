/* pathdiff/prog.h: a program as written, a DAG of scalar primitive nodes. */
#ifndef PATHDIFF_PROG_H
#define PATHDIFF_PROG_H

#include <flint/fmpq.h>
#include "pathdiff/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Primitives (MATH.md 1).  Nonsmooth nodes carry a *choice* in a pattern
   (pd_prog_nslots); the branch numbering below is shared by every layer:

     RELU, LEAKY_RELU   0: the flat branch (0, resp. a*u), guard -u > 0
                        1: u,                               guard  u > 0
     ABS                0: -u (guard -u > 0)   1: u (guard u > 0)
     MAX, MIN           i: args[i] is the unique max (min)
     CLAMP, HARDTANH,   0: lo (guard lo - u > 0)   1: u (u - lo > 0, hi - u > 0)
       RELU6            2: hi (guard u - hi > 0)
     SORT               a permutation, nargs slots: slot j = index of the
                        argument that is the (j+1)-th smallest (strict order)

   Vectors and matrices are lowered by the parser: every node is a scalar,
   except SORT, whose k results are read through SORTED nodes. */
typedef enum {
    PD_OP_CONST = 0,  /* c                                                   */
    PD_OP_INPUT,      /* input number `index` (0-based)                      */
    PD_OP_ADD,        /* args[0] + args[1]                                   */
    PD_OP_SUB,        /* args[0] - args[1]                                   */
    PD_OP_MUL,        /* args[0] * args[1]                                   */
    PD_OP_NEG,        /* -args[0]                                            */
    PD_OP_DIV,        /* args[0] / c, c a non-zero rational (as written)     */
    PD_OP_POW,        /* args[0] ^ index, index >= 0                         */
    PD_OP_RELU,       /* max(u, 0)                                           */
    PD_OP_ABS,        /* |u|                                                 */
    PD_OP_MAX,        /* max(args[0..nargs-1]), nargs >= 1                   */
    PD_OP_MIN,        /* min(args[0..nargs-1]), nargs >= 1                   */
    PD_OP_LEAKY_RELU, /* u if u > 0 else c*u (slope c)                       */
    PD_OP_CLAMP,      /* min(max(u, c), c2), c <= c2                         */
    PD_OP_HARDTANH,   /* clamp(u, -1, 1); c = -1, c2 = 1                     */
    PD_OP_RELU6,      /* clamp(u, 0, 6);  c = 0,  c2 = 6                     */
    PD_OP_SORT,       /* sorts args ascending; no scalar value of its own    */
    PD_OP_SORTED,     /* the (index+1)-th smallest of SORT node args[0]      */
    PD_OP_COUNT
} pd_op_t;

/* One node.  Invariants: every args[i] < the node's own index (topological
   order); nargs matches the op (1 for unary, 2 for binary, >= 1 for
   MAX/MIN/SORT); SORTED's argument is a SORT node and 0 <= index < its
   nargs; c, c2 are canonical; slot >= 0 exactly for nonsmooth nodes. */
typedef struct {
    pd_op_t op;
    slong nargs;
    slong *args;
    fmpq_t c, c2;
    slong index;
    slong slot;        /* first slot of this node's choice in a pattern     */
    slong line, col;   /* where it was written (1-based); 0 if synthetic     */
    char *label;       /* the bound name (`h = ...`) or NULL                 */
} pd_node_struct;

/* A program.  Invariant: nodes[0..len) topologically ordered; inputs are
   nodes input_nodes[0..ninputs); output is a node index (-1 while the
   program is being built). */
typedef struct {
    pd_node_struct *nodes;
    slong len, alloc;
    slong ninputs;
    char **input_names;
    slong *input_nodes;
    slong output;
    slong nslots;      /* total pattern slots over all nonsmooth nodes       */
    slong inputs_alloc;  /* capacity of input_names and input_nodes         */
    slong *name_table;   /* open-addressing hash of input names: entries are
                            input number + 1, 0 = empty; size name_table_len,
                            a power of two at least twice ninputs          */
    slong name_table_len;
    char *file;        /* source file name, or NULL                          */
} pd_prog_struct;
typedef pd_prog_struct pd_prog_t[1];

void pd_prog_init(pd_prog_t P);
void pd_prog_clear(pd_prog_t P);

/* Building.  Each returns the new node's index, or -1 with err set
   (PD_EINVAL: bad arity or argument index, PD_EDOM: DIV by zero,
   clamp lo > hi, ...).  line/col record where the node was written. */
slong pd_prog_add_input(pd_prog_t P, const char *name, slong line, slong col,
                        pd_error_t err);
slong pd_prog_add_const(pd_prog_t P, const fmpq_t c, slong line, slong col,
                        pd_error_t err);
/* Generic: c, c2 may be NULL when the op takes no constant. */
slong pd_prog_add_node(pd_prog_t P, pd_op_t op, slong nargs, const slong *args,
                       const fmpq_t c, const fmpq_t c2, slong index,
                       slong line, slong col, pd_error_t err);
/* Give node i a label (the name it was bound to); copies name. */
void pd_prog_set_label(pd_prog_t P, slong i, const char *name);
void pd_prog_set_output(pd_prog_t P, slong i);
void pd_prog_set_file(pd_prog_t P, const char *file);

/* Queries. */
int pd_op_is_nonsmooth(pd_op_t op);
const char *pd_op_name(pd_op_t op);          /* "relu", "max", "+", ...   */
/* Number of branches of a nonsmooth node (SORT: nargs!, capped at WORD_MAX). */
slong pd_prog_nbranches(const pd_prog_t P, slong i);
/* Number of pattern slots of node i: 1 for nonsmooth non-SORT, nargs for
   SORT, 0 for smooth nodes. */
slong pd_prog_node_nslots(const pd_prog_t P, slong i);
/* The input number of the input called name, or -1 (constant time). */
slong pd_prog_input_index(const pd_prog_t P, const char *name);
/* Number of nonsmooth nodes. */
slong pd_prog_nonsmooth_count(const pd_prog_t P);

/* A stable human name for node i, for reports: its label if bound, else
   "op@line:col" (e.g. "relu@2:7"), else "op#i".  Returns a string to be
   released with flint_free. */
char *pd_prog_node_name(const pd_prog_t P, slong i);

/* The program in .pd syntax (one statement a line; shared nodes become
   bindings t1, t2, ...), parseable back to the same DAG up to labels and
   positions.  Released with flint_free. */
char *pd_prog_get_str(const pd_prog_t P);

/* Canonical-form predicate for tests: checks every invariant above. */
int pd_prog_is_canonical(const pd_prog_t P);

#ifdef __cplusplus
}
#endif
#endif
