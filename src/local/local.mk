# src/local: the local germ question at a point (MATH.md 4, 5).
libpathdiff_la_SOURCES += src/local/local-impl.h src/local/limits.c \
  src/local/germ.c src/local/curves.c src/local/combination.c \
  src/local/z3.c src/local/activity.c src/local/verify.c
pkginclude_HEADERS += include/pathdiff/local.h
check_PROGRAMS += tests/check_local
TESTS += tests/check_local
tests_check_local_SOURCES = tests/check_local.c tests/testlib.h tests/testlib.c
tests_check_local_CFLAGS = $(TEST_CFLAGS)
tests_check_local_LDADD = $(TEST_LIBS)
