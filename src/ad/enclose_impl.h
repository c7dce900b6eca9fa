/* enclose_impl.h: the enclosure's forward and reverse sweeps for one
   format; included by enclose.c once per format with
     SFX      the name suffix (f: binary32, d: binary64)
     FP       the format's C type (the float code's type, for its
              conversions of exponents)
     ADD_DN, ADD_UP, MUL_DN, MUL_UP, DIV_DN, DIV_UP   directed operations
              on values of the format (interval.h)
     IMUL     the interval product
     RND_DN, RND_UP   a double rounded down / up to the format's grid
     NEXT_DN, NEXT_UP the neighbours on the format's grid
   Every interval contains the exact value of its node (or adjoint) and the
   value of every round-to-nearest evaluation in the format that follows
   branches its guards' intervals allow, by induction over the tape: each
   operation's range over its operands' intervals (over every branch they
   allow, for a nonsmooth node) is bounded by values at their ends, and
   those are rounded outward; rounding to nearest is monotone, so the
   format's result of the same operation lies inside too. */

#define PD_CAT_(a, b) a##b
#define PD_CAT(a, b) PD_CAT_(a, b)
#define FN(name) PD_CAT(name, SFX)

/* r += x; into an exact zero, a copy (most adjoints receive one
   contribution). */
static inline void FN(_iadd_)(_pd_iv *r, _pd_iv x)
{
    if (r->lo == 0 && r->hi == 0) {
        *r = x;
        return;
    }
    r->lo = ADD_DN(r->lo, x.lo);
    r->hi = ADD_UP(r->hi, x.hi);
}

/* r += g w; nothing for an exact zero g and a bounded w (the adjoints of
   inactive units). */
static inline void FN(_iaddmul_)(_pd_iv *r, _pd_iv g, _pd_iv w)
{
    _pd_iv t;
    if (g.lo == 0 && g.hi == 0 && w.lo > -INFINITY && w.hi < INFINITY)
        return;
    IMUL(&t, g, w);
    FN(_iadd_)(r, t);
}

/* Whether u may equal a value of b (a clamp on its bound). */
static inline int FN(_may_meet_)(_pd_iv u, _pd_iv b)
{
    return !(u.lo > b.hi || u.hi < b.lo);
}

/* x / c for a constant's interval c: everything where c may be 0 (a
   constant that underflows the format). */
static inline void FN(_idiv_)(_pd_iv *r, _pd_iv x, _pd_iv c)
{
    double lo, hi;
    if (c.lo > 0) {
        lo = x.lo >= 0 ? DIV_DN(x.lo, c.hi) : DIV_DN(x.lo, c.lo);
        hi = x.hi >= 0 ? DIV_UP(x.hi, c.lo) : DIV_UP(x.hi, c.hi);
    } else if (c.hi < 0) {
        lo = x.hi >= 0 ? DIV_DN(x.hi, c.hi) : DIV_DN(x.hi, c.lo);
        hi = x.lo >= 0 ? DIV_UP(x.lo, c.lo) : DIV_UP(x.lo, c.hi);
    } else {
        _pd_iv_everything(r);
        return;
    }
    /* a finite nonzero divisor gives no NaN */
    r->lo = lo;
    r->hi = hi;
}

/* RD and RU of a^e for a >= 0, e >= 1, by binary powering: every partial
   product is monotone in a, so the chain rounded down stays below a^e
   and the one rounded up above. */
static double FN(_powpos_dn_)(double a, ulong e)
{
    double r = a;
    while ((e & 1) == 0) {
        a = MUL_DN(a, a);
        e >>= 1;
        r = a;
    }
    while ((e >>= 1) != 0) {
        a = MUL_DN(a, a);
        if (e & 1)
            r = MUL_DN(r, a);
    }
    return r;
}

static double FN(_powpos_up_)(double a, ulong e)
{
    double r = a;
    while ((e & 1) == 0) {
        a = MUL_UP(a, a);
        e >>= 1;
        r = a;
    }
    while ((e >>= 1) != 0) {
        a = MUL_UP(a, a);
        if (e & 1)
            r = MUL_UP(r, a);
    }
    return r;
}

