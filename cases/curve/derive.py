#!/usr/bin/env python3
"""derive.py: the expected JSON outputs of the `pathdiff curve` cases,
derived independently of pathdiff with SymPy (python3-sympy).

Each case's program is transcribed by hand below as a small list of nodes
(the DAG the .pd file describes, with the node names pathdiff prints:
`op@line:col` of the primitive, or its bound name).  Along the curve,
everything is recomputed from the definitions of MATH.md 6 and CLI.md:

  - breakpoints: exact real roots (SymPy CRootOf) of the guards along the
    curve, node by node in topological order; a root is a breakpoint when
    the node's branch or tie changes there, or when the node is tied at
    that point only (more branches active than on either side);
  - per interval: the simplest rational strictly inside (Stern-Brocot),
    the nodes tied on the whole interval, f o gamma and its derivative,
    v(t) by reverse mode with the convention's choice at ties, and the
    chain rule checked as polynomial identities for every vertex choice of
    the field and for the convention;  the Clarke pieces are the active
    patterns (in every case here each tied guard has a non-zero gradient
    at the sample and is the only one vanishing there, so every active
    pattern is essentially active), counted by distinct gradients;
  - the integral form with SymPy's exact integrals between algebraic
    breakpoints;
  - algebraic numbers: minimal polynomial (SymPy), the decimal isolating
    interval [k/10^e, (k+1)/10^e] with the least e, and 10 significant
    digits (%.10g style, ties to even).

The numeric AD samples (samples-tie-destroyed) are recomputed with Python
floats (IEEE doubles, correctly rounded operations); the oracle rows
(oracle-max-both) are judged with exact rationals.  The text cases
(*-text) and the error cases (error-*) were written by hand.

Usage: derive.py [CASE...]  (from cases/curve/): writes CASE/expected.out
for the JSON cases named (all of them by default) and prints a summary.
"""
import json
import os
import sys
from fractions import Fraction
from itertools import product, permutations

import sympy as sp

t = sp.Symbol("t")
ZERO = sp.Poly(0, t, domain="QQ")


def P(e):
    return sp.Poly(sp.sympify(e), t, domain="QQ")


# ---------------------------------------------------------------------------
# Numbers and their JSON forms


def qstr(q):
    q = sp.Rational(q)
    return str(q.p) if q.q == 1 else "%d/%d" % (q.p, q.q)


def fmt_g(x, digits=10):
    """%.{digits}g of the exact real x (Rational or algebraic), correctly
    rounded, ties to even (exact ties only happen for rationals)."""
    x = sp.nsimplify(x) if not isinstance(x, sp.Basic) else x
    if x == 0:
        return "0"
    sgn = "-" if x < 0 else ""
    a = abs(x)
    # decimal exponent e: 10^e <= a < 10^(e+1), decided exactly
    e = int(sp.floor(sp.log(sp.N(a, 50), 10)))
    while sp.Integer(10) ** e > a:
        e -= 1
    while sp.Integer(10) ** (e + 1) <= a:
        e += 1
    s = a * sp.Integer(10) ** (digits - 1 - e)
    n = sp.floor(s)
    r = s - n
    if r > sp.Rational(1, 2) or (r == sp.Rational(1, 2) and n % 2 == 1):
        n += 1
    if n == 10 ** digits:
        n //= 10
        e += 1
    d = str(int(n)).rstrip("0") or "0"
    if e < -4 or e >= digits:
        mant = d[0] + ("." + d[1:] if len(d) > 1 else "")
        return "%s%se%s%02d" % (sgn, mant, "-" if e < 0 else "+", abs(e))
    if e >= 0:
        ip = (d + "0" * (e + 1))[: e + 1]
        fp = d[e + 1:]
        return sgn + ip + ("." + fp if fp else "")
    return sgn + "0." + "0" * (-e - 1) + d


