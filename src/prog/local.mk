# src/prog: the program DAG.
libpathdiff_la_SOURCES += src/prog/prog.c
pkginclude_HEADERS += include/pathdiff/common.h include/pathdiff/prog.h include/pathdiff/lang.h
check_PROGRAMS += tests/check_prog
TESTS += tests/check_prog
tests_check_prog_SOURCES = tests/check_prog.c tests/testlib.h tests/testlib.c
tests_check_prog_CFLAGS = $(TEST_CFLAGS)
tests_check_prog_LDADD = $(TEST_LIBS)
