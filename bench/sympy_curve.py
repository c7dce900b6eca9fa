#!/usr/bin/env python3
"""sympy_curve.py: the computation of bench_curve.c done in SymPy, timed:
the 2-16-16-1 ReLU network (same weights: the same 31-bit LCG) composed
with the same degree-3 curve, breakpoints as exact real roots (CRootOf) of
the guards, found layer by layer, and the derivative of the piece on every
interval.  Prints the breakpoint count and the time, for the ratio against
`make bench` (bench/bench_curve)."""
import sys
import time

import sympy as sp

t = sp.symbols("t")
state = 20261129


def nxt():
    global state
    state = (1103515245 * state + 12345) & 0x7FFFFFFF
    return ((state >> 16) % 7) - 3


W1 = [[nxt() for _ in range(2)] for _ in range(16)]
b1 = [sp.Rational(nxt(), 2) for _ in range(16)]
W2 = [[nxt() for _ in range(16)] for _ in range(16)]
b2 = [sp.Rational(nxt(), 2) for _ in range(16)]
w3 = [nxt() for _ in range(16)]

X = sp.Poly(3 * t**3 - 2 * t, t, domain="QQ")
Y = sp.Poly(2 * t**2 - t - sp.Rational(1, 2), t, domain="QQ")
A, B = sp.Integer(-1), sp.Integer(1)


def roots_inside(p, lo, hi):
    """Exact real roots of the polynomial p strictly inside (lo, hi)."""
    if p.is_zero or p.degree() < 1:
        return []
    return [r for r in set(sp.real_roots(p)) if lo < r < hi]


def sample(lo, hi):
    """A rational strictly inside (lo, hi)."""
    return sp.Rational(str(sp.N((lo + hi) / 2, 40)))


def split(lo, hi, polys):
    pts = set()
    for p in polys:
        pts.update(roots_inside(p, lo, hi))
    pts = sorted(pts)
    ends = [lo] + pts + [hi]
    return pts, list(zip(ends[:-1], ends[1:]))


def run():
    z1 = [W1[i][0] * X + W1[i][1] * Y + b1[i] for i in range(16)]
    breaks, pieces = set(), []
    pts1, ivs1 = split(A, B, z1)
    breaks.update(pts1)
    for lo, hi in ivs1:
        s = sample(lo, hi)
        h1 = [z if z.eval(s) > 0 else sp.Poly(0, t, domain="QQ") for z in z1]
        z2 = [sum((W2[j][i] * h1[i] for i in range(16)), sp.Poly(0, t, domain="QQ")) + b2[j]
              for j in range(16)]
        pts2, ivs2 = split(lo, hi, z2)
        breaks.update(pts2)
        for lo2, hi2 in ivs2:
            s2 = sample(lo2, hi2)
            f = sum((w3[j] * z2[j] for j in range(16) if z2[j].eval(s2) > 0),
                    sp.Poly(0, t, domain="QQ"))
            pieces.append((lo2, hi2, f.diff(t)))
    return sorted(breaks), pieces


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    t0 = time.process_time()
    for _ in range(reps):
        breaks, pieces = run()
    t1 = time.process_time()
    irr = sum(1 for b in breaks if not b.is_Rational)
    print("SymPy %s: 2-16-16-1 ReLU network along x = 3*t^3 - 2*t, "
          "y = 2*t^2 - t - 1/2, t in [-1..1]" % sp.__version__)
    print("breakpoints %d (%d irrational), intervals %d" % (len(breaks), irr, len(pieces)))
    print("breakpoints and piece derivatives: %.2f ms CPU" % (1e3 * (t1 - t0) / reps))
    if breaks:
        print("first breakpoint %s" % sp.N(breaks[0], 15))


if __name__ == "__main__":
    main()