def minpoly(x):
    m = sp.Poly(sp.minimal_polynomial(x, t), t)
    c = m.all_coeffs()[::-1]
    g = sp.gcd_list(c)
    c = [ci / g for ci in c]
    if c[-1] < 0:
        c = [-ci for ci in c]
    return [int(ci) for ci in c]


def alg_json(x):
    x = sp.nsimplify(x) if x.is_Rational else x
    c = minpoly(x)
    if len(c) == 2:
        lo = hi = qstr(sp.Rational(-c[0], c[1]))
    else:
        roots = [r for r in sp.real_roots(sp.Poly(list(reversed(c)), t))]
        e = 0
        while True:
            k = sp.floor(x * 10 ** e)
            lo, hi = sp.Rational(k, 10 ** e), sp.Rational(k + 1, 10 ** e)
            if not any(lo <= r <= hi for r in roots if r != x):
                break
            e += 1
        lo, hi = qstr(lo), qstr(hi)
    return {"poly": [str(v) for v in c], "interval": [lo, hi], "approx": fmt_g(x)}


def poly_json(p):
    c = p.all_coeffs()[::-1] if not p.is_zero else [0]
    return [qstr(v) for v in c]


def simplest_between(lo, hi):
    """Least denominator, then least |numerator|, strictly inside (lo, hi)."""
    if lo < 0 < hi:
        return sp.Integer(0)
    if hi <= 0:
        return -simplest_between(-hi, -lo)
    # Stern-Brocot descent from 0/1 and 1/0
    a, b, c, d = 0, 1, 1, 0
    while True:
        m = sp.Rational(a + c, b + d)
        if m <= lo:
            a, b = a + c, b + d
        elif m >= hi:
            c, d = a + c, b + d
        else:
            return m


# ---------------------------------------------------------------------------
# Programs: nodes are tuples, nonsmooth ones carry their printed name.
#   ("in", k) ("c", q) ("add", i, j) ("sub", i, j) ("mul", i, j) ("neg", i)
#   ("pow", i, e) ("div", i, q) ("relu", name, i) ("abs", name, i) ("max", name, [i..])
#   ("sort", name, [i..]) ("sorted", s, r)   (r 0-based rank)

NONSMOOTH = ("relu", "abs", "max", "sort")


def arg_list(nd):
    if nd[0] in ("relu", "abs"):
        return [nd[2]]
    if nd[0] in ("max", "sort"):
        return list(nd[2])
    return []


def choice_at(nd, vals):
    """Canonical choice and the tie status from exact argument values."""
    op = nd[0]
    if op in ("relu", "abs"):
        u = vals[0]
        return (1 if u > 0 else 0), u == 0
    if op == "max":
        m = max(vals)
        act = [k for k, v in enumerate(vals) if v == m]
        return act[0], len(act) > 1
    if op == "sort":
        perm = tuple(sorted(range(len(vals)), key=lambda k: (vals[k], k)))
        return perm, len(set(vals)) < len(vals)
    raise ValueError(op)


def branch_value(nd, ch, args):
    op = nd[0]
    if op == "relu":
        return args[0] if ch == 1 else ZERO
    if op == "abs":
        return args[0] if ch == 1 else -args[0]
    if op == "max":
        return args[ch]
    return None


def active_count(nd, vals):
    op = nd[0]
    if op in ("relu", "abs"):
        return 2 if vals[0] == 0 else 1
    if op == "max":
        m = max(vals)
        return sum(1 for v in vals if v == m)
    if op == "sort":
        return sum(1 for i in range(len(vals)) for j in range(i + 1, len(vals))
                   if vals[i] == vals[j])


def exact_at(p, r):
    """p(r) exactly (r Rational or CRootOf)."""
    if r.is_Rational:
        return p.eval(r)
    m = sp.Poly(sp.minimal_polynomial(r, t), t, domain="QQ")
    rem = p.rem(m)
    if rem.is_zero:
        return sp.Integer(0)
    return sp.sign(sp.N(rem.as_expr().subs(t, r), 50))   # only the sign matters


