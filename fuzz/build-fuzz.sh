#!/bin/sh
# build-fuzz.sh: build the parser fuzz target with libFuzzer, ASan and
# UBSan, straight from the sources (no configure needed), and gather a seed
# corpus from fuzz/corpus and the programs under cases/.
#
#   fuzz/build-fuzz.sh [OUTDIR]        (default: ./fuzz-build)
#   OUTDIR/fuzz_parse -max_total_time=600 -rss_limit_mb=4096 \
#       -dict=fuzz/pd.dict OUTDIR/corpus-run OUTDIR/corpus
#
# Needs clang and libFuzzer (Debian: clang, libclang-rt-14-dev).  CC and
# EXTRA_CFLAGS may be overridden; with CC=afl-clang-fast the same harness
# builds for AFL++.
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-fuzz-build}
mkdir -p "$out/corpus" "$out/corpus-run"
CC=${CC:-clang}
FLINT_CFLAGS=${FLINT_CFLAGS:-$(pkg-config --cflags flint 2>/dev/null || true)}
# Smaller resource limits keep each run fast under the sanitizers (adding
# an input costs time linear in the number of inputs so far).
$CC -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -std=gnu11 -DPACKAGE_VERSION='"fuzz"' \
    -DPD_LANG_MAX_INPUTS=2048L -DPD_LANG_MAX_NODES=262144L \
    -I"$src/include" -I"$src/src" $FLINT_CFLAGS $EXTRA_CFLAGS \
    "$src/fuzz/fuzz_parse.c" "$src"/src/lang/*.c "$src/src/prog/prog.c" \
    "$src/src/util/error.c" \
    -lflint -lmpfr -lgmp -lm -o "$out/fuzz_parse"
cp "$src"/fuzz/corpus/* "$out/corpus/"
# every program of the golden cases is a seed too
find "$src/cases" -name '*.pd' 2>/dev/null | while read -r f; do
    d=$(dirname "$f")
    cp "$f" "$out/corpus/case-$(basename "$(dirname "$d")")-$(basename "$d")-$(basename "$f")"
done
echo "built $out/fuzz_parse; corpus: $(ls "$out/corpus" | wc -l) files"
