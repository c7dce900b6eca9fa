# bench: benchmark programs, built and run by `make bench`, never by make check.
EXTRA_PROGRAMS = $(BENCH_PROGRAMS)
CLEANFILES += $(BENCH_PROGRAMS)
bench: $(BENCH_PROGRAMS)
	@for b in $(BENCH_PROGRAMS); do echo "== $$b"; ./$$b || exit 1; done
.PHONY: bench
