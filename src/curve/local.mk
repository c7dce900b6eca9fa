# src/curve: path differentiability along polynomial curves (MATH.md 6).
libpathdiff_la_SOURCES += src/curve/realalg.h src/curve/realalg.c \
  src/curve/curve-impl.h src/curve/curve.c src/curve/parse.c \
  src/curve/compose.c src/curve/backprop.c \
  src/curve/identities.h src/curve/identities.c \
  src/curve/integral.h src/curve/integral.c src/curve/check.c \
  src/curve/samples.c src/curve/oracle.c
pkginclude_HEADERS += include/pathdiff/curve.h
check_PROGRAMS += tests/check_curve
TESTS += tests/check_curve
tests_check_curve_SOURCES = tests/check_curve.c tests/testlib.h tests/testlib.c
tests_check_curve_CFLAGS = $(TEST_CFLAGS)
tests_check_curve_LDADD = $(TEST_LIBS)
PD_BENCH += bench/bench_curve
bench_bench_curve_SOURCES = bench/bench_curve.c
bench_bench_curve_LDADD = libpathdiff.la
EXTRA_DIST += bench/sympy_curve.py
