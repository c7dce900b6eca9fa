# src/ad: framework conventions and numeric AD.
pkginclude_HEADERS += include/pathdiff/ad.h
libpathdiff_la_SOURCES += src/ad/ad-impl.h src/ad/conv.c src/ad/arith.c \
  src/ad/tape.c src/ad/grad_fp.c src/ad/grad_fp_impl.h \
  src/ad/grad_mpfr.c src/ad/grad_fmpq.c src/ad/run.c src/ad/enclose.c \
  src/ad/enclose_impl.h src/ad/interval.h
# pow, powf, frexp, ...
libpathdiff_la_LIBADD += -lm
# The PyTorch comparison (skipped, exit 77, where torch is missing).
TESTS += tests/interop/torch-interop.sh
EXTRA_DIST += tests/interop/torch-interop.sh tests/interop/torch_interop.py
check_PROGRAMS += tests/check_ad
TESTS += tests/check_ad
tests_check_ad_SOURCES = tests/check_ad.c tests/testlib.h tests/testlib.c
tests_check_ad_CFLAGS = $(TEST_CFLAGS)
tests_check_ad_LDADD = $(TEST_LIBS)
# Benchmark (make bench): gradient/value and exact/double time ratios on MLPs.
PD_BENCH += bench/bench_ad
bench_bench_ad_SOURCES = bench/bench_ad.c bench/benchlib.h bench/benchlib.c
bench_bench_ad_LDADD = libpathdiff.la
