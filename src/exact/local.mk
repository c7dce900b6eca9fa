# src/exact: exact evaluation, pieces and guards (MATH.md 2).
libpathdiff_la_SOURCES += src/exact/exact-impl.h src/exact/pattern.c \
  src/exact/nodeval.c src/exact/eval.c src/exact/grad.c src/exact/piece.c
pkginclude_HEADERS += include/pathdiff/exact.h
check_PROGRAMS += tests/check_exact
TESTS += tests/check_exact
tests_check_exact_SOURCES = tests/check_exact.c tests/testlib.h tests/testlib.c
tests_check_exact_CFLAGS = $(TEST_CFLAGS)
tests_check_exact_LDADD = $(TEST_LIBS)
