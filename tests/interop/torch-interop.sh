#!/bin/sh
# torch-interop.sh: run tests/interop/torch_interop.py against the built
# pathdiff: gradients of `pathdiff ad --convention pytorch` must equal
# PyTorch's, bit for bit, in float32 and float64.  Exit 77 (skip) with a
# message when no python3 with torch is available.
srcdir=${PD_SRCDIR:-$(dirname "$0")/../..}
builddir=${PD_BUILDDIR:-.}
exe="$builddir/pathdiff"
if [ ! -x "$exe" ]; then
    echo "SKIP: $exe not built"
    exit 77
fi
py=
for p in "${PD_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$p" ] || continue
    if "$p" -c "import torch" >/dev/null 2>&1; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: no python3 with torch found (install python3-torch, or set PD_PYTHON)"
    exit 77
fi
# Under valgrind builds, the pathdiff runs are not wrapped: the interop test
# checks numbers; memory is checked by the Check suites and the cases.
exec "$py" "$srcdir/tests/interop/torch_interop.py" "$exe" ${PD_INTEROP_COUNT:+--count "$PD_INTEROP_COUNT"}
