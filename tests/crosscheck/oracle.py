#!/usr/bin/env python3
"""oracle.py: an independent second method for pathdiff's exact answers.

Generates random nonsmooth straight-line programs (a subset of the .pd
language), evaluates them exactly with fractions.Fraction, and compares the
result with `pathdiff eval`, `clarke`, `field` and `ad --arith exact`.
Nothing here shares pathdiff's algorithms:

  * values and gradients: a plain interpreter over the program's own DAG
    (forward mode), refusing a gradient where any nonsmooth node is tied;
  * Clarke set from inside: the program is evaluated along rays x + t d and
    curves x + t d + t^2 e as exact polynomials in t; every nonsmooth node
    takes the branch its guard's lowest-order coefficient selects, so the
    pattern is the one the curve enters for all small t > 0 and the gradient
    of that piece at x is a limit of gradients, i.e. in the Clarke set;
    every such gradient must be in pathdiff's Clarke set (exact LP), and for
    one input (rays t -> 0+ and 0- find every piece) and for programs with
    affine guards (every essentially active region is an open cone at x) every
    pathdiff vertex must be found;
  * differentiability: f is Lipschitz, so it is differentiable at x iff its
    directional derivative (the t coefficient of f(x + t d)) is linear in d;
  * backprop field: brute force over every vertex choice of the local
    derivatives at the tied nodes, forward mode, extreme points by exact LP;
    the vertex set must equal pathdiff's `field.vertices` exactly;
  * pathdiff's own claims: Clarke is contained in the hull of the field, a
    piece pathdiff marks not essentially active (or prunes) is never one the
    curves enter, and certificate directions/curves pathdiff gives for
    essentially active pieces do enter a region with that gradient.

Usage: oracle.py PATHDIFF [--count N] [--seed S] [--keep DIR] [-v]
  --keep DIR  write the programs there (the failing ones stay)
  -v          notes on vertices confirmed only through pathdiff's certificates
PD_TEST_SEED overrides the seed, PD_TEST_MULT multiplies the count.
Classic cases may carry facts proved by hand (p.expect).  Disagreements
analysed by hand where pathdiff is wrong and not yet fixed are listed in
KNOWN: reported on every run, failing only with PD_CROSSCHECK_STRICT=1.
Exit status: 0 all passed, 1 a disagreement, 2 usage or setup error.
"""

import functools
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction as Q

# ---------------------------------------------------------------------------
# Programs: a DAG of scalar nodes.  Node kinds:
#   ('in', i) ('const', q) ('add', a, b) ('sub', a, b) ('mul', a, b)
#   ('neg', a) ('cmul', q, a) ('pow', a, k)
#   ('relu', a) ('abs', a) ('leaky', a, slope) ('max', [a..]) ('min', [a..])
#   ('clamp', a, lo, hi, spelling)  spelling: clamp | hardtanh | relu6
#   ('sort', [a..])  has no value; ('rank', s, j) is its j-th smallest (0-based)
NONSMOOTH = ('relu', 'abs', 'leaky', 'max', 'min', 'clamp', 'sort')


class Prog:
    def __init__(self, n):
        self.n = n
        self.nodes = []
        self.inputs = [self.add('in', i) for i in range(n)]
        self.pl = True          # affine guards: no product of two variables
        self.label = ''
        self.expect = {}        # facts proved by hand (classic cases)

    def add(self, *node):
        self.nodes.append(node)
        return len(self.nodes) - 1

    def name(self, i):
        k = self.nodes[i]
        return 'x%d' % (k[1] + 1) if k[0] == 'in' else 'n%d' % i

    def is_const(self, i):
        return self.nodes[i][0] == 'const'

    def text(self):
        out = ['input ' + ', '.join('x%d' % (i + 1) for i in range(self.n))]
        nm = self.name
        for i, k in enumerate(self.nodes):
            op = k[0]
            if op == 'in':
                continue
            if op == 'const':
                e = qstr(k[1])
            elif op in ('add', 'sub', 'mul'):
                e = '%s %s %s' % (nm(k[1]), {'add': '+', 'sub': '-', 'mul': '*'}[op], nm(k[2]))
            elif op == 'neg':
                e = '-' + nm(k[1])
            elif op == 'cmul':
                e = '%s * %s' % (qstr(k[1]), nm(k[2]))
            elif op == 'pow':
                e = '%s^%d' % (nm(k[1]), k[2])
            elif op in ('relu', 'abs'):
                e = '%s(%s)' % (op, nm(k[1]))
            elif op == 'leaky':
                e = 'leaky_relu(%s, %s)' % (nm(k[1]), qstr(k[2]))
            elif op in ('max', 'min'):
                e = '%s(%s)' % (op, ', '.join(nm(a) for a in k[1]))
            elif op == 'clamp':
                if k[4] == 'clamp':
                    e = 'clamp(%s, %s, %s)' % (nm(k[1]), qstr(k[2]), qstr(k[3]))
                else:
                    e = '%s(%s)' % (k[4], nm(k[1]))
            elif op == 'sort':
                e = 'sort([%s])' % ', '.join(nm(a) for a in k[1])
            elif op == 'rank':
                e = '%s[%d]' % (nm(k[1]), k[2] + 1)
            else:
                raise ValueError(op)
            out.append('%s = %s' % (nm(i), e))
        out.append('output %s' % nm(len(self.nodes) - 1))
        return '\n'.join(out) + '\n'


def qstr(q):
    q = Q(q)
    return str(q.numerator) if q.denominator == 1 else '%d/%d' % (q.numerator, q.denominator)


def vstr(v):
    return [qstr(c) for c in v]


# ---------------------------------------------------------------------------
# Plain exact evaluation at a point, forward-mode gradient, tied nodes.

def sort_groups(vals):
    """Entries' indices in ascending order of value, grouped by equal value."""
    order = sorted(range(len(vals)), key=lambda i: vals[i])
    groups = []
    for i in order:
        if groups and vals[groups[-1][0]] == vals[i]:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def node_tied(k, val):
    """Whether nonsmooth node k is tied, given the values of all nodes."""
    op = k[0]
    if op in ('relu', 'abs', 'leaky'):
        return val[k[1]] == 0
    if op in ('max', 'min'):
        vs = [val[a] for a in k[1]]
        ext = max(vs) if op == 'max' else min(vs)
        return vs.count(ext) > 1
    if op == 'clamp':
        return val[k[1]] in (k[2], k[3])
    if op == 'sort':
        vs = [val[a] for a in k[1]]
        return len(set(vs)) < len(vs)
    return False


