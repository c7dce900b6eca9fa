#!/usr/bin/env python3
"""torch_interop.py: compare `pathdiff ad --convention pytorch` with PyTorch's
backprop, bit for bit, in float32 and float64.

Programs are generated here, written as .pd files, run through torch op by
op in the same order, and through the pathdiff binary.  Families:
  identities   the identities of CONVENTIONS.md at their kinks
  primitives   every primitive at and away from its kink
  random       random straight-line programs, one operation a line, at
               points on a small dyadic grid (so that ties happen)
  relunet      small ReLU networks with dyadic weights in matrix syntax, at
               points where some pre-activations are exactly 0; torch runs
               them op by op (bit for bit) and with its BLAS matmul (within
               rounding: BLAS may sum in another order)
Usage: torch_interop.py PATHDIFF [--seed N] [--count N] [--keep DIR]
                         [--convention C]   (anything but pytorch must fail)
Exit 0 when everything agrees, 1 on a mismatch, 77 when torch is missing.
"""
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
from fractions import Fraction

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("SKIP: python3 cannot import torch (install python3-torch)")
    sys.exit(77)

torch.set_num_threads(1)

# --------------------------------------------------------------------------
# A program: a list of nodes, each (op, args, extra); args are node indices.
#   ('input', [], name) ('const', [], Fraction) ('add'|'sub'|'mul', [i, j])
#   ('neg', [i]) ('div', [i], Fraction) ('pow', [i], n) ('relu', [i])
#   ('abs', [i]) ('max'|'min', [i, ...]) ('leaky', [i], Fraction)
#   ('clamp', [i], (lo, hi)) ('hardtanh', [i]) ('relu6', [i])
#   ('sort', [i, ...]) ('sorted', [s], j)   (j 0-based)
# The .pd text binds every node on its own line so the parser creates the
# nodes in this order.


def frac_str(q):
    q = Fraction(q)
    if q.denominator == 1:
        return str(q.numerator)
    return "%d/%d" % (q.numerator, q.denominator)


def lit(q):
    """A literal usable as an operand in .pd (parenthesised if negative or
    a fraction)."""
    q = Fraction(q)
    if q.denominator == 1 and q >= 0:
        return str(q.numerator)
    return "(" + frac_str(q) + ")"


