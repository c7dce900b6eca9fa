#!/bin/sh
# run-cases.sh: the golden case runner.  Runs every case under cases/ and
# compares its stdout (and exit status, and stderr when expected.err exists)
# exactly with the recorded expectation.
#
# A case is a directory cases/<command>/<name>/ holding:
#   cmd            one shell line, run inside a copy of the case directory
#                  with the built `pathdiff` first on PATH
#   expected.out   the exact stdout
#   expected.rc    the exit status (optional, default 0)
#   expected.err   the exact stderr (optional; stderr is not compared
#                  without it)
#   any inputs     input.pd, data files, ...
#
# Usage: tests/run-cases.sh [--update] [FILTER...]
#   FILTER         run only the cases whose "command/name" contains FILTER
#   --update       rewrite expected.out (and expected.rc / expected.err when
#                  present or needed) of the selected cases in the source
#                  tree from what pathdiff prints now; review the diff
#                  before committing
#
# Environment (set by `make check` through AM_TESTS_ENVIRONMENT):
#   PD_SRCDIR      the source tree (default: the directory above this script)
#   PD_BUILDDIR    the build tree holding the pathdiff binary (default: .)
#   PD_VALGRIND    if set, a valgrind command line: each pathdiff run goes
#                  through it, and any memcheck report fails the case
#   PD_CASE_TIMEOUT seconds per case (default 120; 0 disables)
#
# The source tree is never written to (except with --update): each case is
# copied to a temporary directory first, so the runner works in VPATH builds
# and in `make distcheck`, where the source tree is read-only.

LC_ALL=C
export LC_ALL

me=run-cases
update=no
filters=
for arg in "$@"; do
    case $arg in
    --update) update=yes ;;
    -h|--help)
        sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
        exit 0 ;;
    -*) echo "$me: unknown option $arg" >&2; exit 2 ;;
    *) filters="$filters $arg" ;;
    esac
done

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${PD_SRCDIR:-$here/..}
builddir=${PD_BUILDDIR:-.}
srcdir=$(cd "$srcdir" && pwd) || exit 2
builddir=$(cd "$builddir" && pwd) || exit 2
casedir=$srcdir/cases

bin=$builddir/pathdiff
if [ ! -x "$bin" ]; then
    echo "$me: $bin not found: build first (make)" >&2
    exit 2
fi
if [ ! -d "$casedir" ]; then
    echo "$me: no cases directory at $casedir" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-cases.XXXXXX") || exit 2
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# The pathdiff the cases see: the built binary, or a wrapper that runs it
# under valgrind and keeps each report in its own log file.
mkdir "$tmp/bin" "$tmp/vg"
if [ -n "$PD_VALGRIND" ]; then
    cat > "$tmp/bin/pathdiff" <<EOF
#!/bin/sh
exec $PD_VALGRIND --log-file="$tmp/vg/vg.%p" "$bin" "\$@"
EOF
    chmod +x "$tmp/bin/pathdiff"
else
    ln -s "$bin" "$tmp/bin/pathdiff"
fi

timeout_s=${PD_CASE_TIMEOUT:-120}
if [ -n "$PD_VALGRIND" ] && [ -z "$PD_CASE_TIMEOUT" ]; then
    timeout_s=1200
fi
timeout_cmd=
if [ "$timeout_s" != 0 ] && command -v timeout >/dev/null 2>&1; then
    timeout_cmd="timeout $timeout_s"
fi

selected() {
    [ -z "$filters" ] && return 0
    for f in $filters; do
        case $1 in *"$f"*) return 0 ;; esac
    done
    return 1
}

pass=0
fail=0
failed_names=
for cmdfile in $(cd "$casedir" && find . -name cmd -type f | sed 's|^\./||' | sort); do
    dir=${cmdfile%/cmd}
    name=$dir
    selected "$name" || continue
    src=$casedir/$dir
    work=$tmp/case
    rm -rf "$work"
    cp -R "$src" "$work" && chmod -R u+w "$work" || {
        echo "FAIL: $name (cannot copy the case)"
        fail=$((fail + 1)); failed_names="$failed_names $name"; continue
    }
    rm -f "$tmp"/vg/vg.*
    line=$(cat "$src/cmd")
    (cd "$work" && PATH="$tmp/bin:$PATH" $timeout_cmd sh -c "$line") \
        > "$tmp/out" 2> "$tmp/err" < /dev/null
    rc=$?

    if [ "$update" = yes ]; then
        cp "$tmp/out" "$src/expected.out"
        if [ "$rc" != 0 ] || [ -f "$src/expected.rc" ]; then
            echo "$rc" > "$src/expected.rc"
        fi
        if [ -s "$tmp/err" ] || [ -f "$src/expected.err" ]; then
            cp "$tmp/err" "$src/expected.err"
        fi
        echo "UPDATED: $name (exit $rc)"
        pass=$((pass + 1))
        continue
    fi

    want_rc=0
    [ -f "$src/expected.rc" ] && want_rc=$(tr -d ' \n\r' < "$src/expected.rc")
    problems=
    if [ ! -f "$src/expected.out" ]; then
        problems="$problems; no expected.out"
    elif ! cmp -s "$src/expected.out" "$tmp/out"; then
        problems="$problems; stdout differs"
    fi
    if [ "$rc" = 124 ] && [ -n "$timeout_cmd" ]; then
        problems="$problems; timed out after ${timeout_s}s"
    elif [ "$rc" != "$want_rc" ]; then
        problems="$problems; exit status $rc, expected $want_rc"
    fi
    if [ -f "$src/expected.err" ] && ! cmp -s "$src/expected.err" "$tmp/err"; then
        problems="$problems; stderr differs"
    fi
    vglogs=
    for log in "$tmp"/vg/vg.*; do
        [ -s "$log" ] && vglogs="$vglogs $log"
    done
    [ -n "$vglogs" ] && problems="$problems; valgrind reported errors"

    if [ -z "$problems" ]; then
        echo "PASS: $name"
        pass=$((pass + 1))
        continue
    fi
    echo "FAIL: $name (${problems#; })"
    echo "  cmd: $line"
    if [ -f "$src/expected.out" ] && ! cmp -s "$src/expected.out" "$tmp/out"; then
        diff -u "$src/expected.out" "$tmp/out" \
            | sed -e "1s|.*|--- $name/expected.out|" -e "2s|.*|+++ stdout|" \
            | head -n 200
    fi
    if [ -f "$src/expected.err" ] && ! cmp -s "$src/expected.err" "$tmp/err"; then
        diff -u "$src/expected.err" "$tmp/err" \
            | sed -e "1s|.*|--- $name/expected.err|" -e "2s|.*|+++ stderr|" \
            | head -n 100
    elif [ -s "$tmp/err" ]; then
        echo "  stderr:"
        sed 's/^/    /' "$tmp/err" | head -n 50
    fi
    for log in $vglogs; do
        sed 's/^/    /' "$log" | head -n 100
    done
    fail=$((fail + 1))
    failed_names="$failed_names $name"
done

total=$((pass + fail))
if [ "$update" = yes ]; then
    echo "cases: $pass updated"
    exit 0
fi
if [ "$total" = 0 ]; then
    echo "no case selected"; echo "cases: 0 passed, 0 failed"
    exit 0
fi
[ "$fail" != 0 ] && echo "failed:$failed_names"
echo "cases: $pass passed, $fail failed"
[ "$fail" = 0 ]
