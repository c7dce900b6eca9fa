#!/bin/sh
# crosscheck.sh: compare pathdiff's exact answers (eval, clarke, field,
# ad --arith exact) with tests/crosscheck/oracle.py, an independent exact
# oracle in plain Python 3, on random programs at points on their kinks.
# Exit 77 (skip) when no python3 is available.
#
# Environment: PD_SRCDIR, PD_BUILDDIR (set by `make check`), PD_PYTHON (a
# python3 to use), PD_TEST_SEED (the seed), PD_TEST_MULT (more programs),
# PD_CROSSCHECK_COUNT (the number of random programs, default 150).
srcdir=${PD_SRCDIR:-$(dirname "$0")/../..}
builddir=${PD_BUILDDIR:-.}
exe="$builddir/pathdiff"
if [ ! -x "$exe" ]; then
    echo "crosscheck: $exe not built" >&2
    exit 2
fi
py=
for p in "${PD_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$p" ] || continue
    if "$p" -c 'import fractions, sys; sys.exit(sys.version_info < (3, 5))' >/dev/null 2>&1; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: crosscheck needs python3 (3.5 or later; set PD_PYTHON to use another)"
    exit 77
fi
# Temporary .pd files go to a fresh directory under $TMPDIR, never into the
# source tree.  The pathdiff runs are not wrapped in valgrind: this test
# checks answers; memory is checked by the Check suites and the cases.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-crosscheck.XXXXXX") || exit 2
"$py" "$srcdir/tests/crosscheck/oracle.py" "$exe" --keep "$tmp" \
    --count "${PD_CROSSCHECK_COUNT:-150}"
rc=$?
if [ $rc -eq 0 ]; then
    rm -rf "$tmp"
else
    echo "crosscheck: the programs are kept in $tmp"
fi
exit $rc