class Prog:
    def __init__(self):
        self.nodes = []
        self.inputs = []

    def add(self, op, args=(), extra=None):
        self.nodes.append((op, list(args), extra))
        if op == 'input':
            self.inputs.append(len(self.nodes) - 1)
        return len(self.nodes) - 1

    def pd(self):
        names = {}
        lines = ["input " + ", ".join(self.nodes[i][2] for i in self.inputs)]
        for i, (op, a, e) in enumerate(self.nodes):
            if op == 'input':
                names[i] = e
                continue
            n = "t%d" % i
            names[i] = n
            A = [names[k] for k in a]
            if op == 'const':
                rhs = frac_str(e)
            elif op == 'add':
                rhs = "%s + %s" % (A[0], A[1])
            elif op == 'sub':
                rhs = "%s - %s" % (A[0], A[1])
            elif op == 'mul':
                rhs = "%s * %s" % (A[0], A[1])
            elif op == 'neg':
                rhs = "-%s" % A[0]
            elif op == 'div':
                rhs = "%s / %s" % (A[0], lit(e))
            elif op == 'pow':
                rhs = "%s^%d" % (A[0], e)
            elif op in ('relu', 'abs', 'hardtanh', 'relu6'):
                rhs = "%s(%s)" % (op, A[0])
            elif op in ('max', 'min'):
                rhs = "%s(%s)" % (op, ", ".join(A))
            elif op == 'leaky':
                rhs = "leaky_relu(%s, %s)" % (A[0], frac_str(e))
            elif op == 'clamp':
                rhs = "clamp(%s, %s, %s)" % (A[0], frac_str(e[0]), frac_str(e[1]))
            elif op == 'sort':
                rhs = "sort([%s])" % ", ".join(A)
            elif op == 'sorted':
                rhs = "%s[%d]" % (A[0], e + 1)
            else:
                raise ValueError(op)
            lines.append("%s = %s" % (n, rhs))
        lines.append("output %s" % names[len(self.nodes) - 1])
        return "\n".join(lines) + "\n"

    def torch_grad(self, point, dt):
        """Value and gradient by torch, op by op in node order."""
        v = []
        xs = []
        for i, (op, a, e) in enumerate(self.nodes):
            A = [v[k] for k in a]
            if op == 'input':
                t = torch.tensor(float(point[len(xs)]), dtype=dt, requires_grad=True)
                xs.append(t)
            elif op == 'const':
                t = torch.tensor(float(e), dtype=dt)
            elif op == 'add':
                t = A[0] + A[1]
            elif op == 'sub':
                t = A[0] - A[1]
            elif op == 'mul':
                t = A[0] * A[1]
            elif op == 'neg':
                t = -A[0]
            elif op == 'div':
                t = A[0] / torch.tensor(float(e), dtype=dt)
            elif op == 'pow':
                t = A[0] ** e
            elif op == 'relu':
                t = torch.relu(A[0])
            elif op == 'abs':
                t = torch.abs(A[0])
            elif op == 'max':
                t = (torch.maximum(A[0], A[1]) if len(A) == 2
                     else torch.amax(torch.stack(A)))
            elif op == 'min':
                t = (torch.minimum(A[0], A[1]) if len(A) == 2
                     else torch.amin(torch.stack(A)))
            elif op == 'leaky':
                t = F.leaky_relu(A[0], float(e))
            elif op == 'clamp':
                t = torch.clamp(A[0], float(e[0]), float(e[1]))
            elif op == 'hardtanh':
                t = F.hardtanh(A[0])
            elif op == 'relu6':
                t = F.relu6(A[0])
            elif op == 'sort':
                t = torch.sort(torch.stack(A))[0]
            elif op == 'sorted':
                t = A[0][e]
            v.append(t)
        out = v[-1]
        if out.requires_grad:
            out.backward()
        grads = [0.0 if x.grad is None else x.grad.item() for x in xs]
        return out.item(), grads


# --------------------------------------------------------------------------
# Running pathdiff and comparing

def bits(x, dt):
    if dt == torch.float32:
        return struct.unpack('<I', struct.pack('<f', x))[0]
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def parse_num(s, dt):
    x = float(s)          # "-0", "inf", "nan" included
    if dt == torch.float32:
        x = struct.unpack('<f', struct.pack('<f', x))[0]
    return x


class Runner:
    def __init__(self, exe, keep):
        self.exe = exe
        self.tmp = None if keep else tempfile.TemporaryDirectory(prefix="pd-interop-")
        self.dir = keep or self.tmp.name
        self.count = 0
        self.convention = "pytorch"
        self.tied = 0
        self.stats = {}
        self.failures = []

    def ad(self, text, point, dt, points_mode="exact"):
        self.count += 1
        path = os.path.join(self.dir, "p%04d.pd" % self.count)
        with open(path, "w") as f:
            f.write(text)
        arith = "float" if dt == torch.float32 else "double"
        at = ",".join(point)
        cmd = [self.exe, "ad", path, "--at", at, "--convention", self.convention,
               "--arith", arith, "--points", points_mode, "--json"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr))
        return json.loads(r.stdout), path

    def record(self, family, ok, detail):
        s = self.stats.setdefault(family, [0, 0])
        s[0 if ok else 1] += 1
        if not ok:
            self.failures.append((family, detail))

    def compare(self, family, text, point_strs, torch_val, torch_grad, dt,
                points_mode="exact", tol=None):
        """Bit-for-bit comparison (tol None) or within tol * scale."""
        doc, path = self.ad(text, point_strs, dt, points_mode)
        ours = [parse_num(s, dt) for s in doc["gradient"]]
        self.tied += 1 if doc["tied"] else 0
        val = parse_num(doc["value"], dt)
        if tol is None:
            ok = (len(ours) == len(torch_grad)
                  and all(bits(a, dt) == bits(b, dt) for a, b in zip(ours, torch_grad))
                  and bits(val, dt) == bits(torch_val, dt))
        else:
            ok = all(abs(a - b) <= tol * max(1.0, abs(b)) for a, b in zip(ours, torch_grad))
        dname = "float32" if dt == torch.float32 else "float64"
        self.record(family + "/" + dname, ok,
                    "%s at %s: torch value %r grad %r, pathdiff value %r grad %r"
                    % (path, ",".join(point_strs), torch_val, torch_grad, val, ours))