def local_choices(k, val):
    """The vertex choices of a nonsmooth node's local derivative at the point:
    a list of 'choices'; for scalar primitives a choice is a list of
    (argument, weight) pairs; for sort it is a permutation (the argument
    position of each rank)."""
    op = k[0]
    if op in ('relu', 'abs', 'leaky'):
        u = val[k[1]]
        lo = {'relu': Q(0), 'abs': Q(-1), 'leaky': Q(k[2]) if op == 'leaky' else None}[op]
        if u > 0:
            return [[(k[1], Q(1))]]
        if u < 0:
            return [[(k[1], lo)]]
        return [[(k[1], lo)], [(k[1], Q(1))]]
    if op in ('max', 'min'):
        vs = [val[a] for a in k[1]]
        ext = max(vs) if op == 'max' else min(vs)
        return [[(k[1][i], Q(1))] for i in range(len(vs)) if vs[i] == ext]
    if op == 'clamp':
        u = val[k[1]]
        if u < k[2] or u > k[3]:
            return [[(k[1], Q(0))]]
        if k[2] < u < k[3]:
            return [[(k[1], Q(1))]]
        return [[(k[1], Q(0))], [(k[1], Q(1))]]
    if op == 'sort':
        groups = sort_groups([val[a] for a in k[1]])
        perms = [[]]
        for g in groups:
            perms = [p + list(q) for p in perms for q in itertools.permutations(g)]
        return perms
    raise ValueError(op)


def value_of(k, val):
    op = k[0]
    a = val[k[1]] if op not in ('max', 'min', 'sort', 'cmul') else None
    if op == 'add':
        return a + val[k[2]]
    if op == 'sub':
        return a - val[k[2]]
    if op == 'mul':
        return a * val[k[2]]
    if op == 'neg':
        return -a
    if op == 'cmul':
        return k[1] * val[k[2]]
    if op == 'pow':
        return a ** k[2]
    if op == 'relu':
        return max(a, Q(0))
    if op == 'abs':
        return abs(a)
    if op == 'leaky':
        return a if a >= 0 else k[2] * a
    if op == 'max':
        return max(val[b] for b in k[1])
    if op == 'min':
        return min(val[b] for b in k[1])
    if op == 'clamp':
        return min(max(a, k[2]), k[3])
    if op == 'sort':
        return None
    raise ValueError(op)


def evaluate(p, x):
    """Exact values of every node at x."""
    val = []
    for k in p.nodes:
        if k[0] == 'in':
            val.append(Q(x[k[1]]))
        elif k[0] == 'const':
            val.append(Q(k[1]))
        elif k[0] == 'rank':
            val.append(sorted(val[b] for b in p.nodes[k[1]][1])[k[2]])
        else:
            val.append(value_of(k, val))
    return val


def tied_nodes(p, val):
    return [i for i, k in enumerate(p.nodes) if k[0] in NONSMOOTH and node_tied(k, val)]


def forward(p, val, choice):
    """Forward-mode gradient of the output at the point whose node values are
    val, with the local derivative of every nonsmooth node given by
    choice[i] (an element of local_choices)."""
    n = p.n
    zero = [Q(0)] * n
    g = []
    for i, k in enumerate(p.nodes):
        op = k[0]
        if op == 'in':
            v = list(zero)
            v[k[1]] = Q(1)
        elif op == 'const' or op == 'sort':
            v = zero
        elif op == 'add':
            v = [a + b for a, b in zip(g[k[1]], g[k[2]])]
        elif op == 'sub':
            v = [a - b for a, b in zip(g[k[1]], g[k[2]])]
        elif op == 'mul':
            va, vb = val[k[1]], val[k[2]]
            v = [vb * a + va * b for a, b in zip(g[k[1]], g[k[2]])]
        elif op == 'neg':
            v = [-a for a in g[k[1]]]
        elif op == 'cmul':
            v = [k[1] * a for a in g[k[2]]]
        elif op == 'pow':
            m = k[2]
            c = m * val[k[1]] ** (m - 1) if m > 0 else Q(0)
            v = [c * a for a in g[k[1]]]
        elif op == 'rank':
            perm = choice[k[1]]
            src = p.nodes[k[1]][1][perm[k[2]]]
            v = g[src]
        elif op in NONSMOOTH:
            v = list(zero)
            for a, w in choice[i]:
                v = [s + w * t for s, t in zip(v, g[a])]
        else:
            raise ValueError(op)
        g.append(v)
    return g[-1]


def gradient_at(p, x):
    """(value, gradient, tied): gradient is None when a node is tied."""
    val = evaluate(p, x)
    tied = tied_nodes(p, val)
    if tied:
        return val[-1], None, tied
    choice = {i: local_choices(k, val)[0] for i, k in enumerate(p.nodes) if k[0] in NONSMOOTH}
    return val[-1], forward(p, val, choice), tied


def field_outputs(p, x, limit):
    """Every backprop output at vertex choices of the tied nodes (None when
    there are more than limit combinations)."""
    val = evaluate(p, x)
    ns = [i for i, k in enumerate(p.nodes) if k[0] in NONSMOOTH]
    opts = [local_choices(p.nodes[i], val) for i in ns]
    total = 1
    for o in opts:
        total *= len(o)
    if total > limit:
        return None
    outs = set()
    for combo in itertools.product(*opts):
        outs.add(tuple(forward(p, val, dict(zip(ns, combo)))))
    return outs


# ---------------------------------------------------------------------------
# Exact evaluation along a polynomial curve gamma(t) = x + t d + t^2 e.
# Polynomials in t are lists of Fractions, constant term first.

def pnorm(a):
    while a and a[-1] == 0:
        a.pop()
    return a


def padd(a, b):
    r = [Q(0)] * max(len(a), len(b))
    for i, c in enumerate(a):
        r[i] += c
    for i, c in enumerate(b):
        r[i] += c
    return pnorm(r)


def pscale(c, a):
    return pnorm([c * u for u in a])


def psub(a, b):
    return padd(a, pscale(Q(-1), b))