def compose(nodes, gamma, a, b):
    pieces = [{"lo": a, "hi": b, "val": {}, "ch": {}, "tied": set()}]
    for i, nd in enumerate(nodes):
        new = []
        for pc in pieces:
            v = pc["val"]
            op = nd[0]
            if op == "in":
                v[i] = gamma[nd[1]]
            elif op == "c":
                v[i] = P(nd[1])
            elif op == "add":
                v[i] = v[nd[1]] + v[nd[2]]
            elif op == "sub":
                v[i] = v[nd[1]] - v[nd[2]]
            elif op == "mul":
                v[i] = v[nd[1]] * v[nd[2]]
            elif op == "neg":
                v[i] = -v[nd[1]]
            elif op == "pow":
                v[i] = v[nd[1]] ** nd[2]
            elif op == "div":
                v[i] = v[nd[1]] * sp.Rational(1, 1) / sp.Rational(nd[2])
            elif op == "sorted":
                s = nodes[nd[1]]
                v[i] = v[s[2][pc["ch"][nd[1]][nd[2]]]]
            if op not in NONSMOOTH:
                new.append(pc)
                continue
            args = [v[k] for k in arg_list(nd)]
            if op in ("relu", "abs"):
                guards = [args[0]]
            else:
                guards = [args[x] - args[y] for x in range(len(args))
                          for y in range(x + 1, len(args))]
            roots = set()
            for g in guards:
                if g.degree() >= 1:
                    roots.update(r for r in sp.real_roots(g) if pc["lo"] < r < pc["hi"])
            roots = sorted(roots)
            ends = [pc["lo"]] + roots + [pc["hi"]]
            subs = []
            for lo, hi in zip(ends[:-1], ends[1:]):
                s = simplest_between(lo, hi)
                ch, tied = choice_at(nd, [g.eval(s) for g in args])
                subs.append([lo, hi, ch, tied])
            merged = [subs[0]]
            for lo, hi, ch, tied in subs[1:]:
                prev = merged[-1]
                r = lo
                if op == "max":
                    # tied at r beyond the tie on the piece: another argument
                    # reaches the chosen one's value at r
                    m = prev[2]
                    tie_point = any(exact_at(args[k] - args[m], r) == 0
                                    for k in range(len(args))
                                    if (args[k] - args[m]).degree() >= 1)
                else:
                    # every root of a relu/abs argument or of a difference of
                    # two sort entries ties the node at r
                    tie_point = True
                if prev[2] == ch and prev[3] == tied and not tie_point:
                    prev[1] = hi
                else:
                    merged.append([lo, hi, ch, tied])
            for lo, hi, ch, tied in merged:
                q = {"lo": lo, "hi": hi, "val": dict(v), "ch": dict(pc["ch"]),
                     "tied": set(pc["tied"])}
                q["ch"][i] = ch
                if tied:
                    q["tied"].add(i)
                if op != "sort":
                    q["val"][i] = branch_value(nd, ch, args)
                new.append(q)
        pieces = new
    return pieces


# ---------------------------------------------------------------------------
# Reverse mode with a local rule per nonsmooth node