# --------------------------------------------------------------------------
# Families

IDENTITIES = [
    # (pd text, torch function of the inputs, points)
    ("f(x) = relu(x) - relu(-x)\n", lambda x: torch.relu(x) - torch.relu(-x), ["0", "1", "-1/2"]),
    ("f(x) = relu(x) + relu(-x)\n", lambda x: torch.relu(x) + torch.relu(-x), ["0", "3/4"]),
    ("f(x) = abs(x)\n", torch.abs, ["0", "-2"]),
    ("f(x) = clamp(x, -1, 1) - hardtanh(x)\n",
     lambda x: torch.clamp(x, -1.0, 1.0) - F.hardtanh(x), ["1", "-1", "0", "2"]),
    ("f(x) = max(x, x/4) - relu(x) + relu(-x)/4\n",
     lambda x: torch.maximum(x, x / torch.tensor(4.0, dtype=x.dtype)) - torch.relu(x)
     + torch.relu(-x) / torch.tensor(4.0, dtype=x.dtype), ["0", "1", "-1"]),
    ("f(x, y) = max(x, y)\n", torch.maximum, [("1", "1"), ("2", "1")]),
    ("f(x, y) = min(x, y)\n", torch.minimum, [("1", "1"), ("-1", "2")]),
    ("f(x, y, z) = max(x, y, z)\n", lambda x, y, z: torch.amax(torch.stack([x, y, z])),
     [("1", "1", "1"), ("1", "1", "0"), ("0", "2", "2")]),
    ("f(x, y, z) = min(x, y, z)\n", lambda x, y, z: torch.amin(torch.stack([x, y, z])),
     [("1", "1", "1"), ("0", "1", "0")]),
    ("f(x) = relu6(x) - clamp(x, 0, 6)\n",
     lambda x: F.relu6(x) - torch.clamp(x, 0.0, 6.0), ["0", "6", "3"]),
    ("f(x) = leaky_relu(x, 1/4) - relu(x)\n",
     lambda x: F.leaky_relu(x, 0.25) - torch.relu(x), ["0", "-1"]),
    ("f(x) = max(x, 0) - relu(x)\n",
     lambda x: torch.maximum(x, torch.tensor(0.0, dtype=x.dtype)) - torch.relu(x), ["0"]),
]


def family_identities(R):
    for text, fn, pts in IDENTITIES:
        for p in pts:
            p = (p,) if isinstance(p, str) else p
            for dt in (torch.float32, torch.float64):
                xs = [torch.tensor(float(Fraction(s)), dtype=dt, requires_grad=True) for s in p]
                y = fn(*xs)
                y.backward()
                g = [0.0 if x.grad is None else x.grad.item() for x in xs]
                R.compare("identities", text, list(p), y.item(), g, dt)


def rand_dyadic(rng, lo=-2, hi=2, den=4):
    return Fraction(rng.randint(lo * den, hi * den), den)


