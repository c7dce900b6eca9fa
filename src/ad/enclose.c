/* enclose.c: a rigorous enclosure of a float or double backprop (MATH.md
   10): the tape's reverse sweep, in the same operation order, in interval
   arithmetic at the format's precision and exponent range, every interval
   holding both the exact value and any round-to-nearest evaluation's. */
#include "ad-impl.h"

/* Intervals [lo, hi] of MPFR numbers at the format's precision; with
   emin/emax set to the format's range during the sweep, every operation
   rounds lo down and hi up and subnormalizes, so the format's
   round-to-nearest result of the same operation on points of the operand
   intervals lies inside (rounding is monotone).  Where a guard's interval
   contains 0, the branches it allows are merged: the result interval is
   the hull of the branches' results (a sound superset of their union). */
typedef struct {
    mpfr_prec_t prec;
    mpfr_exp_t emin, emax;
    mpfr_ptr vl, vh, al, ah, sl, sh, kl, kh;
    mpfr_t t1, t2, t3, t4;
    slong len, nsort, nconst;
} _iv;

static void _sub(mpfr_t r, int inex, mpfr_rnd_t rnd)
{
    mpfr_subnormalize(r, inex, rnd);
}

#define OPD(fn, r, a, b) _sub(r, fn(r, a, b, MPFR_RNDD), MPFR_RNDD)
#define OPU(fn, r, a, b) _sub(r, fn(r, a, b, MPFR_RNDU), MPFR_RNDU)

static void _min(mpfr_t r, const mpfr_t a, const mpfr_t b)
{
    mpfr_set(r, mpfr_lessequal_p(a, b) ? a : b, MPFR_RNDN);
}

static void _max(mpfr_t r, const mpfr_t a, const mpfr_t b)
{
    mpfr_set(r, mpfr_greaterequal_p(a, b) ? a : b, MPFR_RNDN);
}

/* [rl, rh] = [al, ah] * [bl, bh]; r may not alias the operands.  The
   classical sign cases: two products in all but one case. */
static void _imul(_iv *W, mpfr_t rl, mpfr_t rh, const mpfr_t al,
                  const mpfr_t ah, const mpfr_t bl, const mpfr_t bh)
{
    int a = mpfr_sgn(al) >= 0 ? 1 : mpfr_sgn(ah) <= 0 ? -1 : 0;
    int b = mpfr_sgn(bl) >= 0 ? 1 : mpfr_sgn(bh) <= 0 ? -1 : 0;
    mpfr_srcptr l1, l2, h1, h2;
    if (a == 1) {
        if (b == 1) { l1 = al; l2 = bl; h1 = ah; h2 = bh; }
        else if (b == -1) { l1 = ah; l2 = bl; h1 = al; h2 = bh; }
        else { l1 = ah; l2 = bl; h1 = ah; h2 = bh; }
    } else if (a == -1) {
        if (b == 1) { l1 = al; l2 = bh; h1 = ah; h2 = bl; }
        else if (b == -1) { l1 = ah; l2 = bh; h1 = al; h2 = bl; }
        else { l1 = al; l2 = bh; h1 = al; h2 = bl; }
    } else {
        if (b == 1) { l1 = al; l2 = bh; h1 = ah; h2 = bh; }
        else if (b == -1) { l1 = ah; l2 = bl; h1 = al; h2 = bl; }
        else {
            OPD(mpfr_mul, W->t1, al, bh);
            OPD(mpfr_mul, W->t2, ah, bl);
            _min(rl, W->t1, W->t2);
            OPU(mpfr_mul, W->t1, al, bl);
            OPU(mpfr_mul, W->t2, ah, bh);
            _max(rh, W->t1, W->t2);
            goto check;
        }
    }
    OPD(mpfr_mul, rl, l1, l2);
    OPU(mpfr_mul, rh, h1, h2);
check:
    /* 0 * inf gives nan: widen to everything */
    if (mpfr_nan_p(rl) || mpfr_nan_p(rh)) {
        mpfr_set_inf(rl, -1);
        mpfr_set_inf(rh, 1);
    }
}