def backprop(nodes, val, out, ninputs, local):
    """local(i) -> list of weights (relu/abs/max) or a permutation (sort)."""
    adj = {i: ZERO for i in range(len(nodes))}
    adj[out] = P(1)
    for i in range(out, -1, -1):
        nd, a = nodes[i], adj[i]
        if a.is_zero:
            continue
        op = nd[0]
        if op == "add":
            adj[nd[1]] += a
            adj[nd[2]] += a
        elif op == "sub":
            adj[nd[1]] += a
            adj[nd[2]] -= a
        elif op == "mul":
            adj[nd[1]] += a * val[nd[2]]
            adj[nd[2]] += a * val[nd[1]]
        elif op == "neg":
            adj[nd[1]] -= a
        elif op == "pow":
            adj[nd[1]] += a * nd[2] * val[nd[1]] ** (nd[2] - 1)
        elif op == "div":
            adj[nd[1]] += a * (sp.Integer(1) / sp.Rational(nd[2]))
        elif op == "sorted":
            s = nodes[nd[1]]
            adj[s[2][local(nd[1])[nd[2]]]] += a
        elif op in ("relu", "abs", "max"):
            for k, w in zip(arg_list(nd), local(i)):
                adj[k] += a * w
    ins = [i for i, nd in enumerate(nodes) if nd[0] == "in"]
    ins.sort(key=lambda i: nodes[i][1])
    return [adj[i] for i in ins]


def branch_weights(nd, ch):
    op = nd[0]
    if op == "relu":
        return [1 if ch == 1 else 0]
    if op == "abs":
        return [1 if ch == 1 else -1]
    if op == "max":
        return [1 if k == ch else 0 for k in range(len(nd[2]))]
    return ch


def active_choices(nd, vals):
    op = nd[0]
    if op in ("relu", "abs"):
        return [0, 1] if vals[0] == 0 else [1 if vals[0] > 0 else 0]
    if op == "max":
        m = max(vals)
        return [k for k, v in enumerate(vals) if v == m]
    perms = [p for p in permutations(range(len(vals)))
             if all(vals[p[j]] <= vals[p[j + 1]] for j in range(len(vals) - 1))]
    return sorted(perms)


CONVENTIONS = {
    # name: (relu0, abs0, max rule (two args), max rule (n args), sort)
    "pytorch": (0, 0, "split", "split", "stable"),
    "jax": (0, 1, "split", "split", "stable"),
    "tensorflow": (0, 0, "first", "split", "stable"),
}


def custom_name(relu0=0, abs0=0, mx="split", sort="stable"):
    return ("relu0=%s,abs0=%s,leaky0=slope,max=%s,clamp=inside,hardtanh=outside,"
            "relu6=outside,sort=%s" % (qstr(relu0), qstr(abs0), mx, sort))


def conv_local(conv, nd, vals):
    relu0, abs0, m2, mn, srt = conv
    op = nd[0]
    if op == "relu":
        return [1 if vals[0] > 0 else 0 if vals[0] < 0 else relu0]
    if op == "abs":
        return [1 if vals[0] > 0 else -1 if vals[0] < 0 else abs0]
    if op == "max":
        m = max(vals)
        tied = [k for k, v in enumerate(vals) if v == m]
        rule = m2 if len(vals) == 2 else mn
        w = [0] * len(vals)
        if len(tied) == 1:
            w[tied[0]] = 1
        elif rule == "first":
            w[tied[0]] = 1
        elif rule == "last":
            w[tied[-1]] = 1
        elif rule == "split":
            for k in tied:
                w[k] = sp.Rational(1, len(tied))
        else:
            for k in tied:
                w[k] = 1
        return w
    key = (lambda k: (vals[k], k)) if srt == "stable" else (lambda k: (vals[k], -k))
    return tuple(sorted(range(len(vals)), key=key))


# ---------------------------------------------------------------------------
# One case


def note_for(nd, name, kind):
    op = nd[0]
    rule = {"relu": "relu0", "abs": "abs0", "max": "max", "sort": "sort"}[op]
    if kind == "one":
        return ("%s is tied on the whole interval: its argument is constant along the "
                "curve, so any value of %s passes the chain rule here; a curve inside a "
                "%s kink set proves nothing about %s" % (name, rule, op, rule))
    if kind == "constant":
        return ("%s is tied with a constant value along the curve: any weights on its "
                "tied arguments pass; this interval proves nothing about the %s rule"
                % (name, rule))
    if op == "sort":
        return ("%s has tied entries whose value changes along the curve: a rule that "
                "is not a permutation of the tied entries breaks the chain rule here "
                "unless something downstream cancels it" % name)
    return ("%s is tied and its value changes along the curve: a rule whose weights on "
            "the tied arguments do not sum to 1 breaks the chain rule here unless "
            "something downstream cancels it" % name)


