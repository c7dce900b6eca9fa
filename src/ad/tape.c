/* tape.c: compiling a program into a compact instruction list for
   repeated numeric AD (which nodes need adjoints, constant tables). */
#include "pd-impl.h"
#include "pathdiff/ad.h"
#include "ad-impl.h"

/* Append exact constant c to the tables; returns its index. */
static slong _add_const(pd_tape_t T, const fmpq_t c, slong *alloc)
{
    if (T->nconst == *alloc) {
        slong k, na = 2 * (*alloc) + 8;
        T->kq = flint_realloc(T->kq, na * sizeof(fmpq));
        for (k = *alloc; k < na; k++)
            fmpq_init(T->kq + k);
        *alloc = na;
    }
    fmpq_set(T->kq + T->nconst, c);
    return T->nconst++;
}

pd_status_t pd_tape_init(pd_tape_t T, const pd_prog_t P, const pd_conv_t C,
                         pd_error_t err)
{
    slong i, k, kalloc = 0;
    unsigned char *req = NULL, *live = NULL;
    pd_status_t status = PD_OK;

    memset(T, 0, sizeof(pd_tape_struct));
    pd_conv_init(T->conv);
    pd_conv_set(T->conv, C);
    T->prog = P;
    T->len = P->len;
    T->ninputs = P->ninputs;
    if (P->output < 0 || P->output >= P->len) {
        status = pd_error_set(err, PD_EINVAL, "the program has no output");
        goto cleanup;
    }
    if (P->len > (WORD(1) << 30)) {
        status = pd_error_set(err, PD_EINVAL,
                              "program too large for a tape (%ld nodes)",
                              (long) P->len);
        goto cleanup;
    }

    req = flint_calloc(P->len, 1);
    live = flint_calloc(P->len, 1);
    for (i = 0; i < P->len; i++) {
        const pd_node_struct *nd = P->nodes + i;
        if (nd->op == PD_OP_INPUT)
            req[i] = 1;
        for (k = 0; k < nd->nargs; k++)
            req[i] |= req[nd->args[k]];
    }
    live[P->output] = req[P->output];
    for (i = P->len - 1; i >= 0; i--) {
        const pd_node_struct *nd = P->nodes + i;
        if (!live[i])
            continue;
        for (k = 0; k < nd->nargs; k++)
            if (req[nd->args[k]])
                live[nd->args[k]] = 1;
    }

    /* constants of CONST nodes first: kq[j] is the value of constnode[j] */
    T->constnode = flint_malloc((P->len + 1) * sizeof(slong));
    T->live = live;
    live = NULL;
    for (i = 0; i < P->len; i++)
        if (P->nodes[i].op == PD_OP_CONST) {
            T->constnode[T->nconstnodes++] = i;
            _add_const(T, P->nodes[i].c, &kalloc);
        }

    T->instr = flint_malloc((P->len + 1) * sizeof(pd_tape_instr_struct));
    T->sortoff = flint_malloc((P->len + 1) * sizeof(slong));
    for (i = 0; i < P->len; i++) {
        const pd_node_struct *nd = P->nodes + i;
        pd_tape_instr_struct *I;
        T->sortoff[i] = -1;
        if (pd_op_is_nonsmooth(nd->op))
            T->nnonsmooth++;
        if (nd->op == PD_OP_CONST || nd->op == PD_OP_INPUT)
            continue;
        I = T->instr + T->ninstr++;
        I->op = nd->op;
        I->out = (int) i;
        I->a = nd->nargs >= 1 ? (int) nd->args[0] : -1;
        I->b = nd->nargs >= 2 ? (int) nd->args[1] : -1;
        I->aux = -1;
        I->flags = 0;
        if (T->live[i])
            I->flags |= PD_TAPE_LIVE;
        if (req[i])
            I->flags |= PD_TAPE_REQ;
        if (nd->nargs >= 1 && req[nd->args[0]])
            I->flags |= PD_TAPE_RA;
        if (nd->nargs >= 2 && req[nd->args[1]])
            I->flags |= PD_TAPE_RB;
        switch (nd->op) {
        case PD_OP_DIV: case PD_OP_LEAKY_RELU:
            I->aux = (int) _add_const(T, nd->c, &kalloc);
            break;
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
            I->aux = (int) _add_const(T, nd->c, &kalloc);
            _add_const(T, nd->c2, &kalloc);
            break;
        case PD_OP_SORT:
            T->sortoff[i] = T->nsortslots;
            T->nsortslots += nd->nargs;
            break;
        default:
            break;
        }
    }
    T->kd = flint_malloc((T->nconst + 1) * sizeof(double));
    T->kf = flint_malloc((T->nconst + 1) * sizeof(float));
    for (k = 0; k < T->nconst; k++) {
        /* a host-language number: to double first, then to float */
        pd_fmpq_get_d_rnd(T->kd + k, T->kq + k);
        T->kf[k] = (float) T->kd[k];
    }
    T->perm = flint_malloc((2 * T->nsortslots + 1) * sizeof(slong));
    T->tied = flint_malloc((T->nnonsmooth + 1) * sizeof(slong));
    T->ntied = 0;
    T->kalloc = kalloc;
    flint_free(req);
    return PD_OK;

cleanup:
    flint_free(req);
    flint_free(live);
    T->kalloc = kalloc;
    pd_tape_clear(T);
    memset(T, 0, sizeof(pd_tape_struct));
    return status;
}

void pd_tape_clear(pd_tape_t T)
{
    slong k;
    _pd_tape_mpfr_clear(T);
    _pd_tape_fmpq_clear(T);
    _pd_tape_iv_clear(T);
    for (k = 0; k < T->kalloc; k++)
        fmpq_clear(T->kq + k);
    flint_free(T->kq);
    flint_free(T->kd);
    flint_free(T->kf);
    flint_free(T->instr);
    flint_free(T->sortoff);
    flint_free(T->constnode);
    flint_free(T->live);
    flint_free(T->perm);
    flint_free(T->tied);
    flint_free(T->vd);
    flint_free(T->ad);
    flint_free(T->sd);
    flint_free(T->vf);
    flint_free(T->af);
    flint_free(T->sf);
    pd_conv_clear(T->conv);
}

/* Sort the arguments' values for SORT instruction I, by the convention's
   order of equal entries; perm and its inverse go to T->perm at the
   node's offset.  lt(a, b) compares the values of arguments a and b. */
void _pd_tape_sort(pd_tape_t T, const pd_tape_instr_struct *I,
                   int (*cmp)(const void *ctx, slong a, slong b),
                   const void *ctx)
{
    const pd_node_struct *nd = T->prog->nodes + I->out;
    slong off = T->sortoff[I->out], n = nd->nargs, k, j;
    slong *perm = T->perm + off, *inv = T->perm + T->nsortslots + off;
    int rev = (T->conv->sort == PD_SORT_REVERSE);
    for (k = 0; k < n; k++) {
        j = k;
        while (j > 0) {
            int c = cmp(ctx, k, perm[j - 1]);
            if (c < 0 || (c == 0 && rev))
                perm[j] = perm[j - 1], j--;
            else
                break;
        }
        perm[j] = k;
    }
    for (j = 0; j < n; j++)
        inv[perm[j]] = j;
}