static double FN(_pow_dn_)(double a, ulong e)
{
    if (a >= 0)
        return FN(_powpos_dn_)(a, e);
    return (e & 1) ? -FN(_powpos_up_)(-a, e) : FN(_powpos_dn_)(-a, e);
}

static double FN(_pow_up_)(double a, ulong e)
{
    if (a >= 0)
        return FN(_powpos_up_)(a, e);
    return (e & 1) ? -FN(_powpos_dn_)(-a, e) : FN(_powpos_up_)(-a, e);
}

/* An enclosure of { u^e : u in x } (exact powers). */
static void FN(_ipow_exact_)(_pd_iv *r, _pd_iv x, ulong e)
{
    if (e == 0) {
        r->lo = r->hi = 1;
    } else if ((e & 1) || x.lo >= 0) {
        r->lo = FN(_pow_dn_)(x.lo, e);
        r->hi = FN(_pow_up_)(x.hi, e);
    } else if (x.hi <= 0) {
        r->lo = FN(_powpos_dn_)(-x.hi, e);
        r->hi = FN(_powpos_up_)(-x.lo, e);
    } else {
        r->lo = 0;
        r->hi = FN(_powpos_up_)(_pd_max2(-x.lo, x.hi), e);
    }
}

/* x^n as the float code computes it (grad_fp_impl.h, _pow_), and
   exactly.  n <= 3: the products x x and (x x) x, each of which binary
   powering bounds (its chains are the same products rounded down and up,
   and u -> RN(RN(u u) u) is monotone).  n >= 4: libm's pow of the format
   at the exponent converted to the format (n itself unless n is too large
   for it), within 1 ulp of the exact power of that exponent: both
   exponents' powers, two steps of the grid further out. */
static void FN(_ipow_)(_pd_iv *r, _pd_iv x, slong n)
{
    ulong m;
    FN(_ipow_exact_)(r, x, (ulong) n);
    if (n <= 3)
        return;
    m = (ulong) (FP) n;
    if (m != (ulong) n) {
        _pd_iv t;
        FN(_ipow_exact_)(&t, x, m);
        _pd_iv_hull(r, t);
    }
    r->lo = NEXT_DN(NEXT_DN(r->lo));
    r->hi = NEXT_UP(NEXT_UP(r->hi));
}

/* The integer n >= 1 as an interval of the format: it and (FP) n. */
static void FN(_iv_int_)(_pd_iv *r, slong n)
{
    double d = (double) n;
    if (n <= (WORD(1) << 53)) {
        r->lo = RND_DN(d);
        r->hi = RND_UP(d);
    } else {
        r->lo = RND_DN(_pd_next_dn_d(d));
        r->hi = RND_UP(_pd_next_up_d(d));
    }
}

/* The forward sweep over values; nodes whose guard's interval admits a
   tie go to T->tied. */