/* [rl, rh] += [bl, bh] */
static void _iadd(mpfr_t rl, mpfr_t rh, const mpfr_t bl, const mpfr_t bh)
{
    OPD(mpfr_add, rl, rl, bl);
    OPU(mpfr_add, rh, rh, bh);
}

/* hull: [rl, rh] = hull([rl, rh], [bl, bh]) */
static void _ihull(mpfr_t rl, mpfr_t rh, const mpfr_t bl, const mpfr_t bh)
{
    _min(rl, rl, bl);
    _max(rh, rh, bh);
}

/* The interval of a constant: its exact value rounded outward, joined with
   the value the float code uses (kd or kf). */
static void _const_iv(_iv *W, mpfr_t lo, mpfr_t hi, const fmpq_t q,
                      double fpval)
{
    mpq_t m;
    mpq_init(m);
    fmpq_get_mpq(m, q);
    _sub(lo, mpfr_set_q(lo, m, MPFR_RNDD), MPFR_RNDD);
    _sub(hi, mpfr_set_q(hi, m, MPFR_RNDU), MPFR_RNDU);
    mpfr_set_d(W->t1, fpval, MPFR_RNDN);       /* exact: fpval is of the format */
    _min(lo, lo, W->t1);
    _max(hi, hi, W->t1);
    mpq_clear(m);
}

static void _iv_init(_iv *W, pd_tape_t T, mpfr_prec_t prec)
{
    slong i;
    W->prec = prec;
    W->len = T->len;
    W->nsort = T->nsortslots;
    W->nconst = T->nconst;
#define ALLOC(p, n) do {                                                    \
        p = flint_malloc(((n) + 1) * sizeof(__mpfr_struct));                \
        for (i = 0; i < (n); i++)                                           \
            mpfr_init2(p + i, prec);                                        \
    } while (0)
    ALLOC(W->vl, W->len);
    ALLOC(W->vh, W->len);
    ALLOC(W->al, W->len);
    ALLOC(W->ah, W->len);
    ALLOC(W->sl, W->nsort);
    ALLOC(W->sh, W->nsort);
    ALLOC(W->kl, W->nconst);
    ALLOC(W->kh, W->nconst);
#undef ALLOC
    mpfr_init2(W->t1, prec);
    mpfr_init2(W->t2, prec);
    mpfr_init2(W->t3, prec);
    mpfr_init2(W->t4, prec);
}

static void _iv_clear(_iv *W);

void _pd_tape_iv_clear(pd_tape_t T)
{
    if (T->iv != NULL) {
        _iv_clear(T->iv);
        flint_free(T->iv);
        T->iv = NULL;
    }
}

/* The tape's interval workspace at precision prec (kept between calls). */
static _iv *_iv_get(pd_tape_t T, mpfr_prec_t prec)
{
    _iv *W = T->iv;
    if (W != NULL && W->prec == prec)
        return W;
    _pd_tape_iv_clear(T);
    W = flint_malloc(sizeof(_iv));
    _iv_init(W, T, prec);
    T->iv = W;
    return W;
}

static void _iv_clear(_iv *W)
{
    slong i;
    for (i = 0; i < W->len; i++) {
        mpfr_clear(W->vl + i);
        mpfr_clear(W->vh + i);
        mpfr_clear(W->al + i);
        mpfr_clear(W->ah + i);
    }
    for (i = 0; i < W->nsort; i++) {
        mpfr_clear(W->sl + i);
        mpfr_clear(W->sh + i);
    }
    for (i = 0; i < W->nconst; i++) {
        mpfr_clear(W->kl + i);
        mpfr_clear(W->kh + i);
    }
    flint_free(W->vl);
    flint_free(W->vh);
    flint_free(W->al);
    flint_free(W->ah);
    flint_free(W->sl);
    flint_free(W->sh);
    flint_free(W->kl);
    flint_free(W->kh);
    mpfr_clear(W->t1);
    mpfr_clear(W->t2);
    mpfr_clear(W->t3);
    mpfr_clear(W->t4);
}

/* sign of an interval: 1 (> 0), -1 (< 0), 0 (contains 0) */
static int _isgn(const mpfr_t lo, const mpfr_t hi)
{
    if (mpfr_sgn(lo) > 0)
        return 1;
    if (mpfr_sgn(hi) < 0)
        return -1;
    return 0;
}