def pmul(a, b):
    if not a or not b:
        return []
    r = [Q(0)] * (len(a) + len(b) - 1)
    for i, u in enumerate(a):
        for j, w in enumerate(b):
            r[i + j] += u * w
    return pnorm(r)


def psign(a):
    """Sign of a(t) for all small t > 0: of its lowest non-zero coefficient."""
    for c in a:
        if c != 0:
            return 1 if c > 0 else -1
    return 0


def pval(a, t):
    r = Q(0)
    for c in reversed(a):
        r = r * t + c
    return r


class Degenerate(Exception):
    """The curve runs inside a kink whose branches have different gradients."""


def along(p, x, coeffs):
    """Evaluate p along gamma(t) = x + sum_k coeffs[k-1] t^k for small t > 0.
    Returns (f o gamma as a polynomial, gradient at x of the piece the curve
    enters, pattern): pattern maps every nonsmooth node tied at x to the
    branch taken (pathdiff's spelling), or to None where the curve stays in
    that node's kink but every branch gives the same gradient (then the
    branches agree downstream too).  Raises Degenerate otherwise."""
    n = p.n
    val0 = evaluate(p, x)
    zero = [Q(0)] * n
    V, G = [], []
    pat = {}
    for i, k in enumerate(p.nodes):
        op = k[0]
        if op == 'in':
            j = k[1]
            V.append(pnorm([Q(x[j])] + [Q(c[j]) for c in coeffs]))
            v = list(zero)
            v[j] = Q(1)
            G.append(v)
            continue
        if op == 'const':
            V.append(pnorm([Q(k[1])]))
            G.append(zero)
            continue
        if op == 'sort':
            V.append(None)
            args = k[1]
            # order the entries for small t > 0; entries with identical
            # polynomials stay in the curve's kink
            keys = [V[a] for a in args]
            order = list(range(len(args)))
            def cmp(a, b):
                return psign(psub(keys[a], keys[b]))
            order.sort(key=functools.cmp_to_key(cmp))
            for r in range(len(order) - 1):
                if cmp(order[r], order[r + 1]) == 0 and G[args[order[r]]] != G[args[order[r + 1]]]:
                    raise Degenerate()
            G.append(order)
            if node_tied(k, val0):
                pat[i] = ' < '.join(str(a + 1) for a in order)
                if any(cmp(order[r], order[r + 1]) == 0 for r in range(len(order) - 1)):
                    pat[i] = None
            continue
        if op == 'rank':
            order = G[k[1]]
            src = p.nodes[k[1]][1][order[k[2]]]
            V.append(V[src])
            G.append(G[src])
            continue
        a = V[k[1]] if op not in ('max', 'min', 'cmul') else None
        ga = G[k[1]] if op not in ('max', 'min', 'cmul') else None
        tied = op in NONSMOOTH and node_tied(k, val0)
        if op == 'add':
            V.append(padd(a, V[k[2]]))
            G.append([s + t for s, t in zip(ga, G[k[2]])])
        elif op == 'sub':
            V.append(psub(a, V[k[2]]))
            G.append([s - t for s, t in zip(ga, G[k[2]])])
        elif op == 'mul':
            V.append(pmul(a, V[k[2]]))
            G.append([val0[k[2]] * s + val0[k[1]] * t for s, t in zip(ga, G[k[2]])])
        elif op == 'neg':
            V.append(pscale(Q(-1), a))
            G.append([-s for s in ga])
        elif op == 'cmul':
            V.append(pscale(k[1], V[k[2]]))
            G.append([k[1] * s for s in G[k[2]]])
        elif op == 'pow':
            r = pnorm([Q(1)])
            for _ in range(k[2]):
                r = pmul(r, a)
            V.append(r)
            m = k[2]
            c = m * val0[k[1]] ** (m - 1) if m > 0 else Q(0)
            G.append([c * s for s in ga])
        elif op in ('relu', 'abs', 'leaky'):
            lo = {'relu': Q(0), 'abs': Q(-1)}.get(op, k[2] if op == 'leaky' else None)
            sg = psign(a)
            if sg == 0:
                # u vanishes along the curve: both branches are 0 there
                if [lo * s for s in ga] != ga:
                    raise Degenerate()
                V.append([])
                G.append(list(ga))
                br = None
            elif sg > 0:
                V.append(a)
                G.append(list(ga))
                br = 'u'
            else:
                V.append(pscale(lo, a))
                G.append([lo * s for s in ga])
                br = {'relu': '0', 'abs': '-u'}.get(op, '%s*u' % qstr(lo))
            if tied:
                pat[i] = br
        elif op in ('max', 'min'):
            args = k[1]
            best = [0]
            for j in range(1, len(args)):
                s = psign(psub(V[args[j]], V[args[best[0]]]))
                if op == 'min':
                    s = -s
                if s > 0:
                    best = [j]
                elif s == 0:
                    best.append(j)
            if any(G[args[j]] != G[args[best[0]]] for j in best):
                raise Degenerate()
            V.append(V[args[best[0]]])
            G.append(list(G[args[best[0]]]))
            if tied:
                pat[i] = 'arg %d' % (best[0] + 1) if len(best) == 1 else None
        elif op == 'clamp':
            lo, hi = k[2], k[3]
            slo = psign(psub(a, [lo] if lo else []))
            shi = psign(psub(a, [hi] if hi else []))
            if slo < 0:
                V.append(pnorm([lo]))
                G.append(zero)
                br = 'lo'
            elif shi > 0:
                V.append(pnorm([hi]))
                G.append(zero)
                br = 'hi'
            elif slo > 0 and shi < 0:
                V.append(a)
                G.append(list(ga))
                br = 'u'
            else:
                if any(s != 0 for s in ga):
                    raise Degenerate()
                V.append(a)
                G.append(zero)
                br = None
            if tied:
                pat[i] = br
        else:
            raise ValueError(op)
    return V[-1], G[-1], pat


# ---------------------------------------------------------------------------
# Exact LP: is p in the convex hull of the points V?  Phase one of the
# simplex method with Bland's rule, on a dense tableau of Fractions.