def random_prog(rng, nin, nops):
    P = Prog()
    for k in range(nin):
        P.add('input', [], "x%d" % (k + 1))
    for _ in range(rng.randint(0, 2)):
        P.add('const', [], rand_dyadic(rng))
    ops = ['add', 'sub', 'mul', 'neg', 'div', 'pow', 'relu', 'abs', 'max',
           'min', 'leaky', 'clamp', 'hardtanh', 'relu6', 'sort', 'max3', 'min3']
    for _ in range(nops):
        n = len(P.nodes)

        def pick():
            # favour recent nodes, never a bare sort
            while True:
                k = n - 1 - min(int(rng.expovariate(0.4)), n - 1)
                if P.nodes[k][0] != 'sort':
                    return k
        op = rng.choice(ops)
        if op in ('add', 'sub', 'mul'):
            P.add(op, [pick(), pick()])
        elif op in ('neg', 'relu', 'abs', 'hardtanh', 'relu6'):
            P.add(op, [pick()])
        elif op == 'div':
            P.add('div', [pick()], rng.choice([Fraction(2), Fraction(3), Fraction(1, 4),
                                                Fraction(-5), Fraction(1, 10), Fraction(7)]))
        elif op == 'pow':
            P.add('pow', [pick()], rng.choice([0, 1, 2, 2, 3, 4, 5]))
        elif op in ('max', 'min'):
            P.add(op, [pick(), pick()])
        elif op in ('max3', 'min3'):
            P.add(op[:3], [pick() for _ in range(rng.randint(3, 5))])
        elif op == 'leaky':
            P.add('leaky', [pick()], rng.choice([Fraction(1, 4), Fraction(1, 100), Fraction(0), Fraction(1, 3)]))
        elif op == 'clamp':
            lo = rand_dyadic(rng, -1, 1, 2)
            P.add('clamp', [pick()], (lo, lo + Fraction(rng.randint(0, 4), 2)))
        elif op == 'sort':
            args = [pick() for _ in range(rng.randint(2, 5))]
            s = P.add('sort', args)
            for j in rng.sample(range(len(args)), rng.randint(1, len(args))):
                P.add('sorted', [s], j)
    # a final combination so that several nodes feed the output
    live = [k for k in range(len(P.nodes)) if P.nodes[k][0] != 'sort']
    acc = live[-1]
    for k in rng.sample(live, min(3, len(live))):
        if k != acc:
            acc = P.add(rng.choice(['add', 'sub', 'mul']), [acc, k])
    return P


def family_random(R, rng, count):
    for it in range(count):
        nin = rng.randint(1, 3)
        P = random_prog(rng, nin, rng.randint(4, 18))
        text = P.pd()
        point = [rand_dyadic(rng, -2, 2, 2) for _ in range(nin)]
        if rng.random() < 0.5 and nin > 1:
            point[1] = point[0]          # encourage ties
        ps = [frac_str(q) for q in point]
        for dt in (torch.float32, torch.float64):
            try:
                val, g = P.torch_grad(point, dt)
            except RuntimeError as e:
                R.record("random", False, "torch failed: %s" % e)
                continue
            if not all(map(math.isfinite, g + [val])):
                continue
            R.compare("random", text, ps, val, g, dt)


def family_random_floats(R, rng, count):
    """Random programs at random float points (no ties, inexact sums)."""
    for it in range(count):
        nin = rng.randint(1, 3)
        P = random_prog(rng, nin, rng.randint(4, 14))
        text = P.pd()
        for dt in (torch.float32, torch.float64):
            vals = [rng.uniform(-3, 3) for _ in range(nin)]
            if dt == torch.float32:
                vals = [struct.unpack('<f', struct.pack('<f', v))[0] for v in vals]
                strs = [repr(torch.tensor(v, dtype=dt).item()) for v in vals]
                mode = "float32"
            else:
                strs = [repr(v) for v in vals]
                mode = "float64"
            val, g = P.torch_grad([Fraction(v) for v in vals], dt)
            if not all(map(math.isfinite, g + [val])):
                continue
            R.compare("random-floats", text, strs, val, g, dt, points_mode=mode)


def relu_net(rng, sizes):
    """Weights and biases as Fractions with small dyadic values."""
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        W = [[rand_dyadic(rng, -2, 2, 4) for _ in range(a)] for _ in range(b)]
        bias = [rand_dyadic(rng, -1, 1, 4) for _ in range(b)]
        layers.append((W, bias))
    return layers


def net_forward_exact(layers, x):
    h = list(x)
    pre = []
    for li, (W, b) in enumerate(layers):
        z = [sum((W[i][j] * h[j] for j in range(len(h))), Fraction(0)) + b[i] for i in range(len(W))]
        pre.append(z)
        h = [max(v, Fraction(0)) for v in z] if li + 1 < len(layers) else z
    return pre