/* [al, ah] += [gl, gh] * [wl, wh] for a local derivative interval */
static void _addmul(_iv *W, mpfr_t al, mpfr_t ah, const mpfr_t gl,
                    const mpfr_t gh, const mpfr_t wl, const mpfr_t wh,
                    mpfr_t tl, mpfr_t th)
{
    _imul(W, tl, th, gl, gh, wl, wh);
    _iadd(al, ah, tl, th);
}

pd_status_t pd_ad_grad_enclose(mpfr_ptr lo, mpfr_ptr hi, pd_tape_t T,
                               pd_arith_kind_t fmt, const fmpq *x,
                               pd_error_t err)
{
    _iv *W;
    const pd_prog_struct *P = T->prog;
    const pd_conv_struct *C = T->conv;
    mpfr_exp_t omin = mpfr_get_emin(), omax = mpfr_get_emax();
    mpfr_prec_t prec;
    mpfr_t ul, uh, wl, wh, tl, th, zl, one;
    slong i, k;
    int isf;

    if (fmt != PD_ARITH_FLOAT && fmt != PD_ARITH_DOUBLE)
        return pd_error_set(err, PD_EINVAL,
                            "enclosures are for float and double only");
    isf = (fmt == PD_ARITH_FLOAT);
    prec = isf ? 24 : 53;
    mpfr_set_emin(isf ? -148 : -1073);
    mpfr_set_emax(isf ? 128 : 1024);
    W = _iv_get(T, prec);
    mpfr_init2(ul, prec);
    mpfr_init2(uh, prec);
    mpfr_init2(wl, prec);
    mpfr_init2(wh, prec);
    mpfr_init2(tl, prec);
    mpfr_init2(th, prec);
    mpfr_init2(zl, prec);
    mpfr_init2(one, prec);
    mpfr_set_zero(zl, 1);
    mpfr_set_ui(one, 1, MPFR_RNDN);

    for (k = 0; k < T->nconst; k++)
        _const_iv(W, W->kl + k, W->kh + k, T->kq + k,
                  isf ? (double) T->kf[k] : T->kd[k]);
    for (k = 0; k < T->nconstnodes; k++) {
        mpfr_set(W->vl + T->constnode[k], W->kl + k, MPFR_RNDN);
        mpfr_set(W->vh + T->constnode[k], W->kh + k, MPFR_RNDN);
    }
    for (k = 0; k < T->ninputs; k++) {
        mpq_t m;
        slong nd = P->input_nodes[k];
        mpq_init(m);
        fmpq_get_mpq(m, x + k);
        _sub(W->vl + nd, mpfr_set_q(W->vl + nd, m, MPFR_RNDD), MPFR_RNDD);
        _sub(W->vh + nd, mpfr_set_q(W->vh + nd, m, MPFR_RNDU), MPFR_RNDU);
        mpq_clear(m);
    }

    /* forward */
    T->ntied = 0;
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const pd_node_struct *nd = P->nodes + I->out;
        const int o = I->out, a = I->a, b = I->b;
        mpfr_ptr Vl = W->vl, Vh = W->vh;
        switch (I->op) {
        case PD_OP_ADD:
            OPD(mpfr_add, Vl + o, Vl + a, Vl + b);
            OPU(mpfr_add, Vh + o, Vh + a, Vh + b);
            break;
        case PD_OP_SUB:
            OPD(mpfr_sub, Vl + o, Vl + a, Vh + b);
            OPU(mpfr_sub, Vh + o, Vh + a, Vl + b);
            break;
        case PD_OP_MUL:
            _imul(W, tl, th, Vl + a, Vh + a, Vl + b, Vh + b);
            mpfr_set(Vl + o, tl, MPFR_RNDN);
            mpfr_set(Vh + o, th, MPFR_RNDN);
            break;
        case PD_OP_NEG:
            mpfr_neg(tl, Vh + a, MPFR_RNDN);
            mpfr_neg(Vh + o, Vl + a, MPFR_RNDN);
            mpfr_set(Vl + o, tl, MPFR_RNDN);
            break;
        case PD_OP_DIV: {
            /* divide by every endpoint of the constant's interval */
            mpfr_srcptr cl = W->kl + I->aux, ch = W->kh + I->aux;
            OPD(mpfr_div, W->t1, Vl + a, cl);
            OPD(mpfr_div, W->t2, Vl + a, ch);
            OPD(mpfr_div, W->t3, Vh + a, cl);
            OPD(mpfr_div, W->t4, Vh + a, ch);
            _min(tl, W->t1, W->t2);
            _min(tl, tl, W->t3);
            _min(tl, tl, W->t4);
            OPU(mpfr_div, W->t1, Vl + a, cl);
            OPU(mpfr_div, W->t2, Vl + a, ch);
            OPU(mpfr_div, W->t3, Vh + a, cl);
            OPU(mpfr_div, W->t4, Vh + a, ch);
            _max(th, W->t1, W->t2);
            _max(th, th, W->t3);
            _max(th, th, W->t4);
            mpfr_set(Vl + o, tl, MPFR_RNDN);
            mpfr_set(Vh + o, th, MPFR_RNDN);
            break;
        }
        case PD_OP_POW: {
            slong n = nd->index, j;
            if (n == 0) {
                mpfr_set_ui(Vl + o, 1, MPFR_RNDN);
                mpfr_set_ui(Vh + o, 1, MPFR_RNDN);
                break;
            }
            mpfr_set(ul, Vl + a, MPFR_RNDN);
            mpfr_set(uh, Vh + a, MPFR_RNDN);
            for (j = 1; j < n; j++) {
                _imul(W, tl, th, ul, uh, Vl + a, Vh + a);
                mpfr_set(ul, tl, MPFR_RNDN);
                mpfr_set(uh, th, MPFR_RNDN);
            }
            if (n >= 4) {
                /* libm pow is within 1 ulp, not correctly rounded */
                mpfr_nextbelow(ul);
                mpfr_nextbelow(ul);
                mpfr_nextabove(uh);
                mpfr_nextabove(uh);
            }
            mpfr_set(Vl + o, ul, MPFR_RNDN);
            mpfr_set(Vh + o, uh, MPFR_RNDN);
            break;
        }
        case PD_OP_RELU:
            _max(Vl + o, Vl + a, zl);
            _max(Vh + o, Vh + a, zl);
            break;
        case PD_OP_ABS: {
            int s = _isgn(Vl + a, Vh + a);
            if (s > 0) {
                mpfr_set(Vl + o, Vl + a, MPFR_RNDN);
                mpfr_set(Vh + o, Vh + a, MPFR_RNDN);
            } else if (s < 0) {
                mpfr_neg(tl, Vh + a, MPFR_RNDN);
                mpfr_neg(Vh + o, Vl + a, MPFR_RNDN);
                mpfr_set(Vl + o, tl, MPFR_RNDN);
            } else {
                mpfr_neg(tl, Vl + a, MPFR_RNDN);
                _max(Vh + o, tl, Vh + a);
                mpfr_set_zero(Vl + o, 1);
            }
            break;
        }
        case PD_OP_LEAKY_RELU:
            /* x on the positive side, a x on the other: hull of both */
            _imul(W, tl, th, Vl + a, Vh + a, W->kl + I->aux, W->kh + I->aux);
            if (_isgn(Vl + a, Vh + a) > 0) {
                mpfr_set(tl, Vl + a, MPFR_RNDN);
                mpfr_set(th, Vh + a, MPFR_RNDN);
            } else if (_isgn(Vl + a, Vh + a) == 0) {
                _ihull(tl, th, Vl + a, Vh + a);
            }
            mpfr_set(Vl + o, tl, MPFR_RNDN);
            mpfr_set(Vh + o, th, MPFR_RNDN);
            break;
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
            _max(tl, Vl + a, W->kl + I->aux);
            _min(Vl + o, tl, W->kh + I->aux + 1);
            _max(th, Vh + a, W->kh + I->aux);
            _min(Vh + o, th, W->kh + I->aux + 1);
            /* the bounds' own intervals */
            _min(Vl + o, Vl + o, W->kl + I->aux + 1);
            break;
        case PD_OP_MAX: case PD_OP_MIN:
            mpfr_set(tl, Vl + nd->args[0], MPFR_RNDN);
            mpfr_set(th, Vh + nd->args[0], MPFR_RNDN);
            for (k = 1; k < nd->nargs; k++) {
                if (I->op == PD_OP_MAX) {
                    _max(tl, tl, Vl + nd->args[k]);
                    _max(th, th, Vh + nd->args[k]);
                } else {
                    _min(tl, tl, Vl + nd->args[k]);
                    _min(th, th, Vh + nd->args[k]);
                }
            }
            mpfr_set(Vl + o, tl, MPFR_RNDN);
            mpfr_set(Vh + o, th, MPFR_RNDN);
            break;
        case PD_OP_SORT: {
            /* the j-th smallest lies in [j-th smallest lo, j-th smallest hi] */
            slong off = T->sortoff[o], n = nd->nargs, j, m;
            mpfr_ptr sl = W->sl + off, sh = W->sh + off;
            for (j = 0; j < n; j++) {
                mpfr_set(sl + j, Vl + nd->args[j], MPFR_RNDN);
                mpfr_set(sh + j, Vh + nd->args[j], MPFR_RNDN);
            }
            for (j = 1; j < n; j++)
                for (m = j; m > 0 && mpfr_less_p(sl + m, sl + m - 1); m--)
                    mpfr_swap(sl + m, sl + m - 1);
            for (j = 1; j < n; j++)
                for (m = j; m > 0 && mpfr_less_p(sh + m, sh + m - 1); m--)
                    mpfr_swap(sh + m, sh + m - 1);
            mpfr_set_zero(Vl + o, 1);
            mpfr_set_zero(Vh + o, 1);
            break;
        }
        case PD_OP_SORTED: {
            slong off = T->sortoff[a];
            mpfr_set(Vl + o, W->sl + off + nd->index, MPFR_RNDN);
            mpfr_set(Vh + o, W->sh + off + nd->index, MPFR_RNDN);
            break;
        }
        default:
            break;
        }
        /* nodes that could be tied in the format: a guard's interval
           contains 0 */
        if (pd_op_is_nonsmooth(nd->op)) {
            int unc = 0;
            switch (nd->op) {
            case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU:
                unc = _isgn(Vl + a, Vh + a) == 0;
                break;
            case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6:
                unc = !(mpfr_greater_p(Vl + a, W->kh + I->aux)
                        || mpfr_less_p(Vh + a, W->kl + I->aux))
                   || !(mpfr_greater_p(Vl + a, W->kh + I->aux + 1)
                        || mpfr_less_p(Vh + a, W->kl + I->aux + 1));
                break;
            case PD_OP_MAX: case PD_OP_MIN: {
                /* arguments whose interval reaches the extremum's */
                slong cnt = 0;
                for (k = 0; k < nd->nargs; k++)
                    cnt += !(I->op == PD_OP_MAX
                             ? mpfr_less_p(Vh + nd->args[k], Vl + o)
                             : mpfr_greater_p(Vl + nd->args[k], Vh + o));
                unc = cnt > 1;
                break;
            }
            case PD_OP_SORT: {
                slong j, m;
                for (j = 0; j < nd->nargs && !unc; j++)
                    for (m = j + 1; m < nd->nargs && !unc; m++)
                        unc = !(mpfr_less_p(Vh + nd->args[j], Vl + nd->args[m])
                                || mpfr_less_p(Vh + nd->args[m], Vl + nd->args[j]));
                break;
            }
            default:
                break;
            }
            if (unc)
                _pd_tape_tie(T, o);
        }
    }

    /* backward */
    for (i = 0; i < T->len; i++) {
        mpfr_set_zero(W->al + i, 1);
        mpfr_set_zero(W->ah + i, 1);
    }
    for (k = 0; k < T->nsortslots; k++) {
        mpfr_set_zero(W->sl + k, 1);
        mpfr_set_zero(W->sh + k, 1);
    }
    mpfr_set_ui(W->al + P->output, 1, MPFR_RNDN);
    mpfr_set_ui(W->ah + P->output, 1, MPFR_RNDN);
    for (i = T->ninstr - 1; i >= 0; i--) {
        const pd_tape_instr_struct *I = T->instr + i;
        const pd_node_struct *nd = P->nodes + I->out;
        const int o = I->out, a = I->a, b = I->b, f = I->flags;
        mpfr_ptr Vl = W->vl, Vh = W->vh, Al = W->al, Ah = W->ah;
        mpfr_srcptr gl = Al + o, gh = Ah + o;
        if (!(f & PD_TAPE_LIVE))
            continue;
        switch (I->op) {
        case PD_OP_ADD:
            if (f & PD_TAPE_RA) _iadd(Al + a, Ah + a, gl, gh);
            if (f & PD_TAPE_RB) _iadd(Al + b, Ah + b, gl, gh);
            break;
        case PD_OP_SUB:
            if (f & PD_TAPE_RA) _iadd(Al + a, Ah + a, gl, gh);
            if (f & PD_TAPE_RB) {
                mpfr_neg(tl, gh, MPFR_RNDN);
                mpfr_neg(th, gl, MPFR_RNDN);
                _iadd(Al + b, Ah + b, tl, th);
            }
            break;
        case PD_OP_MUL:
            if (f & PD_TAPE_RA)
                _addmul(W, Al + a, Ah + a, gl, gh, Vl + b, Vh + b, tl, th);
            if (f & PD_TAPE_RB)
                _addmul(W, Al + b, Ah + b, gl, gh, Vl + a, Vh + a, tl, th);
            break;
        case PD_OP_NEG:
            mpfr_neg(tl, gh, MPFR_RNDN);
            mpfr_neg(th, gl, MPFR_RNDN);
            _iadd(Al + a, Ah + a, tl, th);
            break;
        case PD_OP_DIV: {
            mpfr_srcptr cl = W->kl + I->aux, ch = W->kh + I->aux;
            OPD(mpfr_div, W->t1, gl, cl);
            OPD(mpfr_div, W->t2, gl, ch);
            OPD(mpfr_div, W->t3, gh, cl);
            OPD(mpfr_div, W->t4, gh, ch);
            _min(tl, W->t1, W->t2);
            _min(tl, tl, W->t3);
            _min(tl, tl, W->t4);
            OPU(mpfr_div, W->t1, gl, cl);
            OPU(mpfr_div, W->t2, gl, ch);
            OPU(mpfr_div, W->t3, gh, cl);
            OPU(mpfr_div, W->t4, gh, ch);
            _max(th, W->t1, W->t2);
            _max(th, th, W->t3);
            _max(th, th, W->t4);
            _iadd(Al + a, Ah + a, tl, th);
            break;
        }
        case PD_OP_POW: {
            slong n = nd->index, j;
            if (n == 0)
                break;
            /* n * x^(n-1), the power as in the forward sweep */
            mpfr_set_ui(ul, 1, MPFR_RNDN);
            mpfr_set_ui(uh, 1, MPFR_RNDN);
            for (j = 1; j < n; j++) {
                _imul(W, tl, th, ul, uh, Vl + a, Vh + a);
                mpfr_set(ul, tl, MPFR_RNDN);
                mpfr_set(uh, th, MPFR_RNDN);
            }
            if (n - 1 >= 4) {
                mpfr_nextbelow(ul);
                mpfr_nextbelow(ul);
                mpfr_nextabove(uh);
                mpfr_nextabove(uh);
            }
            _sub(ul, mpfr_mul_si(ul, ul, n, MPFR_RNDD), MPFR_RNDD);
            _sub(uh, mpfr_mul_si(uh, uh, n, MPFR_RNDU), MPFR_RNDU);
            if (mpfr_greater_p(ul, uh))
                mpfr_swap(ul, uh);
            _addmul(W, Al + a, Ah + a, gl, gh, ul, uh, tl, th);
            break;
        }
        case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU:
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            /* the local derivative's interval: hull over the branches the
               argument's interval allows, the tie value being both the
               rule's exact value and its float rounding */
            const fmpq *rule;
            double rf;
            int s, have = 0;
            fmpq_t q;
            switch (nd->op) {
            case PD_OP_RELU: rule = C->relu0; break;
            case PD_OP_ABS: rule = C->abs0; break;
            case PD_OP_LEAKY_RELU: rule = C->leaky_slope ? nd->c : C->leaky0; break;
            case PD_OP_CLAMP: rule = C->clamp0; break;
            case PD_OP_HARDTANH: rule = C->hardtanh0; break;
            default: rule = C->relu60; break;
            }
            fmpq_init(q);
#define JOIN(lo_, hi_) do {                                                 \
                if (!have) {                                                \
                    mpfr_set(wl, lo_, MPFR_RNDN);                           \
                    mpfr_set(wh, hi_, MPFR_RNDN);                           \
                    have = 1;                                               \
                } else                                                      \
                    _ihull(wl, wh, lo_, hi_);                               \
            } while (0)
            if (nd->op == PD_OP_CLAMP || nd->op == PD_OP_HARDTANH
                || nd->op == PD_OP_RELU6) {
                mpfr_srcptr lol = W->kl + I->aux, loh = W->kh + I->aux;
                mpfr_srcptr hil = W->kl + I->aux + 1, hih = W->kh + I->aux + 1;
                /* inside (derivative 1) possible if some u in (lo, hi) */
                if (mpfr_greater_p(Vh + a, lol) && mpfr_less_p(Vl + a, hih))
                    JOIN(one, one);
                /* outside (0) possible if u < lo or u > hi possible */
                if (mpfr_less_p(Vl + a, loh) || mpfr_greater_p(Vh + a, hil))
                    JOIN(zl, zl);
                s = !(mpfr_greater_p(Vl + a, loh) || mpfr_less_p(Vh + a, lol))
                    || !(mpfr_greater_p(Vl + a, hih) || mpfr_less_p(Vh + a, hil));
                if (s) {
                    /* a tie possible: the rule, and the torch formula's
                       value (g or 0 for rules 1 and 0) */
                    pd_fmpq_get_d_rnd(&rf, rule);
                    _const_iv(W, tl, th, rule, isf ? (double) (float) rf : rf);
                    JOIN(tl, th);
                }
            } else {
                s = _isgn(Vl + a, Vh + a);
                if (s >= 0 && mpfr_sgn(Vh + a) > 0)
                    JOIN(one, one);
                if (s <= 0 && mpfr_sgn(Vl + a) < 0) {
                    if (nd->op == PD_OP_RELU)
                        JOIN(zl, zl);
                    else if (nd->op == PD_OP_ABS) {
                        mpfr_set_si(tl, -1, MPFR_RNDN);
                        JOIN(tl, tl);
                    } else
                        JOIN(W->kl + I->aux, W->kh + I->aux);
                }
                if (s == 0) {
                    pd_fmpq_get_d_rnd(&rf, rule);
                    if (nd->op == PD_OP_LEAKY_RELU && C->leaky_slope) {
                        JOIN(W->kl + I->aux, W->kh + I->aux);
                    } else {
                        _const_iv(W, tl, th, rule, isf ? (double) (float) rf : rf);
                        JOIN(tl, th);
                    }
                }
            }
#undef JOIN
            fmpq_clear(q);
            if (!have) {
                mpfr_set_zero(wl, 1);
                mpfr_set_zero(wh, 1);
            }
            _addmul(W, Al + a, Ah + a, gl, gh, wl, wh, tl, th);
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            /* each argument gets a weight in [0, 1] when it may be the
               extremum (1/j, 1/2, 0 or 1 by the rule), exactly 0 when it
               cannot; the weights' hull [0, 1] or the sure {1} */
            slong cand = 0, firstk = -1, lastk = -1;
            int sure = 1;   /* every candidate the same point: a sure tie */
            for (k = 0; k < nd->nargs; k++)
                if (!(I->op == PD_OP_MAX
                      ? mpfr_less_p(Vh + nd->args[k], Vl + o)
                      : mpfr_greater_p(Vl + nd->args[k], Vh + o))) {
                    slong q = nd->args[k];
                    cand++;
                    if (firstk < 0)
                        firstk = k;
                    lastk = k;
                    if (!mpfr_equal_p(Vl + q, Vh + q)
                        || !mpfr_equal_p(Vl + q, Vl + nd->args[firstk]))
                        sure = 0;
                }
            if (cand > 1 && sure) {
                pd_tie_rule_t rule = nd->nargs == 2 ? C->max2 : C->maxn;
                for (k = 0; k < nd->nargs; k++) {
                    slong q = nd->args[k];
                    int tied = mpfr_equal_p(Vl + q, Vl + nd->args[firstk]);
                    if (!T->live[q] || !tied)
                        continue;
                    if (rule == PD_TIE_SPLIT) {
                        /* g / j rounded (float) or g * (1/j) (exact) */
                        _sub(tl, mpfr_div_si(tl, gl, cand, MPFR_RNDD), MPFR_RNDD);
                        _sub(th, mpfr_div_si(th, gh, cand, MPFR_RNDU), MPFR_RNDU);
                        _iadd(Al + q, Ah + q, tl, th);
                    } else if (rule == PD_TIE_BOTH
                               || (rule == PD_TIE_FIRST && k == firstk)
                               || (rule == PD_TIE_LAST && k == lastk)) {
                        _iadd(Al + q, Ah + q, gl, gh);
                    }
                }
                break;
            }
            for (k = 0; k < nd->nargs; k++) {
                int maybe = !(I->op == PD_OP_MAX
                              ? mpfr_less_p(Vh + nd->args[k], Vl + o)
                              : mpfr_greater_p(Vl + nd->args[k], Vh + o));
                if (!T->live[nd->args[k]])
                    continue;
                if (!maybe)
                    continue;
                if (cand == 1) {
                    _iadd(Al + nd->args[k], Ah + nd->args[k], gl, gh);
                } else {
                    /* weight in [0, 1], or [0, 1] * both-rule 1: hull(0, g) */
                    _addmul(W, Al + nd->args[k], Ah + nd->args[k], gl, gh,
                            zl, one, tl, th);
                }
            }
            break;
        }
        case PD_OP_SORTED: {
            slong off = T->sortoff[a];
            if (!(f & PD_TAPE_RA))
                break;
            _iadd(W->sl + off + nd->index, W->sh + off + nd->index, gl, gh);
            break;
        }
        case PD_OP_SORT: {
            /* each argument gets the buffer entry of its rank; where ranks
               are uncertain, the hull over the ranks it may take */
            slong off = T->sortoff[o], n = nd->nargs, j, m;
            for (k = 0; k < n; k++) {
                slong below = 0, notabove = 0;
                int have = 0;
                if (!T->live[nd->args[k]])
                    continue;
                /* ranks possible for argument k: from the number of
                   arguments surely below it to the number possibly below */
                for (m = 0; m < n; m++) {
                    if (m == k)
                        continue;
                    if (mpfr_less_p(Vh + nd->args[m], Vl + nd->args[k]))
                        below++;
                    if (!mpfr_greater_p(Vl + nd->args[m], Vh + nd->args[k]))
                        notabove++;
                }
                for (j = below; j <= notabove && j < n; j++) {
                    if (!have) {
                        mpfr_set(wl, W->sl + off + j, MPFR_RNDN);
                        mpfr_set(wh, W->sh + off + j, MPFR_RNDN);
                        have = 1;
                    } else
                        _ihull(wl, wh, W->sl + off + j, W->sh + off + j);
                }
                if (have)
                    _iadd(Al + nd->args[k], Ah + nd->args[k], wl, wh);
            }
            break;
        }
        default:
            break;
        }
    }
    for (k = 0; k < T->ninputs; k++) {
        slong n = P->input_nodes[k];
        mpfr_set_prec(lo + k, prec);
        mpfr_set_prec(hi + k, prec);
        mpfr_set(lo + k, W->al + n, MPFR_RNDN);
        mpfr_set(hi + k, W->ah + n, MPFR_RNDN);
        if (!T->live[n] || mpfr_zero_p(lo + k))
            mpfr_set_zero(lo + k, 1);
        if (!T->live[n] || mpfr_zero_p(hi + k))
            mpfr_set_zero(hi + k, 1);
    }
    mpfr_clear(ul);
    mpfr_clear(uh);
    mpfr_clear(wl);
    mpfr_clear(wh);
    mpfr_clear(tl);
    mpfr_clear(th);
    mpfr_clear(zl);
    mpfr_clear(one);
    mpfr_set_emin(omin);
    mpfr_set_emax(omax);
    return PD_OK;
}