def in_hull(p, V):
    if not V:
        return False
    m = len(p) + 1
    k = len(V)
    rows = []
    for r in range(m):
        coef = [Q(v[r]) for v in V] if r < len(p) else [Q(1)] * k
        rhs = Q(p[r]) if r < len(p) else Q(1)
        if rhs < 0:
            coef = [-c for c in coef]
            rhs = -rhs
        art = [Q(1) if a == r else Q(0) for a in range(m)]
        rows.append(coef + art + [rhs])
    ncol = k + m
    basis = list(range(k, k + m))
    # objective: minimize the sum of artificials; reduced costs
    obj = [Q(0)] * (ncol + 1)
    for r in range(m):
        for c in range(ncol + 1):
            obj[c] -= rows[r][c]
    for r in range(m):
        obj[k + r] += 1
    while True:
        enter = next((c for c in range(ncol) if obj[c] < 0), None)
        if enter is None:
            break
        best, leave = None, None
        for r in range(m):
            if rows[r][enter] > 0:
                ratio = rows[r][ncol] / rows[r][enter]
                if best is None or ratio < best or (ratio == best and basis[r] < basis[leave]):
                    best, leave = ratio, r
        if leave is None:
            break  # unbounded cannot happen in phase one
        piv = rows[leave][enter]
        rows[leave] = [c / piv for c in rows[leave]]
        for r in range(m):
            if r != leave and rows[r][enter] != 0:
                f = rows[r][enter]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[leave])]
        f = obj[enter]
        obj = [a - f * b for a, b in zip(obj, rows[leave])]
        basis[leave] = enter
    return obj[ncol] == 0


def extreme_points(S):
    """The vertices of the convex hull of the finite set S of vectors."""
    S = sorted(set(tuple(s) for s in S))
    if len(S) <= 1:
        return S
    if len(S[0]) == 1:
        return sorted({min(S), max(S)})
    return [s for i, s in enumerate(S) if not in_hull(s, S[:i] + S[i + 1:])]


# ---------------------------------------------------------------------------
# Random programs.

def rconst(rng, allow_zero=True):
    while True:
        c = Q(rng.randint(-3, 3), rng.choice([1, 1, 1, 2, 3, 4]))
        if c != 0 or allow_zero:
            return c


class Builder:
    """Builds a random program; 'tunable' constants are set afterwards so
    that chosen nonsmooth nodes tie at the point."""

    def __init__(self, rng, n, nonlinear):
        self.rng = rng
        self.p = Prog(n)
        self.nonlinear = nonlinear
        self.tunes = []    # (const node, function(values) -> constant)
        self.pool = list(self.p.inputs)

    def const(self, q):
        return self.p.add('const', Q(q))

    def tunable(self, fn):
        c = self.p.add('const', Q(0))
        self.tunes.append((c, fn))
        return c

    def leaf(self):
        r = self.rng.random()
        if r < 0.15:
            return self.const(rconst(self.rng))
        return self.rng.choice(self.pool)

    def kinked(self, e):
        """e minus a tunable constant that zeroes it at the point (mostly)."""
        if self.rng.random() < 0.55:
            c = self.tunable(lambda val, e=e: val[e])
            return self.p.add('sub', e, c)
        return e

    def expr(self, depth):
        rng, p = self.rng, self.p
        if depth <= 0 or rng.random() < 0.12:
            return self.leaf()
        ops = ['add', 'sub', 'cmul', 'neg', 'relu', 'relu', 'abs', 'leaky', 'max', 'max', 'min',
               'clamp', 'hardtanh', 'relu6', 'sort', 'reuse']
        if self.nonlinear:
            ops += ['mul', 'mul', 'pow']
        op = rng.choice(ops)
        if op == 'reuse' and len(self.pool) > self.p.n:
            return rng.choice(self.pool[self.p.n:])
        if op == 'reuse':
            op = 'relu'
        if op in ('add', 'sub', 'mul'):
            a, b = self.expr(depth - 1), self.expr(depth - 1)
            if op == 'mul' and not (p.is_const(a) or p.is_const(b)):
                p.pl = False
            r = p.add(op, a, b)
        elif op == 'cmul':
            r = p.add('cmul', rconst(rng, False), self.expr(depth - 1))
        elif op == 'neg':
            r = p.add('neg', self.expr(depth - 1))
        elif op == 'pow':
            a = self.expr(depth - 1)
            k = rng.choice([2, 2, 3])
            if not p.is_const(a):
                p.pl = False
            r = p.add('pow', a, k)
        elif op in ('relu', 'abs'):
            r = p.add(op, self.kinked(self.expr(depth - 1)))
        elif op == 'leaky':
            r = p.add('leaky', self.kinked(self.expr(depth - 1)),
                      rng.choice([Q(1, 10), Q(1, 2), Q(0), Q(-1), Q(2)]))
        elif op in ('max', 'min'):
            k = rng.choice([2, 2, 2, 3, 3, 4])
            args = [self.expr(depth - 1) for _ in range(k)]
            if rng.random() < 0.6 and k > 1:
                # tie argument j with argument i at the point
                i, j = rng.sample(range(k), 2)
                ai, aj = args[i], args[j]
                c = self.tunable(lambda val, ai=ai, aj=aj: val[ai] - val[aj])
                args[j] = p.add('add', aj, c)
                if rng.random() < 0.3 and k > 2:
                    l = next(l for l in range(k) if l not in (i, j))
                    al = args[l]
                    c = self.tunable(lambda val, ai=ai, al=al: val[ai] - val[al])
                    args[l] = p.add('add', al, c)
            r = p.add(op, args)
        elif op in ('clamp', 'hardtanh', 'relu6'):
            if op == 'clamp':
                lo = rconst(rng)
                hi = lo + abs(rconst(rng, False))
            else:
                lo, hi = (Q(-1), Q(1)) if op == 'hardtanh' else (Q(0), Q(6))
            e = self.expr(depth - 1)
            if rng.random() < 0.6:
                bound = rng.choice([lo, hi])
                c = self.tunable(lambda val, e=e, b=bound: val[e] - b)
                e = p.add('sub', e, c)
            r = p.add('clamp', e, lo, hi, op)
        elif op == 'sort':
            k = rng.choice([2, 3, 3])
            args = [self.expr(depth - 1) for _ in range(k)]
            if rng.random() < 0.6:
                i, j = rng.sample(range(k), 2)
                ai, aj = args[i], args[j]
                c = self.tunable(lambda val, ai=ai, aj=aj: val[ai] - val[aj])
                args[j] = p.add('add', aj, c)
            s = p.add('sort', args)
            ranks = rng.sample(range(k), rng.choice([1, 1, 2]))
            rs = [p.add('rank', s, j) for j in sorted(ranks)]
            r = rs[0]
            for q in rs[1:]:
                r = p.add('add', r, p.add('cmul', rconst(rng, False), q))
        self.pool.append(r)
        return r

    def finish(self, x):
        """Set the tunable constants in order so the intended ties hold at x."""
        for c, fn in self.tunes:
            val = evaluate(self.p, x)
            self.p.nodes[c] = ('const', Q(fn(val)))
        return self.p