def derive(case):
    nodes, names, out = case["nodes"], case["inputs"], case["output"]
    gamma = [P(e) for e in case["curve"]]
    a, b = sp.Rational(case["on"][0]), sp.Rational(case["on"][1])
    conv = case["conv"]
    dgamma = [g.diff(t) for g in gamma]
    pieces = compose(nodes, gamma, a, b)
    breaks = [pc["lo"] for pc in pieces[1:]]
    intervals, cex, defect_integral = [], None, sp.Integer(0)
    any_one, any_changing, nfail = False, False, 0
    for k, pc in enumerate(pieces):
        s = simplest_between(pc["lo"], pc["hi"])
        val = pc["val"]
        f = val[out]
        df = f.diff(t)
        tied = sorted(pc["tied"])
        vals_at = {i: [val[j].eval(s) for j in arg_list(nodes[i])]
                   for i, nd in enumerate(nodes) if nd[0] in NONSMOOTH}
        # field: every vertex choice = every active choice at the tied nodes
        choice_lists = [active_choices(nodes[i], vals_at[i]) for i in tied]
        field_ok, grads = True, set()
        for combo in product(*choice_lists):
            chosen = dict(pc["ch"])
            chosen.update(dict(zip(tied, combo)))
            v = backprop(nodes, val, out, len(names),
                         lambda i: branch_weights(nodes[i], chosen[i]))
            rhs = sum((vi * dg for vi, dg in zip(v, dgamma)), ZERO)
            field_ok &= rhs == df
            grads.add(tuple(vi.as_expr() for vi in v))
        nchoices = 1
        for c in choice_lists:
            nchoices *= len(c)
        v = backprop(nodes, val, out, len(names),
                     lambda i: conv_local(conv, nodes[i], vals_at[i]))
        rhs = sum((vi * dg for vi, dg in zip(v, dgamma)), ZERO)
        conv_ok = rhs == df
        if not conv_ok:
            nfail += 1
            defect_integral += sp.integrate((rhs - df).as_expr(), (t, pc["lo"], pc["hi"]))
            if cex is None:
                cex = {"check": "convention", "interval": k, "from": alg_json(pc["lo"]),
                       "to": alg_json(pc["hi"]), "t": qstr(s),
                       "v": [qstr(vi.eval(s)) for vi in v], "lhs": qstr(df.eval(s)),
                       "rhs": qstr(rhs.eval(s)), "v_poly": [poly_json(vi) for vi in v],
                       "lhs_poly": poly_json(df), "rhs_poly": poly_json(rhs)}
        notes = []
        for i in tied:
            nd = nodes[i]
            if nd[0] in ("relu", "abs"):
                kind = "one"
                any_one = True
            elif nd[0] == "max":
                kind = "changing" if val[i].degree() >= 1 else "constant"
            else:
                ch_ = False
                args = [val[j] for j in nd[2]]
                for x in range(len(args)):
                    for y in range(x + 1, len(args)):
                        if args[x] == args[y] and args[x].degree() >= 1:
                            ch_ = True
                kind = "changing" if ch_ else "constant"
            any_changing |= kind == "changing"
            notes.append(note_for(nd, nodes[i][1], kind))
        intervals.append({
            "from": alg_json(pc["lo"]), "to": alg_json(pc["hi"]), "sample": qstr(s),
            "tied": [nodes[i][1] for i in tied], "f": poly_json(f), "df": poly_json(df),
            "v": [poly_json(vi) for vi in v],
            "chain_rule": {"clarke": "holds" if field_ok else "fails",
                           "field": "holds" if field_ok else "fails",
                           "convention": "holds" if conv_ok else "fails"},
            "clarke_pieces": len(grads), "field_choices": nchoices, "notes": notes})
    lhs = pieces[-1]["val"][out].eval(b) - pieces[0]["val"][out].eval(a)
    rhs = sp.nsimplify(sp.simplify(lhs + defect_integral))
    rhs_json = qstr(rhs) if rhs.is_Rational else alg_json(rhs)
    holds = sp.simplify(defect_integral) == 0
    conservative = nfail == 0 and holds
    gnotes = []
    if nfail:
        gnotes.append("the convention %s breaks the chain rule on %d interval%s of positive "
                      "length: it is not a conservative field"
                      % (case["conv_name"], nfail, "" if nfail == 1 else "s"))
    if any_one:
        gnotes.append("one-argument primitives tied along the curve never break the chain "
                      "rule (their argument is constant there): their rules at the kink are "
                      "not tested by this curve")
    if nfail == 0 and not any_changing:
        gnotes.append("no several-argument primitive (max, min, sort) is tied with a "
                      "changing value along this curve: a rule such as max=both could not "
                      "be caught here")
    doc = {"curve": {n: c for n, c in zip(names, case["curve_str"])},
           "on": [qstr(a), qstr(b)], "convention": case["conv_name"],
           "breakpoints": [alg_json(r) for r in breaks], "intervals": intervals,
           "integral": {"lhs": qstr(lhs), "rhs": rhs_json, "holds": bool(holds)},
           "conservative": bool(conservative), "counterexample": cex, "notes": gnotes}
    if "extra" in case:
        case["extra"](doc)
    return doc


