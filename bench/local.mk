# bench: benchmark programs, built and run by `make bench`, never by make check.
EXTRA_PROGRAMS = $(PD_BENCH)
CLEANFILES += $(PD_BENCH)
bench: $(PD_BENCH)
	@for b in $(PD_BENCH); do echo "== $$b"; ./$$b || exit 1; done
.PHONY: bench