static void FN(_enc_forward_)(pd_tape_t T, _pd_enc *W, const _pd_iv *K)
{
    const pd_prog_struct *P = T->prog;
    _pd_iv *V = W->v;
    slong i, k;

    T->ntied = 0;
    for (i = 0; i < T->ninstr; i++) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b;
        switch (I->op) {
        case PD_OP_ADD:
            V[o].lo = ADD_DN(V[a].lo, V[b].lo);
            V[o].hi = ADD_UP(V[a].hi, V[b].hi);
            break;
        case PD_OP_SUB:
            V[o].lo = ADD_DN(V[a].lo, -V[b].hi);
            V[o].hi = ADD_UP(V[a].hi, -V[b].lo);
            break;
        case PD_OP_MUL:
            IMUL(V + o, V[a], V[b]);
            break;
        case PD_OP_NEG:
            V[o].lo = -V[a].hi;
            V[o].hi = -V[a].lo;
            break;
        case PD_OP_DIV:
            FN(_idiv_)(V + o, V[a], K[I->aux]);
            break;
        case PD_OP_POW:
            FN(_ipow_)(V + o, V[a], P->nodes[o].index);
            break;
        case PD_OP_RELU:
            V[o].lo = _pd_max2(V[a].lo, 0);
            V[o].hi = _pd_max2(V[a].hi, 0);
            if (_pd_iv_sgn(V[a]) == 0)
                _pd_tape_tie(T, o);
            break;
        case PD_OP_ABS: {
            int s = _pd_iv_sgn(V[a]);
            if (s > 0) {
                V[o] = V[a];
            } else if (s < 0) {
                V[o].lo = -V[a].hi;
                V[o].hi = -V[a].lo;
            } else {
                V[o].lo = 0;
                V[o].hi = _pd_max2(-V[a].lo, V[a].hi);
                _pd_tape_tie(T, o);
            }
            break;
        }
        case PD_OP_LEAKY_RELU: {
            /* u on the positive side, a u on the other: the hull of both
               where the side is unknown */
            int s = _pd_iv_sgn(V[a]);
            _pd_iv t;
            if (s > 0) {
                t = V[a];
            } else {
                IMUL(&t, V[a], K[I->aux]);
                if (s == 0) {
                    _pd_iv_hull(&t, V[a]);
                    _pd_tape_tie(T, o);
                }
            }
            V[o] = t;
            break;
        }
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            /* min(max(u, lo), hi) is monotone in u, lo and hi */
            const _pd_iv u = V[a], lo = K[I->aux], hi = K[I->aux + 1];
            V[o].lo = _pd_min2(_pd_max2(u.lo, lo.lo), hi.lo);
            V[o].hi = _pd_min2(_pd_max2(u.hi, lo.hi), hi.hi);
            if (FN(_may_meet_)(u, lo) || FN(_may_meet_)(u, hi))
                _pd_tape_tie(T, o);
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            const pd_node_struct *nd = P->nodes + o;
            const slong *args = nd->args;
            _pd_iv t = V[args[0]];
            slong cnt = 0;
            if (I->op == PD_OP_MAX) {
                for (k = 1; k < nd->nargs; k++) {
                    t.lo = _pd_max2(t.lo, V[args[k]].lo);
                    t.hi = _pd_max2(t.hi, V[args[k]].hi);
                }
                /* arguments that may reach the maximum */
                for (k = 0; k < nd->nargs; k++)
                    cnt += !(V[args[k]].hi < t.lo);
            } else {
                for (k = 1; k < nd->nargs; k++) {
                    t.lo = _pd_min2(t.lo, V[args[k]].lo);
                    t.hi = _pd_min2(t.hi, V[args[k]].hi);
                }
                for (k = 0; k < nd->nargs; k++)
                    cnt += !(V[args[k]].lo > t.hi);
            }
            V[o] = t;
            if (cnt > 1)
                _pd_tape_tie(T, o);
            break;
        }
        case PD_OP_SORT: {
            /* the j-th smallest lies between the j-th smallest lower bound
               and the j-th smallest upper bound */
            const pd_node_struct *nd = P->nodes + o;
            slong n = nd->nargs, j, m;
            _pd_iv *S = W->s + T->sortoff[o];
            int unc = 0;
            for (j = 0; j < n; j++)
                S[j] = V[nd->args[j]];
            for (j = 1; j < n; j++) {
                double x = S[j].lo;
                for (m = j; m > 0 && x < S[m - 1].lo; m--)
                    S[m].lo = S[m - 1].lo;
                S[m].lo = x;
            }
            for (j = 1; j < n; j++) {
                double x = S[j].hi;
                for (m = j; m > 0 && x < S[m - 1].hi; m--)
                    S[m].hi = S[m - 1].hi;
                S[m].hi = x;
            }
            V[o].lo = V[o].hi = 0;
            for (j = 0; j < n && !unc; j++)
                for (m = j + 1; m < n && !unc; m++)
                    unc = !(V[nd->args[j]].hi < V[nd->args[m]].lo
                            || V[nd->args[m]].hi < V[nd->args[j]].lo);
            if (unc)
                _pd_tape_tie(T, o);
            break;
        }
        case PD_OP_SORTED:
            V[o] = W->s[T->sortoff[a] + P->nodes[o].index];
            break;
        default:
            break;
        }
    }
}