# ---------------------------------------------------------------------------
# Extras: numeric AD samples and an oracle file


def samples_relu_third(doc):
    """relu(x - y/3) along (t, 3t), 11 samples t = k/10, pytorch in double:
    Python floats are IEEE doubles with correctly rounded operations, and
    torch computes y / 3 by division, the adjoint of y as -g / 3."""
    rows, differ, ties = [], 0, 0
    for k in range(11):
        tk = Fraction(k, 10)
        x, y = float(tk), float(3 * tk)
        z = x - y / 3.0
        g = 1.0 if z > 0 else 0.0
        dx, dy = g, -g / 3.0
        tied_ad = z == 0.0
        exact = ["0", "0"]          # x - y/3 = 0 exactly: relu'(0) = 0
        d = dx != 0 or dy != 0
        differ += d
        if tied_ad:
            continue
        ties += 1

        def ds(v):
            """Python's repr is the shortest round-trip decimal too."""
            s = repr(v)
            return s[:-2] if s.endswith(".0") else s

        rows.append({"t": qstr(sp.Rational(k, 10)),
                     "point": [qstr(sp.Rational(Fraction(x))), qstr(sp.Rational(Fraction(y)))],
                     "exact": exact, "ad": [ds(dx), ds(dy)],
                     "differs": bool(d), "cause": "tie_destroyed",
                     "tied_exact": ["relu@1:11"], "tied_ad": []})
    doc["samples"] = {"arith": "double", "count": 11, "differ": differ, "tie_changes": ties,
                      "rows": rows}


ORACLE_CSV = """t,d_x,d_y
0,1,1
0.25,1,1
0.5,0.5,0.5
0.75,1,1
1,1,1
"""


def oracle_max_both(doc):
    """Rows of a tool that sends the full gradient to both arguments of a
    tie, along (t, t): (f o gamma)' = 1; <g, (1, 1)> = 2 for (1, 1)."""
    tol = sp.Rational(1, 10 ** 6)
    viol, skipped = [], []
    for line, row in enumerate(ORACLE_CSV.splitlines()[1:], start=2):
        tt, gx, gy = (sp.Rational(v) for v in row.split(","))
        if not 0 < tt < 1:
            skipped.append({"line": line, "t": qstr(tt), "reason": "end"})
            continue
        lhs, rhs = sp.Integer(1), gx + gy
        scale = max(1, abs(lhs), abs(gx) + abs(gy))
        if abs(lhs - rhs) > tol * scale:
            viol.append({"line": line, "t": qstr(tt), "interval": 0,
                         "gradient": [qstr(gx), qstr(gy)], "lhs": qstr(lhs), "rhs": qstr(rhs)})
    doc["oracle"] = {"file": "tool.csv", "tol": qstr(tol), "rows": 5, "judged": 3,
                     "violations": viol, "not_judged": skipped}