def rpoint(rng, n):
    return [Q(rng.choice([0, 0, 0, 1, -1, 2, -2, 1, -1])) if rng.random() < 0.7
            else Q(rng.randint(-4, 4), rng.choice([2, 3, 4])) for _ in range(n)]


def choice_count(p, x):
    val = evaluate(p, x)
    total = 1
    for k in p.nodes:
        if k[0] in NONSMOOTH:
            total *= len(local_choices(k, val))
    return total


def random_program(rng):
    """A random program and a point, small enough that every vertex choice of
    the backprop field can be enumerated (pathdiff's default limit is far
    above)."""
    while True:
        p, x = random_program1(rng)
        if choice_count(p, x) <= FIELD_LIMIT:
            return p, x


FIELD_LIMIT = 20000


def random_program1(rng):
    r = rng.random()
    if r < 0.18:
        return relu_net(rng)
    if r < 0.26:
        return tangent_family(rng)
    n = 1 if r < 0.55 else 2
    nonlinear = rng.random() < 0.4
    b = Builder(rng, n, nonlinear)
    x = rpoint(rng, n)
    terms = [b.expr(rng.randint(2, 4)) for _ in range(rng.choice([1, 1, 2, 3]))]
    out = terms[0]
    for t in terms[1:]:
        out = b.p.add(rng.choice(['add', 'sub']), out, t)
    if out < b.p.n or b.p.nodes[out][0] == 'sort':
        out = b.p.add('cmul', Q(1), out)
    if out != len(b.p.nodes) - 1:
        out = b.p.add('cmul', Q(1), out)
    p = b.finish(x)
    p.label = 'random%s' % ('' if p.pl else '-poly')
    return p, x


def tangent_family(rng):
    """Kinks tangent at the origin in 2 inputs (cusps, like
    relu(y - x^2) - relu(y - 2 x^2)): regions no ray enters."""
    p = Prog(2)
    x, y = p.inputs
    x2 = p.add('pow', x, 2)
    terms = []
    for _ in range(rng.randint(2, 4)):
        k = Q(rng.randint(-3, 3), rng.choice([1, 2]))
        g = p.add('sub', p.add('cmul', Q(rng.choice([1, 1, -1, 2])), y), p.add('cmul', k, x2)) \
            if k != 0 else y
        op = rng.choice(['relu', 'relu', 'abs', 'leaky', 'max', 'min', 'mul'])
        if op == 'leaky':
            t = p.add('leaky', g, Q(rng.choice([-1, 0, 1, 2]), rng.choice([1, 2])))
        elif op in ('max', 'min'):
            t = p.add(op, [g, p.add('cmul', Q(rng.randint(-2, 2)), x2), p.add('neg', y)])
        elif op == 'mul':
            t = p.add('mul', p.add('relu', g), rng.choice([x, y, p.add('abs', x)]))
        else:
            t = p.add(op, g)
        terms.append(p.add('cmul', Q(rng.choice([-2, -1, 1, 2])), t))
    out = terms[0]
    for t in terms[1:]:
        out = p.add('add', out, t)
    p.add('cmul', Q(1), out)
    p.pl = False
    p.label = 'tangent'
    return p, [Q(0), Q(0)]


def relu_net(rng):
    """A small ReLU network in 2-4 inputs, biases chosen so that some hidden
    units are exactly at their kink; output a weighted sum, or a max."""
    n = rng.choice([2, 2, 3, 4])
    b = Builder(rng, n, False)
    p = b.p
    x = rpoint(rng, n)
    layer = list(p.inputs)
    for depth in range(rng.choice([1, 1, 2])):
        width = rng.randint(2, 4)
        nxt = []
        for _ in range(width):
            acc = None
            for inp in layer:
                w = Q(rng.randint(-2, 2))
                if w == 0:
                    continue
                term = p.add('cmul', w, inp)
                acc = term if acc is None else p.add('add', acc, term)
            if acc is None:
                acc = p.add('cmul', Q(1), layer[0])
            if rng.random() < 0.6:
                c = b.tunable(lambda val, acc=acc: -val[acc])
            else:
                c = p.add('const', rconst(rng))
            pre = p.add('add', acc, c)
            nxt.append(p.add(rng.choice(['relu', 'relu', 'relu', 'abs']), pre))
        layer = nxt
    if rng.random() < 0.3:
        out = p.add('max', layer)
    else:
        out = None
        for h in layer:
            t = p.add('cmul', Q(rng.choice([-2, -1, 1, 1, 2, 3])), h)
            out = t if out is None else p.add('add', out, t)
    p.add('cmul', Q(1), out)
    p = b.finish(x)
    p.label = 'relunet%d' % n
    return p, x


