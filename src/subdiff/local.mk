# src/subdiff: the Clarke subdifferential, the backprop field, verdicts.
libpathdiff_la_SOURCES += src/subdiff/subdiff-impl.h src/subdiff/clarke.c \
  src/subdiff/field.c src/subdiff/verdict.c src/subdiff/guards.c
pkginclude_HEADERS += include/pathdiff/subdiff.h
check_PROGRAMS += tests/check_subdiff
TESTS += tests/check_subdiff
tests_check_subdiff_SOURCES = tests/check_subdiff.c tests/testlib.h tests/testlib.c
tests_check_subdiff_CFLAGS = $(TEST_CFLAGS)
tests_check_subdiff_LDADD = $(TEST_LIBS)
PD_BENCH += bench/bench_clarke
bench_bench_clarke_SOURCES = bench/bench_clarke.c
bench_bench_clarke_LDADD = libpathdiff.la
