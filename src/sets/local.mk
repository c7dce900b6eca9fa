# src/sets: exact polytopes: cones, hulls, membership (cddlib, GMP rationals).
libpathdiff_la_SOURCES += src/sets/lp.h src/sets/lp.c src/sets/ptset.c \
  src/sets/cone.c src/sets/hull.c src/sets/seidel.c
pkginclude_HEADERS += include/pathdiff/sets.h
check_PROGRAMS += tests/check_sets
TESTS += tests/check_sets
tests_check_sets_SOURCES = tests/check_sets.c tests/testlib.h tests/testlib.c
tests_check_sets_CFLAGS = $(TEST_CFLAGS)
tests_check_sets_LDADD = $(TEST_LIBS)