/* The reverse sweep: adjoints in the float code's order. */
static void FN(_enc_backward_)(pd_tape_t T, _pd_enc *W, const _pd_iv *K,
                               const _pd_iv *rules)
{
    const pd_prog_struct *P = T->prog;
    const pd_conv_struct *C = T->conv;
    _pd_iv *V = W->v, *A = W->a, *S = W->s;
    const _pd_iv zero = { 0, 0 }, one = { 1, 1 }, unit = { 0, 1 };
    slong i, k;

    memset(A, 0, T->len * sizeof(_pd_iv));
    memset(S, 0, T->nsortslots * sizeof(_pd_iv));
    A[P->output] = one;
    for (i = T->ninstr - 1; i >= 0; i--) {
        const pd_tape_instr_struct *I = T->instr + i;
        const int o = I->out, a = I->a, b = I->b, f = I->flags;
        const pd_node_struct *nd = P->nodes + o;
        _pd_iv g;
        if (!(f & PD_TAPE_LIVE))
            continue;
        g = A[o];
        switch (I->op) {
        case PD_OP_ADD:
            if (f & PD_TAPE_RA) FN(_iadd_)(A + a, g);
            if (f & PD_TAPE_RB) FN(_iadd_)(A + b, g);
            break;
        case PD_OP_SUB:
            if (f & PD_TAPE_RA) FN(_iadd_)(A + a, g);
            if (f & PD_TAPE_RB) {
                _pd_iv t;
                t.lo = -g.hi;
                t.hi = -g.lo;
                FN(_iadd_)(A + b, t);
            }
            break;
        case PD_OP_MUL:
            if (f & PD_TAPE_RA) FN(_iaddmul_)(A + a, g, V[b]);
            if (f & PD_TAPE_RB) FN(_iaddmul_)(A + b, g, V[a]);
            break;
        case PD_OP_NEG: {
            _pd_iv t;
            t.lo = -g.hi;
            t.hi = -g.lo;
            FN(_iadd_)(A + a, t);
            break;
        }
        case PD_OP_DIV: {
            _pd_iv t;
            FN(_idiv_)(&t, g, K[I->aux]);
            FN(_iadd_)(A + a, t);
            break;
        }
        case PD_OP_POW: {
            /* g ((FP) n x^(n-1)) */
            slong n = nd->index;
            _pd_iv u, c, w;
            if (n == 0)
                break;
            FN(_ipow_)(&u, V[a], n - 1);
            FN(_iv_int_)(&c, n);
            IMUL(&w, c, u);
            FN(_iaddmul_)(A + a, g, w);
            break;
        }
        case PD_OP_RELU: case PD_OP_ABS: case PD_OP_LEAKY_RELU: {
            /* the local derivative: hull over the branches the argument's
               interval allows; at a possible tie the rule, exact and as
               the float code rounds it */
            const _pd_iv u = V[a];
            _pd_iv w = { INFINITY, -INFINITY };
            if (u.hi > 0)
                _pd_iv_hull(&w, one);
            if (u.lo < 0) {
                if (I->op == PD_OP_RELU)
                    _pd_iv_hull(&w, zero);
                else if (I->op == PD_OP_ABS) {
                    const _pd_iv m1 = { -1, -1 };
                    _pd_iv_hull(&w, m1);
                } else
                    _pd_iv_hull(&w, K[I->aux]);
            }
            if (u.lo <= 0 && u.hi >= 0) {
                if (I->op == PD_OP_RELU)
                    _pd_iv_hull(&w, rules[PD_ENC_RELU0]);
                else if (I->op == PD_OP_ABS)
                    _pd_iv_hull(&w, rules[PD_ENC_ABS0]);
                else if (C->leaky_slope)
                    _pd_iv_hull(&w, K[I->aux]);
                else
                    _pd_iv_hull(&w, rules[PD_ENC_LEAKY0]);
            }
            if (w.lo > w.hi)       /* no branch: cannot happen */
                w = zero;
            FN(_iaddmul_)(A + a, g, w);
            break;
        }
        case PD_OP_CLAMP: case PD_OP_HARDTANH: case PD_OP_RELU6: {
            const _pd_iv u = V[a], lo = K[I->aux], hi = K[I->aux + 1];
            _pd_iv w = { INFINITY, -INFINITY };
            /* inside (1) if some u in (lo, hi); outside (0) if u < lo or
               u > hi possible; on a bound, the rule */
            if (u.hi > lo.lo && u.lo < hi.hi)
                _pd_iv_hull(&w, one);
            if (u.lo < lo.hi || u.hi > hi.lo)
                _pd_iv_hull(&w, zero);
            if (FN(_may_meet_)(u, lo) || FN(_may_meet_)(u, hi))
                _pd_iv_hull(&w, rules[I->op == PD_OP_CLAMP ? PD_ENC_CLAMP0
                                      : I->op == PD_OP_HARDTANH
                                      ? PD_ENC_HARDTANH0 : PD_ENC_RELU60]);
            if (w.lo > w.hi)       /* no branch: cannot happen */
                w = zero;
            FN(_iaddmul_)(A + a, g, w);
            break;
        }
        case PD_OP_MAX: case PD_OP_MIN: {
            /* each argument that may be the extremum gets a weight in
               [0, 1] (1, 1/j, 1/2 or 0 by the rule); one that cannot gets
               0; the only candidate gets g; a sure tie (every candidate the
               same point) gets the rule's share */
            const slong *args = nd->args;
            const int ismax = (I->op == PD_OP_MAX);
            const _pd_iv m = V[o];
            slong cand = 0, firstk = -1, lastk = -1;
            int sure = 1;
            for (k = 0; k < nd->nargs; k++) {
                const _pd_iv x = V[args[k]];
                if (ismax ? x.hi < m.lo : x.lo > m.hi)
                    continue;
                cand++;
                if (firstk < 0)
                    firstk = k;
                lastk = k;
                if (x.lo != x.hi || x.lo != V[args[firstk]].lo)
                    sure = 0;
            }
            if (cand > 1 && sure) {
                pd_tie_rule_t rule = nd->nargs == 2 ? C->max2 : C->maxn;
                const double pt = V[args[firstk]].lo;
                _pd_iv share = g;
                if (rule == PD_TIE_SPLIT) {
                    /* g / j rounded (float code), g (1/j) (exact) */
                    share.lo = DIV_DN(g.lo, (double) cand);
                    share.hi = DIV_UP(g.hi, (double) cand);
                }
                for (k = 0; k < nd->nargs; k++) {
                    const slong q = args[k];
                    if (!T->live[q] || V[q].lo != pt)
                        continue;
                    if (rule == PD_TIE_SPLIT || rule == PD_TIE_BOTH
                        || (rule == PD_TIE_FIRST && k == firstk)
                        || (rule == PD_TIE_LAST && k == lastk))
                        FN(_iadd_)(A + q, share);
                }
                break;
            }
            for (k = 0; k < nd->nargs; k++) {
                const slong q = args[k];
                const _pd_iv x = V[q];
                if (!T->live[q] || (ismax ? x.hi < m.lo : x.lo > m.hi))
                    continue;
                if (cand == 1)
                    FN(_iadd_)(A + q, g);
                else
                    FN(_iaddmul_)(A + q, g, unit);
            }
            break;
        }
        case PD_OP_SORTED:
            if (f & PD_TAPE_RA)
                FN(_iadd_)(S + T->sortoff[a] + nd->index, g);
            break;
        case PD_OP_SORT: {
            /* each argument gets the buffer entry of its rank; where the
               rank is uncertain, the hull over the ranks it may take: from
               the number of arguments surely below it to the number
               possibly not above it */
            const slong off = T->sortoff[o], n = nd->nargs;
            slong j, m;
            for (k = 0; k < n; k++) {
                const _pd_iv x = V[nd->args[k]];
                slong below = 0, notabove = 0;
                _pd_iv w;
                if (!T->live[nd->args[k]])
                    continue;
                for (m = 0; m < n; m++) {
                    if (m == k)
                        continue;
                    below += V[nd->args[m]].hi < x.lo;
                    notabove += !(V[nd->args[m]].lo > x.hi);
                }
                w = S[off + below];
                for (j = below + 1; j <= notabove && j < n; j++)
                    _pd_iv_hull(&w, S[off + j]);
                FN(_iadd_)(A + nd->args[k], w);
            }
            break;
        }
        default:
            break;
        }
    }
}

#undef FN
#undef PD_CAT
#undef PD_CAT_
