/* lower.h: values of .pd expressions (constants, scalars, vectors,
   matrices) and their lowering to scalar program nodes. */
#ifndef PD_LANG_LOWER_H
#define PD_LANG_LOWER_H

#include "lang-impl.h"

/* Storage of a vector or matrix value: n node indices, row-major for a
   matrix.  Invariant: e[k] >= 0 is a node of the program; e[k] == -1 only
   when sort >= 0, meaning "rank k of SORT node `sort`", created on first use
   (so `sort(v)[1]` makes one SORTED node, and every use of a bound sort
   shares it).  Stores live until the end of the parse (a list owned by the
   parser), so values may point to them freely. */
typedef struct pd_vstore_struct {
    slong n;
    slong *e;
    slong sort;              /* SORT node, or -1                           */
    slong sline, scol;       /* position of the sort call                  */
    char *label;             /* binding name for lazily made entries       */
    struct pd_vstore_struct *next;
} pd_vstore_t;

typedef enum {
    PD_VAL_CONST = 0,   /* a constant not yet in the program (pool[cq])      */
    PD_VAL_SCALAR,      /* program node `node`                               */
    PD_VAL_VECTOR,      /* vs, rows entries                                  */
    PD_VAL_MATRIX       /* vs, rows x cols entries                           */
} pd_val_kind_t;

/* A value.  Plain data (no clear needed): constants live in the parser's
   pool, vector entries in a store.  lit: the constant is one number token
   (possibly in parentheses, possibly negated); bare: the same without
   parentheses (only bare literals fold as in 3/4 or -3/4); neg: a unary
   minus was applied.  line/col: where the expression starts, for
   messages. */
typedef struct {
    pd_val_kind_t kind;
    slong node;
    slong cq;
    int lit, bare, neg;
    pd_vstore_t *vs;
    slong rows, cols;
    slong line, col;
} pd_val_t;

/* A name bound in the program (an input, a vector input or `name = ...`). */
typedef struct {
    char *name;
    pd_val_t val;
    slong line;              /* where it was defined                       */
} pd_var_t;

/* Parser state.  Invariants: cur is the current token, nxt the next one
   when have_nxt; pool[0, npool) are canonical rationals; vars is an
   open-addressing hash table of nvars entries in vcap slots (vcap a power of
   two, at most half full); cmode != 0 while a constant expression is read
   (a divisor, an exponent, a slope or bound), cmode_what names it. */
typedef struct {
    pd_lexer_t L;
    pd_prog_struct *P;
    pd_error_struct *err;
    const char *file;
    pd_token_t cur, nxt;
    int have_nxt;
    slong depth;
    fmpq *pool;
    slong npool, apool;
    pd_vstore_t *stores;
    pd_var_t *vars;
    slong nvars, vcap;
    int cmode;
    const char *cmode_what;
    slong cmode_line, cmode_col;
    slong stmt_start;        /* P->len when the statement began            */
    slong output_line;       /* line of the output statement, 0 if none    */
} pd_parser_t;

/* Raise PD_EPARSE (or code) at line:col with the source line. */
pd_status_t _pd_parser_error(pd_parser_t *ps, pd_status_t code, slong line,
                             slong col, const char *fmt, ...) PD_PRINTF(5, 6);

/* A new pool constant (canonical copy of c); returns its index. */
slong _pd_pool_add(pd_parser_t *ps, const fmpq_t c);
/* A new store of n entries, all -1. */
pd_vstore_t *_pd_vstore_new(pd_parser_t *ps, slong n);

/* Add a node; PD_ELIMIT past PD_LANG_MAX_NODES. */
pd_status_t _pd_node(slong *out, pd_parser_t *ps, pd_op_t op, slong nargs,
                     const slong *args, const fmpq_t c, const fmpq_t c2,
                     slong index, slong line, slong col);

/* Turn a pending constant into a CONST node (no-op for other values). */
pd_status_t _pd_val_emit(pd_parser_t *ps, pd_val_t *v);
/* Entry k (0-based) of a vector or matrix store, creating a SORTED node on
   first use. */
pd_status_t _pd_vstore_entry(slong *out, pd_parser_t *ps, pd_vstore_t *vs,
                             slong k);
/* "a scalar", "a vector of length 3", "a 2x3 matrix". */
const char *_pd_val_describe(char *buf, size_t n, const pd_val_t *v);

/* Elementwise unary op (NEG, POW, RELU, ...) with scalar, vector or
   matrix broadcasting; constants emitted first. */
pd_status_t _pd_lower_unary(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                            pd_val_t *a, const fmpq_t c, const fmpq_t c2,
                            slong index, slong line, slong col);
/* Elementwise binary op (ADD, SUB, MUL): shapes must agree, a scalar
   broadcasts to every entry (one shared node). */
pd_status_t _pd_lower_binary(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                             pd_val_t *a, pd_val_t *b, slong line, slong col);
/* Elementwise n-ary MAX/MIN with broadcasting (k >= 2 arguments), or the
   reduction over the entries of a single vector or matrix (k == 1). */
pd_status_t _pd_lower_maxmin(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                             pd_val_t *args, slong k, slong line, slong col);
/* Matrix product with numpy's shape rules (vector@vector is dot). */
pd_status_t _pd_lower_matmul(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                             pd_val_t *b, slong line, slong col);
/* sum(v), dot(u, v), sort(v). */
pd_status_t _pd_lower_sum(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                          slong line, slong col);
pd_status_t _pd_lower_dot(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                          pd_val_t *b, slong line, slong col);
pd_status_t _pd_lower_sort(pd_val_t *out, pd_parser_t *ps, pd_val_t *a,
                           slong line, slong col);
/* Fold a constant binary operation (ADD, SUB, MUL, DIV) or POW. */
pd_status_t _pd_fold_binary(pd_val_t *out, pd_parser_t *ps, pd_op_t op,
                            const pd_val_t *a, const pd_val_t *b, slong line,
                            slong col);
pd_status_t _pd_fold_pow(pd_val_t *out, pd_parser_t *ps, const pd_val_t *a,
                         ulong e, slong line, slong col);

#endif