# ---------------------------------------------------------------------------
# The cases (programs transcribed from each input.pd)

# f(x, y) = max(x, y)
MAX_XY = [("in", 0), ("in", 1), ("max", "max@1:11", [0, 1])]
# f(x, y) = relu(y - x^2) - relu(y - 2*x^2)
CUSP = [("in", 0), ("in", 1), ("pow", 0, 2), ("sub", 1, 2),
        ("relu", "relu@1:11", 3), ("c", 2), ("pow", 0, 2), ("mul", 5, 6),
        ("sub", 1, 7), ("relu", "relu@1:27", 8), ("sub", 4, 9)]
# input x, y / h = relu([[1, -1], [1, 1], [2, -1]] @ [x, y] + [0, -1, 1/2])
# output dot([1, 1, -1], h): rows x - y, x + y - 1, 2x - y + 1/2
NET = [("in", 0), ("in", 1),
       ("c", 1), ("mul", 2, 0), ("c", -1), ("mul", 4, 1), ("add", 3, 5),
       ("c", 0), ("add", 6, 7), ("relu", "relu@2:5", 8),
       ("c", 1), ("mul", 10, 0), ("c", 1), ("mul", 12, 1), ("add", 11, 13),
       ("c", -1), ("add", 14, 15), ("relu", "relu@2:5", 16),
       ("c", 2), ("mul", 18, 0), ("c", -1), ("mul", 20, 1), ("add", 19, 21),
       ("c", "1/2"), ("add", 22, 23), ("relu", "relu@2:5", 24),
       ("c", 1), ("mul", 26, 9), ("c", 1), ("mul", 28, 17), ("add", 27, 29),
       ("c", -1), ("mul", 31, 25), ("add", 30, 32)]
# f(x1, x2) = relu(x1) + relu(x2) - relu(x1 + x2)
RELU_SUM = [("in", 0), ("in", 1), ("relu", "relu@1:13", 0), ("relu", "relu@1:24", 1),
            ("add", 2, 3), ("add", 0, 1), ("relu", "relu@1:35", 5), ("sub", 4, 6)]
# input x, y / s = sort([x, y]) / output (s[1] - 0)^2 + (s[2] - 1)^2
SORT_LOSS = [("in", 0), ("in", 1), ("sort", "s", [0, 1]), ("sorted", 2, 0),
             ("c", 0), ("sub", 3, 4), ("pow", 5, 2), ("sorted", 2, 1), ("c", 1),
             ("sub", 7, 8), ("pow", 9, 2), ("add", 6, 10)]
# f(x, y, z) = max(x, y) * relu(z)
MAX_RELU = [("in", 0), ("in", 1), ("in", 2), ("max", "max@1:14", [0, 1]),
            ("relu", "relu@1:26", 2), ("mul", 3, 4)]
# f(x, y) = abs(x - y) + x
ABS_DIAG = [("in", 0), ("in", 1), ("sub", 0, 1), ("abs", "abs@1:11", 2), ("add", 3, 0)]

CASES = {}
for conv in ("pytorch", "jax", "tensorflow"):
    CASES["max-diagonal-" + conv] = dict(
        nodes=MAX_XY, inputs=["x", "y"], output=2, curve=["t", "t"], curve_str=["t", "t"],
        on=("0", "1"), conv=CONVENTIONS[conv], conv_name=conv)