def classic_cases():
    cs = []

    def mk(n, label, build, x):
        p = Prog(n)
        build(p, p.inputs)
        p.label = label
        cs.append((p, [Q(v) for v in x]))

    def relu_diff(p, i):  # relu(x) - relu(-x)
        a = p.add('relu', i[0])
        b = p.add('relu', p.add('neg', i[0]))
        p.add('sub', a, b)
    mk(1, 'classic relu(x)-relu(-x)', relu_diff, [0])

    def max2(p, i):
        p.add('max', [i[0], i[1]])
    mk(2, 'classic max(x,y)', max2, [1, 1])

    def maxmin(p, i):
        m = p.add('min', [i[0], p.add('neg', i[0])])
        p.add('max', [p.add('const', Q(0)), m])
    mk(1, 'classic max(0,min(x,-x))', maxmin, [0])

    def relusum(p, i):
        a = p.add('relu', i[0])
        b = p.add('relu', i[1])
        c = p.add('relu', p.add('add', i[0], i[1]))
        p.add('sub', p.add('add', a, b), c)
    mk(2, 'classic relu(x1)+relu(x2)-relu(x1+x2)', relusum, [0, 0])

    def shared(p, i):
        h = p.add('relu', i[0])
        p.add('sub', h, h)
    mk(1, 'classic h=relu(x); h-h', shared, [0])

    def twice(p, i):
        p.add('sub', p.add('relu', i[0]), p.add('relu', i[0]))
    mk(1, 'classic relu(x)-relu(x)', twice, [0])

    def absabs(p, i):
        p.add('abs', p.add('sub', p.add('abs', i[0]), p.add('abs', i[1])))
    mk(2, 'classic abs(abs(x)-abs(y))', absabs, [0, 0])

    def cusp(p, i):  # relu(y - x^2) - relu(y - 2 x^2): Clarke {0} x [0, 1]
        x2 = p.add('pow', i[0], 2)
        a = p.add('relu', p.add('sub', i[1], x2))
        b = p.add('relu', p.add('sub', i[1], p.add('cmul', Q(2), x2)))
        p.add('sub', a, b)
        p.pl = False
        p.expect = {'differentiable': True, 'gradient': [Q(0), Q(0)]}  # |f| <= x^2
    mk(2, 'classic cusp relu(y-x^2)-relu(y-2x^2)', cusp, [0, 0])

    def cusp2(p, i):
        # relu(y + x^2) - relu(y - x^2): 0 <= f <= 2 x^2 (both relus on: 2 x^2;
        # only the first: y + x^2 in (0, 2 x^2]; neither: 0), so f is
        # differentiable at 0 with gradient 0, while the thin region
        # -x^2 < y < x^2 (gradient (0, 1)) contains the ray (t, 0).
        x2 = p.add('pow', i[0], 2)
        a = p.add('relu', p.add('add', i[1], x2))
        b = p.add('relu', p.add('sub', i[1], x2))
        p.add('sub', a, b)
        p.pl = False
        p.expect = {'differentiable': True, 'gradient': [Q(0), Q(0)]}
    mk(2, 'classic two-sided cusp relu(y+x^2)-relu(y-x^2)', cusp2, [0, 0])

    def sort3(p, i):
        s = p.add('sort', [i[0], i[1], p.add('const', Q(0))])
        p.add('sub', p.add('rank', s, 1), p.add('cmul', Q(1, 2), p.add('rank', s, 0)))
    mk(2, 'classic sort([x,y,0])', sort3, [0, 0])

    def clampx(p, i):
        p.add('add', p.add('clamp', i[0], Q(-1), Q(1), 'hardtanh'),
              p.add('clamp', i[0], Q(0), Q(6), 'relu6'))
    mk(1, 'classic hardtanh+relu6 at 0', clampx, [0])
    mk(1, 'classic hardtanh+relu6 at 1', clampx, [1])

    def relu_relu0(p, i):  # relu(x - x): a guard identically zero
        p.add('add', p.add('relu', p.add('sub', i[0], i[0])), p.add('abs', i[1]))
    mk(2, 'classic relu(x-x)+abs(y)', relu_relu0, [0, 0])

    def xabs(p, i):  # x*abs(x): differentiable, Clarke {0}
        p.add('mul', i[0], p.add('abs', i[0]))
        p.pl = False
    mk(1, 'classic x*abs(x)', xabs, [0])
    return cs


# ---------------------------------------------------------------------------
# The comparison.

class Fail(Exception):
    pass


# Disagreements analysed by hand where pathdiff is wrong and not yet fixed:
# reported on every run, failing only with PD_CROSSCHECK_STRICT=1 so that
# `make check` stays usable meanwhile.  Remove an entry once it is fixed.
KNOWN = {
}