def net_pd(layers):
    n0 = len(layers[0][0][0])
    lines = ["input x[%d]" % n0]
    prev = "x"
    for li, (W, b) in enumerate(layers):
        lines.append("W%d = [%s]" % (li + 1, ", ".join(
            "[" + ", ".join(frac_str(w) for w in row) + "]" for row in W)))
        lines.append("b%d = [%s]" % (li + 1, ", ".join(frac_str(v) for v in b)))
        if li + 1 < len(layers):
            lines.append("h%d = relu(W%d @ %s + b%d)" % (li + 1, li + 1, prev, li + 1))
            prev = "h%d" % (li + 1)
        else:
            lines.append("z = W%d @ %s + b%d" % (li + 1, prev, li + 1))
    lines.append("output sum(z)" if len(layers[-1][0]) > 1 else "output z[1]")
    return "\n".join(lines) + "\n"


def net_torch(layers, x, dt, blas):
    xs = [torch.tensor(float(v), dtype=dt, requires_grad=True) for v in x]
    if blas:
        h = torch.stack(xs)
        for li, (W, b) in enumerate(layers):
            Wt = torch.tensor([[float(w) for w in row] for row in W], dtype=dt)
            bt = torch.tensor([float(v) for v in b], dtype=dt)
            z = Wt @ h + bt
            h = torch.relu(z) if li + 1 < len(layers) else z
        out = h.sum() if h.shape[0] > 1 else h[0]
    else:
        h = xs
        for li, (W, b) in enumerate(layers):
            z = []
            for i in range(len(W)):
                acc = None
                for j in range(len(h)):
                    t = torch.tensor(float(W[i][j]), dtype=dt) * h[j]
                    acc = t if acc is None else acc + t
                acc = acc + torch.tensor(float(b[i]), dtype=dt)
                z.append(acc)
            h = [torch.relu(v) for v in z] if li + 1 < len(layers) else z
        out = h[0]
        for v in h[1:]:
            out = out + v
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in xs]


def family_relunet(R, rng, count):
    for it in range(count):
        n0 = rng.randint(2, 4)
        sizes = [n0] + [rng.randint(2, 5) for _ in range(rng.randint(1, 2))] + [rng.choice([1, 2])]
        layers = relu_net(rng, sizes)
        x = [rand_dyadic(rng, -2, 2, 4) for _ in range(n0)]
        # make some first-layer pre-activations exactly 0 by moving biases
        W, b = layers[0]
        for i in rng.sample(range(len(W)), rng.randint(1, len(W))):
            b[i] = -sum(W[i][j] * x[j] for j in range(n0))
        if len(layers) > 2:
            pre = net_forward_exact(layers, x)
            W2, b2 = layers[1]
            i = rng.randrange(len(W2))
            h1 = [max(v, Fraction(0)) for v in pre[0]]
            b2[i] = -sum(W2[i][j] * h1[j] for j in range(len(h1)))
        text = net_pd(layers)
        ps = [frac_str(v) for v in x]
        for dt in (torch.float32, torch.float64):
            val, g = net_torch(layers, x, dt, blas=False)
            R.compare("relunet", text, ps, val, g, dt)
            val, g = net_torch(layers, x, dt, blas=True)
            R.compare("relunet-blas", text, ps, val, g, dt,
                      tol=(1e-5 if dt == torch.float32 else 1e-13))


