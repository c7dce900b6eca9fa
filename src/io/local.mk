# src/io: reading AD data files (CSV, JSON lines)
libpathdiff_la_SOURCES += src/io/addata.c
pkginclude_HEADERS += include/pathdiff/io.h
# The verdicts on AD data (src/subdiff/verify.c) are listed here so that
# src/subdiff/local.mk stays with its owner's files.
libpathdiff_la_SOURCES += src/subdiff/verify.c
pkginclude_HEADERS += include/pathdiff/verify.h
check_PROGRAMS += tests/check_verify
TESTS += tests/check_verify
tests_check_verify_SOURCES = tests/check_verify.c tests/testlib.h tests/testlib.c
tests_check_verify_CFLAGS = $(TEST_CFLAGS)
tests_check_verify_LDADD = $(TEST_LIBS)
# Benchmark (make bench): verify throughput on a 784-128-10 MLP.
PD_BENCH += bench/bench_verify
bench_bench_verify_SOURCES = bench/bench_verify.c bench/benchlib.h bench/benchlib.c
bench_bench_verify_LDADD = libpathdiff.la
