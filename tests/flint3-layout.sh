#!/bin/sh
# flint3-layout.sh: build and test pathdiff against a simulated FLINT >= 3
# install, on a machine that has FLINT 2 with separate Arb and Calcium.
#
# FLINT 3 merged Arb and Calcium into libflint and moved every header under
# flint/.  This script lays out such a prefix from the installed FLINT 2,
# Arb and Calcium (headers symlinked into PREFIX/include/flint/, a libflint.so
# linker script naming the three libraries, a flint.pc at version 3.0.0),
# then configures pathdiff against it in BUILDDIR and runs make check.  It
# checks configure's layout detection and that no source bypasses the
# layout shim (src/pd-impl.h); it cannot catch API changes of real FLINT 3.
#
# usage: tests/flint3-layout.sh [BUILDDIR] [PREFIX]   (defaults under /tmp)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/pathdiff-flint3-build}
prefix=${2:-/tmp/pathdiff-flint3-prefix}
libdir=$(dirname "$(gcc -print-file-name=libflint.so)")

rm -rf "$prefix" "$build"
mkdir -p "$prefix/include/flint" "$prefix/lib/pkgconfig" "$build"
for h in /usr/include/flint/*.h; do ln -s "$h" "$prefix/include/flint/"; done
for h in $(dpkg -L libflint-arb-dev | grep '^/usr/include/[^/]*\.h$'); do
    ln -sf "$h" "$prefix/include/flint/"
done
for h in /usr/include/calcium/*.h; do ln -sf "$h" "$prefix/include/flint/"; done
echo "INPUT($libdir/libcalcium.so $libdir/libflint-arb.so $libdir/libflint.so)" \
    > "$prefix/lib/libflint.so"
cat > "$prefix/lib/pkgconfig/flint.pc" <<PC
prefix=$prefix
Name: flint
Description: FLINT 2, Arb and Calcium laid out as a merged FLINT 3
Version: 3.0.0
Requires: gmp mpfr
Cflags: -I\${prefix}/include
Libs: -L\${prefix}/lib -lflint
PC
cd "$build"
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" "$src/configure" -q
grep -q '^#define PD_FLINT_LAYOUT 3' config.h || {
    echo "flint3-layout: configure did not pick the FLINT 3 layout" >&2
    exit 1
}
make -j"$(nproc)" check