def run_pd(exe, args, pd_path):
    r = subprocess.run([exe] + args[:1] + [pd_path] + args[1:], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


def parse_vs(vs):
    return sorted(tuple(Q(c) for c in v) for v in vs)


def directions(rng, n, count):
    """Random rational directions, the coordinate directions first."""
    out = []
    for i in range(n):
        for s in (1, -1):
            d = [Q(0)] * n
            d[i] = Q(s)
            out.append(d)
    while len(out) < count:
        if rng.random() < 0.5:
            d = [Q(rng.randint(-1000, 1000), rng.randint(1, 97)) for _ in range(n)]
        else:  # about uniform on the sphere
            d = [Q(round(rng.gauss(0, 1) * 4096), 4096) for _ in range(n)]
        if any(d):
            out.append(d)
    return out


def check_program(exe, p, x, rng, tmpdir, idx, stats, verbose):
    text = p.text()
    path = os.path.join(tmpdir, 'p%d.pd' % idx)
    with open(path, 'w') as f:
        f.write(text)
    at = ','.join(qstr(c) for c in x)
    where = '%s at %s' % (p.label, at)

    def fail(msg):
        raise Fail('%s\n%s\n--- program (%s) ---\n%s' % (where, msg, path, text))

    rc, out, err = run_pd(exe, ['field', '--at', at, '--json'], path)
    if rc == 4:
        return 'undecided'
    if rc != 0:
        fail('pathdiff field exited %d: %s' % (rc, err.strip()))
    fd = json.loads(out)
    rc, out, err = run_pd(exe, ['clarke', '--at', at, '--json'], path)
    if rc != 0:
        fail('pathdiff clarke exited %d (field exited 0): %s' % (rc, err.strip()))
    cd = json.loads(out)
    rc, out, err = run_pd(exe, ['eval', '--at', at, '--json'], path)
    if rc != 0:
        fail('pathdiff eval exited %d: %s' % (rc, err.strip()))
    ev = json.loads(out)

    # value and tied set
    val = evaluate(p, x)
    mine_tied = [p.name(i) for i in tied_nodes(p, val)]
    for d, what in ((ev, 'eval'), (cd, 'clarke'), (fd, 'field')):
        if Q(d['value']) != val[-1]:
            fail('%s value %s, oracle %s' % (what, d['value'], qstr(val[-1])))
        if [Q(c) for c in d['point']] != x:
            fail('%s point %s' % (what, d['point']))
    if sorted(ev['tied']) != sorted(mine_tied):
        fail('eval tied %s, oracle %s' % (ev['tied'], mine_tied))
    clarke = parse_vs(cd['clarke']['vertices'])
    if parse_vs(fd['clarke']['vertices']) != clarke:
        fail('clarke %s but field reports clarke %s' % (cd['clarke'], fd['clarke']))
    if cd['differentiable'] != fd['differentiable']:
        fail('differentiable differs between clarke and field')
    field = parse_vs(fd['field']['vertices'])
    if 'differentiable' in p.expect and cd['differentiable'] != p.expect['differentiable']:
        fail('differentiable is %s, but by hand it is %s' % (cd['differentiable'], p.expect['differentiable']))
    if 'gradient' in p.expect and [Q(c) for c in cd.get('gradient', [])] != p.expect['gradient']:
        fail('gradient %s, by hand %s' % (cd.get('gradient'), vstr(p.expect['gradient'])))
    if mine_tied:
        stats['tied'] += 1
        stats['clarke_not_a_point'] += len(clarke) > 1
        stats['field_beyond_clarke'] += field != clarke
        stats['not_differentiable'] += cd['differentiable'] is False

    # untied: everything is the gradient
    if not mine_tied:
        _, g, _ = gradient_at(p, x)
        g = tuple(g)
        rc, out, err = run_pd(exe, ['ad', '--at', at, '--arith', 'exact', '--json'], path)
        if rc != 0:
            fail('pathdiff ad exited %d: %s' % (rc, err.strip()))
        ad = json.loads(out)
        if tuple(Q(c) for c in ad['gradient']) != g:
            fail('ad gradient %s, oracle %s' % (ad['gradient'], vstr(g)))
        if clarke != [g] or field != [g]:
            fail('untied point: clarke %s field %s, gradient %s' % (clarke, field, vstr(g)))
        if cd['differentiable'] is not True:
            fail('untied point but differentiable is %s' % cd['differentiable'])
        stats['untied'] += 1
        return 'pass'

    # backprop field: brute force over vertex choices
    outs = field_outputs(p, x, FIELD_LIMIT)
    if outs is None:
        stats['field_skipped'] += 1
    else:
        mine = sorted(extreme_points(outs))
        if mine != field:
            fail('field vertices %s, oracle %s' % ([vstr(v) for v in field], [vstr(v) for v in mine]))
        for v in clarke:
            if not in_hull(v, mine):
                fail('Clarke vertex %s not in the hull of the field' % vstr(v))

    # Clarke from inside: rays and curves
    n = p.n
    complete = n == 1 or p.pl
    budget = 2 if n == 1 else (2000 if p.pl else 300)
    found = set()
    ddirs = []       # directional derivatives (d, f'(x; d))
    pats = []
    unfound = set(clarke)
    dirs = directions(rng, n, budget)
    tried = 0
    for d in dirs:
        if n == 1 and tried >= 2:
            break
        if complete and not unfound and tried >= 40:
            break
        tried += 1
        curves = [[d]]
        if not p.pl and n > 1:
            e = [Q(rng.randint(-50, 50), rng.randint(1, 13)) for _ in range(n)]
            curves.append([d, e])
        for cv in curves:
            try:
                F, g, pat = along(p, x, cv)
            except Degenerate:
                stats['degenerate'] += 1
                continue
            g = tuple(g)
            if len(cv) == 1:
                ddirs.append((d, F[1] if len(F) > 1 else Q(0)))
            if g not in found:
                found.add(g)
                if not in_hull(g, clarke):
                    fail('gradient %s of the piece entered along %s is not in the Clarke set %s'
                         % (vstr(g), [vstr(c) for c in cv], [vstr(v) for v in clarke]))
                unfound.discard(g)
                if None not in pat.values():
                    self_check_point(p, x, cv, F, g, fail)
            pats.append((pat, g, cv))
            stats['samples'] += 1
    # Clarke vertices should be among the gradients found
    if unfound:
        rest = verify_certificates(p, x, cd, unfound, fail)
        if rest and complete:
            fail('Clarke vertices %s not found along %d directions, nor by pathdiff\'s certificates'
                 % ([vstr(v) for v in rest], tried))
        stats['found_by_certificate'] += len(unfound) - len(rest)
        if verbose and len(rest) < len(unfound):
            print('note: %s: vertices %s found only through pathdiff\'s certificates (%s)'
                  % (where, [vstr(v) for v in unfound - rest], 'affine guards' if p.pl else 'polynomial'))
        stats['missed_nonpl'] += len(rest)
        if rest and verbose:
            print('note: %s: vertices %s not found' % (where, [vstr(v) for v in rest]))
    # pieces pathdiff says are not essentially active must not be entered
    check_patterns(p, cd, pats, fail)
    # differentiability: linearity of d -> f'(x; d)
    if check_differentiable(p, cd, ddirs, complete, fail, stats) and verbose:
        print('note: %s: differentiable is false, but no direction tried shows it' % where)
    return 'pass'


def self_check_point(p, x, cv, F, g, fail):
    """The oracle checks itself: at y = gamma(t) for a small dyadic t, the
    plain evaluation agrees with the polynomial along the curve, and for
    affine guards the plain gradient at y is the piece's gradient."""
    for k in (20, 30, 45, 70):
        t = Q(1, 2 ** k)
        y = [x[i] + sum(c[i] * t ** (j + 1) for j, c in enumerate(cv)) for i in range(p.n)]
        v, gy, tied = gradient_at(p, y)
        if v != pval(F, t):
            continue  # not yet inside the region for this t
        if tied:
            continue
        if p.pl and tuple(gy) != g:
            continue
        return
    if p.pl:
        fail('oracle self-check: no small t where the plain gradient at gamma(t) is %s' % vstr(g))


def pd_pattern(piece):
    return {c['node']: c['branch'] for c in piece['choices']}


def consistent(pdpat, mine, p):
    """Whether my pattern (node index -> branch or None) agrees with a pathdiff
    choice list on every node both determine."""
    for i, br in mine.items():
        if br is None:
            continue
        nm = p.name(i)
        if nm in pdpat and pdpat[nm] != br:
            return False
    return True


def check_patterns(p, cd, pats, fail):
    for pat, g, cv in pats:
        for piece in cd['pieces']:
            pp = pd_pattern(piece)
            if piece['essentially_active'] is False and set(pp) <= {p.name(i) for i in pat} \
                    and all(pat[i] is not None for i in pat if p.name(i) in pp) \
                    and consistent(pp, pat, p):
                fail('pathdiff says piece %s is not essentially active, but the curve %s enters it '
                     '(gradient %s)' % (piece['choices'], [vstr(c) for c in cv], vstr(g)))
        for pr in cd.get('pruned', []):
            pp = pd_pattern(pr)
            if all(any(p.name(i) == nm and pat[i] is not None for i in pat) for nm in pp) \
                    and consistent(pp, pat, p):
                fail('pathdiff pruned %s, but the curve %s enters it (gradient %s)'
                     % (pr['choices'], [vstr(c) for c in cv], vstr(g)))


def verify_certificates(p, x, cd, unfound, fail):
    """Vertices the random curves missed: follow pathdiff's own certificate
    (a direction or a curve) for a piece with that gradient, and check that
    it enters a region with that gradient.  Returns the vertices still not
    confirmed."""
    rest = set(unfound)
    for piece in cd['pieces']:
        g = tuple(Q(c) for c in piece['gradient'])
        if g not in rest or piece['essentially_active'] is not True:
            continue
        cert = piece.get('certificate', {})
        if 'curve' in cert:
            polys = [[Q(c) for c in poly] for poly in cert['curve']]
            deg = max(len(q) for q in polys)
            cv = [[(polys[i][j] if j < len(polys[i]) else Q(0)) for i in range(p.n)]
                  for j in range(1, deg)]
            if any(polys[i][0] != x[i] for i in range(p.n)):
                fail('certificate curve %s does not start at the point' % cert['curve'])
        elif 'direction' in cert:
            cv = [[Q(c) for c in cert['direction']]]
        else:
            continue
        try:
            _, g2, _ = along(p, x, cv)
        except Degenerate:
            fail('certificate %s of piece %s runs inside a kink' % (cert, piece['choices']))
        if tuple(g2) != g:
            fail('certificate %s of piece %s (gradient %s) enters a region with gradient %s'
                 % (cert, piece['choices'], vstr(g), vstr(g2)))
        rest.discard(g)
    return rest


def check_differentiable(p, cd, ddirs, complete, fail, stats):
    diff = cd['differentiable']
    n = p.n
    coord = {}
    for d, v in ddirs:
        nz = [i for i in range(n) if d[i] != 0]
        if len(nz) == 1:
            coord[(nz[0], d[nz[0]] > 0)] = v / abs(d[nz[0]])
    lin = all((i, True) in coord and (i, False) in coord and coord[(i, True)] == -coord[(i, False)]
              for i in range(n))
    G = [coord.get((i, True)) for i in range(n)]
    if lin:
        lin = all(sum(G[i] * d[i] for i in range(n)) == v for d, v in ddirs)
    if diff is True:
        grad = [Q(c) for c in cd['gradient']]
        for d, v in ddirs:
            if sum(grad[i] * d[i] for i in range(n)) != v:
                fail('differentiable with gradient %s, but f\'(x; %s) = %s'
                     % (vstr(grad), vstr(d), qstr(v)))
    elif diff is False:
        if lin and complete:
            fail('differentiable is false, but f\'(x; d) = <%s, d> on every direction tried'
                 % vstr(G))
        if lin:
            stats['nondiff_unwitnessed'] += 1
            return True
    else:
        stats['diff_undecided'] += 1
    return False


def main(argv):
    args = argv[1:]
    if not args or args[0].startswith('-'):
        print(__doc__)
        return 2
    exe = args.pop(0)
    count, seed, keep, verbose = 150, 20240611, None, False
    while args:
        a = args.pop(0)
        if a == '--count':
            count = int(args.pop(0))
        elif a == '--seed':
            seed = int(args.pop(0))
        elif a == '--keep':
            keep = args.pop(0)
        elif a == '-v':
            verbose = True
        else:
            print('oracle.py: unknown argument %s' % a, file=sys.stderr)
            return 2
    if os.environ.get('PD_TEST_SEED'):
        seed = int(os.environ['PD_TEST_SEED'])
    mult = int(os.environ.get('PD_TEST_MULT') or 1)
    count *= max(mult, 1)
    print('crosscheck: seed %d (PD_TEST_SEED=%d reproduces), %d random programs' % (seed, seed, count))
    sys.stdout.flush()
    rng = random.Random(seed)
    stats = dict.fromkeys(['tied', 'clarke_not_a_point', 'field_beyond_clarke', 'not_differentiable',
                           'untied', 'field_skipped', 'degenerate', 'samples', 'found_by_certificate',
                           'missed_nonpl', 'nondiff_unwitnessed', 'diff_undecided'], 0)
    progs = classic_cases() + [random_program(rng) for _ in range(count)]
    tmp = keep or tempfile.mkdtemp(prefix='pd-crosscheck.')
    if keep:
        os.makedirs(keep, exist_ok=True)
    passed = failed = undecided = known = 0
    strict = bool(os.environ.get('PD_CROSSCHECK_STRICT'))
    try:
        for idx, (p, x) in enumerate(progs):
            try:
                r = check_program(exe, p, x, rng, tmp, idx, stats, verbose)
            except Fail as e:
                if p.label in KNOWN and not strict:
                    known += 1
                    print('KNOWN DISAGREEMENT %d (%s): %s' % (idx, KNOWN[p.label], e))
                    os.unlink(os.path.join(tmp, 'p%d.pd' % idx))
                    continue
                failed += 1
                print('FAIL %d: %s' % (idx, e))
                continue
            if p.label in KNOWN:
                print('note: the known disagreement on %s no longer reproduces: '
                      'remove it from KNOWN in oracle.py' % p.label)
            if r == 'undecided':
                undecided += 1
            else:
                passed += 1
                os.unlink(os.path.join(tmp, 'p%d.pd' % idx))
    finally:
        if not keep and failed == 0:
            for f in os.listdir(tmp):
                os.unlink(os.path.join(tmp, f))
            os.rmdir(tmp)
    print('crosscheck: details: %s' % ', '.join('%s %d' % kv for kv in sorted(stats.items())))
    print('crosscheck: %d programs, %d passed, %d failed, %d undecided%s'
          % (len(progs), passed, failed, undecided,
             ', %d known disagreements (PD_CROSSCHECK_STRICT=1 fails on them)' % known if known else ''))
    if failed and not keep:
        print('crosscheck: failing programs kept in %s' % tmp)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