def family_primitives(R):
    """Each primitive alone, at its kink and on both sides."""
    cases = [
        ("relu", lambda P, x: P.add('relu', [x]), ["0", "1", "-1"]),
        ("abs", lambda P, x: P.add('abs', [x]), ["0", "1", "-1"]),
        ("neg-abs", lambda P, x: P.add('neg', [P.add('abs', [x])]), ["0"]),
        ("leaky", lambda P, x: P.add('leaky', [x], Fraction(1, 10)), ["0", "2", "-2"]),
        ("clamp", lambda P, x: P.add('clamp', [x], (Fraction(-1, 2), Fraction(3, 2))),
         ["-1/2", "3/2", "0", "-1", "2"]),
        ("clamp-point", lambda P, x: P.add('clamp', [x], (Fraction(1), Fraction(1))), ["1", "0"]),
        ("hardtanh", lambda P, x: P.add('hardtanh', [x]), ["-1", "1", "0", "5"]),
        ("relu6", lambda P, x: P.add('relu6', [x]), ["0", "6", "1", "7"]),
        ("pow", lambda P, x: P.add('pow', [x], 5), ["0", "3/2", "-1/3"]),
        ("div", lambda P, x: P.add('div', [x], Fraction(3)), ["1", "1/3"]),
        ("square-shared", lambda P, x: P.add('mul', [x, x]), ["3/2"]),
    ]
    for name, build, pts in cases:
        P = Prog()
        x = P.add('input', [], "x")
        build(P, x)
        # a downstream weight so the incoming gradient is not 1
        c = P.add('const', [], Fraction(-3, 2))
        P.add('mul', [len(P.nodes) - 2, c])
        text = P.pd()
        for p in pts:
            for dt in (torch.float32, torch.float64):
                val, g = P.torch_grad([Fraction(p)], dt)
                R.compare("primitives", text, [p], val, g, dt)
    # n-ary max/min and sort with ties
    for op in ('max', 'min'):
        for k in (2, 3, 4):
            P = Prog()
            xs = [P.add('input', [], "x%d" % (i + 1)) for i in range(k)]
            P.add(op, xs)
            text = P.pd()
            for pt in (["1"] * k, ["1"] * (k - 1) + ["0"], ["0"] + ["2"] * (k - 1)):
                for dt in (torch.float32, torch.float64):
                    val, g = P.torch_grad([Fraction(s) for s in pt], dt)
                    R.compare("primitives", text, pt, val, g, dt)
    for k in (2, 3, 5, 16):
        P = Prog()
        xs = [P.add('input', [], "x%d" % (i + 1)) for i in range(k)]
        s = P.add('sort', xs)
        acc = None
        for j in range(k):
            t = P.add('sorted', [s], j)
            w = P.add('const', [], Fraction(j + 1))
            m = P.add('mul', [t, w])
            acc = m if acc is None else P.add('add', [acc, m])
        text = P.pd()
        for pt in (["1"] * k, [str(i % 2) for i in range(k)], [str(k - i) for i in range(k)]):
            for dt in (torch.float32, torch.float64):
                val, g = P.torch_grad([Fraction(s) for s in pt], dt)
                R.compare("primitives", text, pt, val, g, dt)


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    exe = args[0]
    seed, count, keep, conv = 20240611, 120, None, "pytorch"
    i = 1
    while i < len(args):
        if args[i] == "--seed":
            seed = int(args[i + 1]); i += 2
        elif args[i] == "--count":
            count = int(args[i + 1]); i += 2
        elif args[i] == "--keep":
            keep = args[i + 1]; os.makedirs(keep, exist_ok=True); i += 2
        elif args[i] == "--convention":
            conv = args[i + 1]; i += 2
        else:
            print("unknown argument %s" % args[i]); return 2
    seed = int(os.environ.get("PD_TEST_SEED", seed))
    print("torch %s, seed %d" % (torch.__version__, seed))
    rng = random.Random(seed)
    R = Runner(exe, keep)
    R.convention = conv
    family_identities(R)
    family_primitives(R)
    family_random(R, rng, count)
    family_random_floats(R, rng, count // 2)
    family_relunet(R, rng, count // 3)
    total_ok = total_bad = 0
    for fam in sorted(R.stats):
        ok, bad = R.stats[fam]
        total_ok += ok
        total_bad += bad
        how = "within rounding" if "blas" in fam else "bit for bit"
        print("%-28s %5d agree %s, %d differ" % (fam, ok, how, bad))
    print("total: %d comparisons (%d at points where pathdiff saw ties), %d differ"
          % (total_ok + total_bad, R.tied, total_bad))
    for fam, d in R.failures[:20]:
        print("MISMATCH %s: %s" % (fam, d))
    if total_bad and R.tmp is not None:
        print("(rerun with --keep DIR to keep the .pd files)")
    return 0 if total_bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