CASES["max-diagonal-first"] = dict(
    nodes=MAX_XY, inputs=["x", "y"], output=2, curve=["t", "t"], curve_str=["t", "t"],
    on=("0", "1"), conv=(0, 0, "first", "first", "stable"), conv_name=custom_name(mx="first"))
CASES["max-diagonal-both"] = dict(
    nodes=MAX_XY, inputs=["x", "y"], output=2, curve=["t", "t"], curve_str=["t", "t"],
    on=("0", "1"), conv=(0, 0, "both", "both", "stable"), conv_name=custom_name(mx="both"))
CASES["cusp-inside"] = dict(
    nodes=CUSP, inputs=["x", "y"], output=10, curve=["t", "3*t**2/2"],
    curve_str=["t", "3/2*t^2"], on=("-1", "1"), conv=CONVENTIONS["pytorch"],
    conv_name="pytorch")
CASES["cusp-boundary-relu0"] = dict(
    nodes=CUSP, inputs=["x", "y"], output=10, curve=["t", "t**2"], curve_str=["t", "t^2"],
    on=("-1", "1"), conv=(2, 0, "split", "split", "stable"), conv_name=custom_name(relu0=2))
CASES["relu-network-parabola"] = dict(
    nodes=NET, inputs=["x", "y"], output=33, curve=["t", "t**2"], curve_str=["t", "t^2"],
    on=("-2", "2"), conv=CONVENTIONS["pytorch"], conv_name="pytorch")
CASES["relu-sum-axis"] = dict(
    nodes=RELU_SUM, inputs=["x1", "x2"], output=7, curve=["t", "0"], curve_str=["t", "0"],
    on=("-1", "1"), conv=CONVENTIONS["pytorch"], conv_name="pytorch")
CASES["sort-loss-tie-line"] = dict(
    nodes=SORT_LOSS, inputs=["x", "y"], output=11, curve=["t", "t"], curve_str=["t", "t"],
    on=("0", "1"), conv=CONVENTIONS["pytorch"], conv_name="pytorch")
CASES["integral-irrational"] = dict(
    nodes=MAX_RELU, inputs=["x", "y", "z"], output=5, curve=["t", "t", "t**2 - 1/2"],
    curve_str=["t", "t", "t^2 - 1/2"], on=("0", "1"),
    conv=(0, 0, "both", "both", "stable"), conv_name=custom_name(mx="both"))
CASES["abs-diagonal-abs0"] = dict(
    nodes=ABS_DIAG, inputs=["x", "y"], output=4, curve=["t", "t"], curve_str=["t", "t"],
    on=("-1", "1"), conv=(0, 5, "split", "split", "stable"), conv_name=custom_name(abs0=5))


# f(x, y) = relu(x - y/3)
RELU_THIRD = [("in", 0), ("in", 1), ("div", 1, 3), ("sub", 0, 2), ("relu", "relu@1:11", 3)]
CASES["samples-tie-destroyed"] = dict(
    nodes=RELU_THIRD, inputs=["x", "y"], output=4, curve=["t", "3*t"], curve_str=["t", "3*t"],
    on=("0", "1"), conv=CONVENTIONS["pytorch"], conv_name="pytorch", extra=samples_relu_third)
CASES["oracle-max-both"] = dict(
    nodes=MAX_XY, inputs=["x", "y"], output=2, curve=["t", "t"], curve_str=["t", "t"],
    on=("0", "1"), conv=CONVENTIONS["pytorch"], conv_name="pytorch", extra=oracle_max_both)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    names = sys.argv[1:] or sorted(CASES)
    for name in names:
        doc = derive(CASES[name])
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n"
        path = os.path.join(here, name, "expected.out")
        if os.path.isdir(os.path.dirname(path)):
            with open(path, "w") as fh:
                fh.write(text)
        print("%s: %d breakpoints, conservative %s" % (name, len(doc["breakpoints"]),
                                                      doc["conservative"]))


if __name__ == "__main__":
    main()
